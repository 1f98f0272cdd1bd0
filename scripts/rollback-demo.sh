#!/usr/bin/env bash
# The rollback demo, on the stack scripts/kind-up.sh brought up:
#   0. checks the running release is healthy (Prometheus: error ratio within the SLO);
#   1. deploys a bad release: a new server version whose behaviour profile
#      (packages/server/profiles/bad-release-errors.yaml) fails requests;
#   2. shows the breakage from Prometheus's API: the error ratio over the
#      availability SLO's budget, and the alerts pending or firing;
#   3. `helm rollback` to the last good revision;
#   4. shows the recovery: the good version alone, the error ratio back in budget.
# It prints a timeline and exits non-zero unless it saw both the breakage and
# the recovery. Non-interactive.
#   MENAGERIE_BAD_PROFILE   the profile to deploy (default: bad-release-errors.yaml)
#   MENAGERIE_BAD_VERSION   the bad release's version (default: <good>-bad)
#   BREACH_TIMEOUT / RECOVERY_TIMEOUT   seconds to wait for each (default 600)
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/node-tools.sh"
source "$(dirname "$0")/lib/demo.sh"
cd "$MENAGERIE_ROOT"

profile=${MENAGERIE_BAD_PROFILE:-packages/server/profiles/bad-release-errors.yaml}
breach_timeout=${BREACH_TIMEOUT:-600}
recovery_timeout=${RECOVERY_TIMEOUT:-600}
context=$MENAGERIE_KUBE_CONTEXT
ns=$MENAGERIE_NAMESPACE
release=$MENAGERIE_RELEASE

command -v kubectl >/dev/null || die "kubectl is not installed"
ensure_helm
[ -f "$profile" ] || die "no bad behaviour profile at $profile"
kubectl config get-contexts "$context" >/dev/null 2>&1 || die "no kube context $context: run scripts/kind-up.sh first"
helm status "$release" -n "$ns" --kube-context "$context" >/dev/null 2>&1 ||
  die "no release $release in namespace $ns: run scripts/kind-up.sh first"
build_node_tools

start_timeline

# The last good revision is the one deployed now.
good_revision=$(deployed_revision "$release" "$ns" "$context") ||
  die "release $release has no deployed revision"
good_version=$(kubectl --context "$context" -n "$ns" get deployment "$MENAGERIE_SERVER" \
  -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="MENAGERIE_VERSION")].value}')
[ -n "$good_version" ] || die "cannot read MENAGERIE_VERSION from deployment/$MENAGERIE_SERVER"
bad_version=${MENAGERIE_BAD_VERSION:-$good_version-bad}

# Prometheus through a port-forward on a free loopback port.
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
kubectl --context "$context" -n "$ns" port-forward "svc/$PROMETHEUS_SERVICE" "$port:$PROMETHEUS_PORT" >/dev/null 2>&1 &
forward_pid=$!
trap 'kill "$forward_pid" 2>/dev/null || true' EXIT
prometheus=http://127.0.0.1:$port
watch_slo() { # EXPECTATION VERSION TIMEOUT
  run_node_tool slo-watch --prometheus "$prometheus" --expect "$1" --version "$2" --timeout "$3" \
    --interval 10 --since "$timeline_since"
}

event "release $release revision $good_revision runs $MENAGERIE_SERVER $good_version; checking it is healthy"
watch_slo healthy "$good_version" 180 || die "the good release is not healthy to begin with: no demo"

# Charts the helmfile fetched are in charts/menagerie/charts; fetch them if this checkout has none.
if ! ls charts/menagerie/charts/*.tgz >/dev/null 2>&1; then
  helm dependency build charts/menagerie >/dev/null
fi
event "1. deploying the bad release: $MENAGERIE_SERVER $bad_version with $profile"
helm upgrade "$release" charts/menagerie -n "$ns" --kube-context "$context" --reuse-values \
  --set "menagerie-server.version=$bad_version" --set-file "menagerie-server.behaviourProfile=$profile" \
  --wait --timeout 10m >/dev/null
bad_revision=$(helm history "$release" -n "$ns" --kube-context "$context" --max 1 -o json |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].revision)')
event "revision $bad_revision is out; watching Prometheus for the breakage"

event "2. the breakage, from Prometheus's API"
watch_slo breach "$bad_version" "$breach_timeout" || die "Prometheus never showed the bad release breaking the SLO"
event "breakage seen: the error ratio is over the availability SLO's budget"

event "3. helm rollback $release $good_revision"
helm rollback "$release" "$good_revision" -n "$ns" --kube-context "$context" --wait --timeout 10m >/dev/null
event "rolled back; watching Prometheus for the recovery"

event "4. the recovery, from Prometheus's API"
watch_slo healthy "$good_version" "$recovery_timeout" || die "Prometheus never showed the recovery"
event "recovered: only $good_version runs and the error ratio is back within the SLO's budget"
event "timeline: good r$good_revision -> bad r$bad_revision ($bad_version) -> breakage -> rollback to r$good_revision -> recovery"
