#!/usr/bin/env bash
# The autoscaling demo, on a stack `MENAGERIE_ENV=autoscaling scripts/kind-up.sh`
# brought up (prometheus-adapter and the server's HorizontalPodAutoscaler):
#   0. checks the HPA reads its metrics: the server's requests per second
#      (a custom metric prometheus-adapter serves) and CPU, not <unknown>;
#   1. raises the client's rate (helm upgrade, menagerie-client.load.rate);
#   2. shows the HPA's desired replicas climb and the new pods become ready;
#   3. lowers the rate again (helm rollback to the revision it started from);
#   4. shows the scale-down, which waits for the HPA's stabilisation window.
# It prints a timeline and exits non-zero unless it saw the scale-up and the
# scale-down. Non-interactive. Each new pod starts with an empty store: reads
# of animals another replica stored answer 404 (docs/deploy.md, "Scaling").
#   HIGH_RATE             requests per second to raise the client to (default 40)
#   SCALE_UP_TIMEOUT / SCALE_DOWN_TIMEOUT   seconds to wait for each (default 600)
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/node-tools.sh"
source "$(dirname "$0")/lib/demo.sh"
cd "$MENAGERIE_ROOT"

high_rate=${HIGH_RATE:-40}
up_timeout=${SCALE_UP_TIMEOUT:-600}
down_timeout=${SCALE_DOWN_TIMEOUT:-600}
context=$MENAGERIE_KUBE_CONTEXT
ns=$MENAGERIE_NAMESPACE
release=$MENAGERIE_RELEASE
hpa=$MENAGERIE_SERVER

if ! [[ "$high_rate" =~ ^[1-9][0-9]*$ ]]; then
  die "HIGH_RATE must be a whole number of requests per second, not '$high_rate'"
fi
command -v kubectl >/dev/null || die "kubectl is not installed"
ensure_helm
kubectl config get-contexts "$context" >/dev/null 2>&1 || die "no kube context $context: run scripts/kind-up.sh first"
helm status "$release" -n "$ns" --kube-context "$context" >/dev/null 2>&1 ||
  die "no release $release in namespace $ns: run MENAGERIE_ENV=autoscaling scripts/kind-up.sh first"
kubectl --context "$context" -n "$ns" get horizontalpodautoscaler "$hpa" >/dev/null 2>&1 ||
  die "no HorizontalPodAutoscaler $hpa in namespace $ns: deploy the autoscaling environment (MENAGERIE_ENV=autoscaling scripts/kind-up.sh), which adds prometheus-adapter and the HPA"
build_node_tools

start_timeline

# The revision deployed now: the rollback returns to its rate and everything else.
start_revision=$(deployed_revision "$release" "$ns" "$context") ||
  die "release $release has no deployed revision"
baseline=$(kubectl --context "$context" -n "$ns" get horizontalpodautoscaler "$hpa" -o jsonpath='{.status.currentReplicas}')
if ! [[ "$baseline" =~ ^[1-9][0-9]*$ ]]; then
  die "HPA $hpa reports no current replicas yet: wait a minute and try again"
fi

# The Kubernetes API through kubectl proxy on a free loopback port.
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
kubectl --context "$context" proxy --address 127.0.0.1 --port "$port" >/dev/null 2>&1 &
proxy_pid=$!
trap 'kill "$proxy_pid" 2>/dev/null || true' EXIT
watch_hpa() { # EXPECTATION TIMEOUT
  run_node_tool autoscale-watch --api "http://127.0.0.1:$port" --namespace "$ns" --hpa "$hpa" \
    --expect "$1" --baseline "$baseline" --timeout "$2" --interval 10 --since "$timeline_since"
}

event "release $release revision $start_revision; HPA $hpa runs $baseline replica(s); checking it reads its metrics"
watch_hpa metrics-ready 180 ||
  die "the HPA cannot read its metrics (prometheus-adapter: kubectl -n $ns logs deploy/prometheus-adapter; kubectl get apiservices | grep metrics)"

# Charts the helmfile fetched are in charts/menagerie/charts; fetch them if this checkout has none.
if ! ls charts/menagerie/charts/*.tgz >/dev/null 2>&1; then
  helm dependency build charts/menagerie >/dev/null
fi
event "1. raising the client's rate to $high_rate requests per second"
helm upgrade "$release" charts/menagerie -n "$ns" --kube-context "$context" --reuse-values \
  --set "menagerie-client.load.rate=$high_rate" --wait --timeout 10m >/dev/null
event "the client sends $high_rate/s; watching the HPA scale the server"

event "2. the scale-up"
watch_hpa scaled-up "$up_timeout" || die "the HPA never scaled the server up"

event "3. lowering the rate: helm rollback $release $start_revision"
helm rollback "$release" "$start_revision" -n "$ns" --kube-context "$context" --wait --timeout 10m >/dev/null
event "the client is back to its rate; the HPA keeps the replicas for its stabilisation window"

event "4. the scale-down"
watch_hpa scaled-down "$down_timeout" || die "the HPA never scaled the server back down"
event "timeline: $baseline replica(s) -> client at $high_rate/s -> scale-up -> rollback to r$start_revision -> back to $baseline"
