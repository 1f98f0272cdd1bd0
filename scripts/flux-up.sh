#!/usr/bin/env bash
# Menagerie on a local kind cluster, delivered by Flux from a Git repository
# instead of helmfile (docs/gitops.md):
#   SOPS_AGE_KEY_FILE=path/to/age.key ./scripts/flux-up.sh
#   1. checks docker, kind, kubectl and flux, and the age key that decrypts
#      deploy/secrets/paging.sops.yaml;
#   2. creates the kind cluster (deploy/kind/cluster.yaml), or reuses it;
#   3. builds the two images from this work tree, tagged with the charts'
#      appVersion (what the HelmRelease runs), and loads them into kind;
#   4. installs Flux ($MENAGERIE_FLUX_VERSION), gives it the age key, points
#      its GitRepository flux-system at MENAGERIE_GIT_URL (default: the
#      `origin` remote) and MENAGERIE_GIT_BRANCH (default: the current branch),
#      and applies deploy/flux/clusters/kind;
#   5. waits until every HelmRelease is ready, and prints the URLs.
# Flux deploys what is pushed to that branch, not this work tree: push first.
# `flux bootstrap` does steps 4 and 5 for a repository Flux may write to.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/kind.sh"
cd "$MENAGERIE_ROOT"
step() { printf '\n[menagerie] == %s\n' "$*" >&2; }

# ---------------------------------------------------------- prerequisites ---
step "checking prerequisites"
missing=()
for tool in docker kind kubectl flux git; do
  command -v "$tool" >/dev/null || missing+=("$tool is not installed")
done
key_file=${SOPS_AGE_KEY_FILE:-}
if [ -z "$key_file" ] || [ ! -r "$key_file" ]; then
  missing+=("SOPS_AGE_KEY_FILE must name the age key file that decrypts deploy/secrets/paging.sops.yaml (docs/secrets.md)")
fi
url=${MENAGERIE_GIT_URL:-$(git remote get-url origin 2>/dev/null || true)}
branch=${MENAGERIE_GIT_BRANCH:-$(git rev-parse --abbrev-ref HEAD 2>/dev/null || true)}
[ -n "$url" ] || missing+=("no Git URL for Flux to pull: set MENAGERIE_GIT_URL (or add an origin remote)")
[ -n "$branch" ] && [ "$branch" != HEAD ] || missing+=("no branch for Flux to follow: set MENAGERIE_GIT_BRANCH")
if [ ${#missing[@]} -gt 0 ]; then
  printf '[menagerie] missing: %s\n' "${missing[@]}" >&2
  die "${#missing[@]} prerequisite(s) missing (see above); nothing was changed"
fi
log "Flux will deploy $url, branch $branch"

step "kind cluster $MENAGERIE_CLUSTER"
ensure_kind_cluster

# The HelmRelease runs the app charts' default image tag: their appVersion.
tag=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "charts/$MENAGERIE_SERVER/Chart.yaml")
step "images $MENAGERIE_SERVER:$tag, $MENAGERIE_CLIENT:$tag"
load_app_images "$tag"

# --------------------------------------------------------------------- flux ---
step "flux install --version=$MENAGERIE_FLUX_VERSION"
flux install --version="$MENAGERIE_FLUX_VERSION"
# The age key, through stdin: never in the process list.
kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=/dev/stdin \
  --dry-run=client -o yaml <"$key_file" | kubectl apply -f - >/dev/null
flux create source git flux-system --url="$url" --branch="$branch" --interval=1m
kubectl apply -f deploy/flux/clusters/kind/menagerie.yaml

step "waiting for the Kustomization menagerie and its HelmReleases"
flux reconcile kustomization menagerie --with-source --timeout=25m ||
  die "Flux did not get the releases ready: flux get helmreleases -n flux-system; flux logs --level=error"
flux get helmreleases -n flux-system >&2

cat >&2 <<DONE

[menagerie] Menagerie is up on kind, delivered by Flux from $url ($branch).
$(print_stack_urls "$(grafana_login)")
A change:    commit and push; Flux applies it within a minute (flux reconcile kustomization menagerie --with-source: now)
Roll back:   git revert the commit and push (docs/gitops.md)
Tear down    scripts/kind-down.sh
DONE
