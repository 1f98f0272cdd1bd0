#!/usr/bin/env bash
# Installs the releases for real on a throwaway Kubernetes control plane on
# loopback (etcd, kube-apiserver, kube-controller-manager; no kubelet, so pods
# stay Pending), in namespace menagerie labelled to enforce the restricted Pod
# Security Standard. It proves what rendering cannot: CRD ordering, the API
# server's validation of every object, Pod Security admission of every pod the
# Deployments, StatefulSets and DaemonSets create, the helm test hooks, and an
# upgrade and a rollback. docs/control-plane.md records a run.
#   KUBEBUILDER_ASSETS=DIR MENAGERIE_UPSTREAM_CHARTS=DIR scripts/control-plane-check.sh [HELM_ARGS...]
# KUBEBUILDER_ASSETS holds etcd, kube-apiserver and kube-controller-manager
# (controller-runtime's envtest layout: `setup-envtest use -p path` prints one).
# MENAGERIE_UPSTREAM_CHARTS holds the upstream charts unpacked, one folder per
# chart (as for scripts/render-upstream.sh). MENAGERIE_ENV picks the helmfile
# environment (default: default); MENAGERIE_POD_SECURITY the namespace's
# enforced level (default: restricted). HELM_ARGS go to the umbrella's install,
# e.g. --set kube-prometheus-stack.nodeExporter.enabled=false.
# Exits non-zero when an object or a pod is refused, or the upgrade or the
# rollback fails. Not part of scripts/test.sh: CI machines lack the binaries.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/node-tools.sh"
cd "$MENAGERIE_ROOT"

assets=${KUBEBUILDER_ASSETS:-}
upstream=${MENAGERIE_UPSTREAM_CHARTS:-}
environment=${MENAGERIE_ENV:-default}
level=${MENAGERIE_POD_SECURITY:-restricted}
ns=$MENAGERIE_NAMESPACE
release=$MENAGERIE_RELEASE
if [ -z "$assets" ] || [ ! -d "$assets" ]; then
  die "set KUBEBUILDER_ASSETS to a directory with etcd, kube-apiserver and kube-controller-manager"
fi
for binary in etcd kube-apiserver kube-controller-manager; do
  [ -x "$assets/$binary" ] || die "$assets/$binary is missing or not executable"
done
if [ -z "$upstream" ] || [ ! -f "$upstream/prometheus-operator-crds/Chart.yaml" ]; then
  die "set MENAGERIE_UPSTREAM_CHARTS to a directory of unpacked upstream charts (docs/deploy.md)"
fi
command -v kubectl >/dev/null || die "kubectl is not installed"
command -v openssl >/dev/null || die "openssl is not installed"
ensure_helm
build_node_tools

step() { printf '\n[menagerie] == %s\n' "$*" >&2; }
indent() { sed 's/^/  /'; }
problems=()
problem() { problems+=("$*"); printf '[menagerie] PROBLEM: %s\n' "$*" >&2; }

# ------------------------------------------------------------ control plane ---
work=$(mktemp -d "${TMPDIR:-/tmp}/menagerie-control-plane-XXXXXX")
pids=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  local i
  # Last started first: the API server stops cleanly only while etcd runs.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
export TMPDIR=$work KUBECONFIG=$work/kubeconfig
# helm keeps its caches and plugins out of the user's home.
export HELM_CACHE_HOME=$work/helm/cache HELM_CONFIG_HOME=$work/helm/config HELM_DATA_HOME=$work/helm/data

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
# wait_for SECONDS WHAT COMMAND...: retries COMMAND once a second.
wait_for() {
  local deadline=$(($(date +%s) + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die "$what did not come up (logs in $work/*.log)"
    sleep 1
  done
}

step "control plane from $assets"
"$assets/etcd" --version | sed -n 1p >&2
"$assets/kube-apiserver" --version >&2
(
  cd "$work"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=menagerie-check-ca
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 1 -extfile san.ext
  openssl genrsa -out sa.key 2048
  openssl rsa -in sa.key -pubout -out sa.pub
) >"$work/openssl.log" 2>&1 || die "openssl failed: $(cat "$work/openssl.log")"
# One static token for the admin (system:masters), used by helm, kubectl and
# the controller manager alike.
token=$(openssl rand -hex 16)
printf '%s,admin,admin,system:masters\n' "$token" >"$work/tokens.csv"

etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port)
"$assets/etcd" --name check --data-dir "$work/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
  --initial-cluster "check=http://127.0.0.1:$peer_port" >"$work/etcd.log" 2>&1 &
pids+=($!)
wait_for 30 etcd curl -fsS "http://127.0.0.1:$etcd_port/health"

# --allow-privileged as on any real cluster, so Pod Security admission (on by
# default) is what refuses privileged pods; no endpoint reconciler, since the
# kubernetes Service cannot have a loopback endpoint.
"$assets/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --tls-cert-file="$work/apiserver.crt" --tls-private-key-file="$work/apiserver.key" \
  --client-ca-file="$work/ca.crt" --token-auth-file="$work/tokens.csv" \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$work/sa.pub" --service-account-signing-key-file="$work/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 --authorization-mode=RBAC --allow-privileged=true \
  --endpoint-reconciler-type=none >"$work/apiserver.log" 2>&1 &
pids+=($!)
kubectl config set-cluster check --server="https://127.0.0.1:$api_port" \
  --certificate-authority="$work/ca.crt" --embed-certs >/dev/null
kubectl config set-credentials admin --token="$token" >/dev/null
kubectl config set-context check --cluster=check --user=admin >/dev/null
kubectl config use-context check >/dev/null
wait_for 60 kube-apiserver kubectl get --raw /readyz

# helm compares the server's version with each chart's kubeVersion; a binary
# built without Kubernetes' version stamp says v0.0.0 and every install fails.
server_version=$(kubectl get --raw /version | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).gitVersion)')
[[ $server_version =~ ^v1\.[0-9]+\.[0-9]+ ]] ||
  die "kube-apiserver reports $server_version: build it with the version stamp (-ldflags -X k8s.io/component-base/version.gitVersion=v1.x.y, what Kubernetes' own build sets)"

# Without the node lifecycle controller, the Node below is never tainted
# unreachable, so the DaemonSet controller creates a pod for it and Pod
# Security admission judges that pod too.
"$assets/kube-controller-manager" --kubeconfig="$KUBECONFIG" --leader-elect=false \
  --controllers='*,-node-lifecycle-controller' --secure-port=0 \
  --root-ca-file="$work/ca.crt" --service-account-private-key-file="$work/sa.key" \
  >"$work/controller-manager.log" 2>&1 &
pids+=($!)
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Node
metadata:
  name: no-kubelet
  labels: { kubernetes.io/os: linux, kubernetes.io/arch: amd64, kubernetes.io/hostname: no-kubelet }
YAML
# A new Node is tainted not-ready until a kubelet reports; DaemonSets that do
# not tolerate it (promtail) would create no pod at all. Report it ready.
kubectl patch node no-kubelet --subresource=status --type=merge \
  -p '{"status":{"conditions":[{"type":"Ready","status":"True","reason":"NoKubelet","message":"no kubelet: pods stay Pending"}]}}' >/dev/null
kubectl taint node no-kubelet node.kubernetes.io/not-ready:NoSchedule- >/dev/null
log "Kubernetes $server_version on https://127.0.0.1:$api_port; Node no-kubelet has no kubelet behind it"

# ----------------------------------------------------------------- releases ---
step "namespace $ns enforcing the $level Pod Security Standard"
kubectl create namespace "$ns" >/dev/null
kubectl label namespace "$ns" "pod-security.kubernetes.io/enforce=$level" \
  pod-security.kubernetes.io/enforce-version=latest >/dev/null
kubectl get namespace "$ns" --show-labels

# The helmfile's releases, in its order, with what it passes: the CRD chart at
# its pinned version, then the umbrella with the environment's values files.
# helmfile itself cannot run here: it adds the chart repositories and builds
# the umbrella's dependencies, and waits for readiness that never comes
# without a kubelet. So helm does it, from the unpacked charts, without --wait.
crd_version=$(node -e 'const y = require("fs").readFileSync(process.argv[1], "utf8"); const m = y.match(/chart: prometheus-community\/prometheus-operator-crds\s+version: (\S+)/); if (!m) process.exit(1); console.log(m[1])' helmfile.yaml) ||
  die "cannot read the prometheus-operator-crds version from helmfile.yaml"
crd_chart_version=$(sed -n 's/^version: *//p' "$upstream/prometheus-operator-crds/Chart.yaml")
[ "$crd_chart_version" = "$crd_version" ] ||
  die "$upstream/prometheus-operator-crds is $crd_chart_version; helmfile.yaml pins $crd_version"
mapfile -t prepared < <(run_node_tool umbrella-release "$upstream" "$environment")
umbrella=${prepared[0]}
values_args=()
for file in "${prepared[@]:1}"; do values_args+=(-f "$file"); done

step "helm install prometheus-operator-crds $crd_version"
helm install prometheus-operator-crds "$upstream/prometheus-operator-crds" -n "$ns" >"$work/crds.out" ||
  die "the CRD release did not install"
kubectl get crd -o name | indent

# Envoy Gateway, the envoy-gateway release, when its chart is unpacked too
# (gateway-helm): its crds/ folder brings the Gateway API CRDs the umbrella's
# Gateway and routes need. Without hooks: its certificate Job would wait for a
# kubelet. Without the chart the umbrella installs with its Gateway off.
gateway_args=()
if [ -f "$upstream/gateway-helm/Chart.yaml" ]; then
  step "helm install envoy-gateway (its CRDs from crds/, no hooks)"
  helm install envoy-gateway "$upstream/gateway-helm" -n envoy-gateway-system --create-namespace --no-hooks \
    -f deploy/helmfile/values/envoy-gateway.yaml >"$work/envoy-gateway.out" 2>&1 ||
    { cat "$work/envoy-gateway.out" >&2; die "the envoy-gateway release did not install"; }
  kubectl get crd -o name | grep 'gateway\.networking\.k8s\.io' | indent
else
  log "$upstream/gateway-helm is not unpacked: the umbrella installs with gateway.enabled=false"
  gateway_args=(--set gateway.enabled=false)
fi

step "presync hook: scripts/ensure-paging-secret.sh"
scripts/ensure-paging-secret.sh "$ns" menagerie-pagerduty routing-key "$release"

step "helm install $release (environment $environment${*:+, $*})"
if ! helm install "$release" "$umbrella" -n "$ns" "${values_args[@]}" "${gateway_args[@]}" "$@" >"$work/install.out" 2>&1; then
  cat "$work/install.out" >&2
  die "the umbrella release did not install"
fi
helm list -n "$ns"

# ------------------------------------------------------------ pod security ---
# The JavaScript below is single-quoted on purpose: node reads its own ${}.
# shellcheck disable=SC2016
# admission WORKLOAD: "admitted N pod(s)", "REFUSED: reason", or "no pod yet".
admission() {
  local kind=${1%%/*} name=${1#*/} refused pods
  refused=$(kubectl -n "$ns" get events --field-selector reason=FailedCreate -o json | node -e '
    const [kind, name] = process.argv.slice(1);
    const events = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    // A Deployment refuses through its ReplicaSets, named after it.
    const mine = events.filter((e) => kind === "deployment"
      ? e.involvedObject.kind === "ReplicaSet" && e.involvedObject.name.startsWith(`${name}-`)
      : e.involvedObject.kind.toLowerCase() === kind && e.involvedObject.name === name);
    const last = mine.pop();
    if (last) console.log(last.message.replace(/^.*?(violates PodSecurity)/, "$1"));
  ' "$kind" "$name")
  if [ -n "$refused" ]; then echo "REFUSED: $refused"; return; fi
  pods=$(kubectl -n "$ns" get pods -o json | node -e '
    const [kind, name] = process.argv.slice(1);
    const pods = JSON.parse(require("fs").readFileSync(0, "utf8")).items;
    const owner = (p) => (p.metadata.ownerReferences ?? [])[0] ?? {};
    console.log(pods.filter((p) => kind === "deployment"
      ? owner(p).kind === "ReplicaSet" && owner(p).name.startsWith(`${name}-`)
      : owner(p).kind.toLowerCase() === kind && owner(p).name === name).length);
  ' "$kind" "$name")
  if [ "$pods" -gt 0 ]; then echo "admitted $pods pod(s), Pending (no kubelet)"; else echo "no pod yet"; fi
}

report_workloads() {
  local workloads workload verdict pending deadline=$(($(date +%s) + 90))
  mapfile -t workloads < <(kubectl -n "$ns" get deployments,statefulsets,daemonsets -o name | sed 's|\.apps/|/|')
  # The controllers create pods within seconds; a refused pod is retried with
  # back-off, so wait until every workload has pods or a refusal.
  while :; do
    pending=0
    for workload in "${workloads[@]}"; do
      [ "$(admission "$workload")" = "no pod yet" ] && pending=$((pending + 1))
    done
    [ "$pending" -eq 0 ] || [ "$(date +%s)" -ge "$deadline" ] && break
    sleep 3
  done
  for workload in "${workloads[@]}"; do
    verdict=$(admission "$workload")
    printf '  %-45s %s\n' "$workload" "$verdict"
    case $verdict in admitted*) ;; *) problem "$workload: $verdict" ;; esac
  done
}

step "workloads and Pod Security admission of their pods"
report_workloads

step "helm test hooks (server-side dry run: a test pod needs a kubelet to run)"
helm get hooks "$release" -n "$ns" >"$work/hooks.yaml"
if ! kubectl -n "$ns" create --dry-run=server -f "$work/hooks.yaml" >"$work/hooks.out" 2>&1; then
  problem "a helm test hook pod is refused"
fi
indent <"$work/hooks.out"

# ---------------------------------------------------- upgrade and rollback ---
step "helm upgrade: a new menagerie-server version"
if helm upgrade "$release" "$umbrella" -n "$ns" "${values_args[@]}" "${gateway_args[@]}" "$@" \
  --set menagerie-server.version=0.1.0-check >"$work/upgrade.out" 2>&1; then
  kubectl -n "$ns" rollout history deployment/"$MENAGERIE_SERVER" | indent
  kubectl -n "$ns" get replicasets -l app.kubernetes.io/name="$MENAGERIE_SERVER" | indent
else
  cat "$work/upgrade.out" >&2
  problem "helm upgrade failed"
fi

step "helm rollback $release 1"
if helm rollback "$release" 1 -n "$ns" >"$work/rollback.out" 2>&1; then
  version=$(kubectl -n "$ns" get deployment "$MENAGERIE_SERVER" \
    -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MENAGERIE_VERSION")].value}')
  log "after the rollback $MENAGERIE_SERVER runs MENAGERIE_VERSION=$version"
  [ "$version" != 0.1.0-check ] || problem "the rollback left the upgraded version in place"
else
  cat "$work/rollback.out" >&2
  problem "helm rollback failed"
fi
helm history "$release" -n "$ns" | indent

# ------------------------------------------------------------------ summary ---
step "summary"
if [ ${#problems[@]} -eq 0 ]; then
  log "every object accepted; every pod admitted under $level; upgrade and rollback went through"
  exit 0
fi
printf '[menagerie]   %s\n' "${problems[@]}" >&2
die "${#problems[@]} problem(s) under $level"
