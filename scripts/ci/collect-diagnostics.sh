#!/usr/bin/env bash
# Saves what kubectl and helm know about the cluster into a folder, for a
# failed CI run: resources, events, descriptions, and every container's logs
# (and the previous run's, after a restart). Secrets are never read.
set -uo pipefail # no -e: a failing command must not stop the rest of the collection
out=${1:?usage: collect-diagnostics.sh DIR}
mkdir -p "$out"

run() { # file command...
  local file=$1
  shift
  "$@" >"$out/$file" 2>&1 || echo "(exit $?: $*)" >>"$out/$file"
}

run version.txt kubectl version
run nodes.txt kubectl describe nodes
run resources.txt kubectl get all,configmap,networkpolicy,pvc,poddisruptionbudget,horizontalpodautoscaler --all-namespaces -o wide
run monitoring.txt kubectl get servicemonitor,podmonitor,probe,prometheusrule,prometheus,alertmanager --all-namespaces
run events.txt kubectl get events --all-namespaces --sort-by=.lastTimestamp
if command -v helm >/dev/null; then run helm-releases.txt helm list --all-namespaces --all; fi

for ns in $(kubectl get namespaces -o jsonpath='{.items[*].metadata.name}'); do
  mkdir -p "$out/$ns"
  run "$ns/pods.txt" kubectl --namespace "$ns" describe pods
  for pod in $(kubectl --namespace "$ns" get pods -o jsonpath='{.items[*].metadata.name}'); do
    containers=$(kubectl --namespace "$ns" get pod "$pod" -o jsonpath='{.spec.initContainers[*].name} {.spec.containers[*].name}')
    for container in $containers; do
      run "$ns/$pod.$container.log" kubectl --namespace "$ns" logs "$pod" --container "$container" --timestamps
      if kubectl --namespace "$ns" logs "$pod" --container "$container" --previous --timestamps \
        >"$out/$ns/$pod.$container.previous.log" 2>/dev/null; then :; else rm -f "$out/$ns/$pod.$container.previous.log"; fi
    done
  done
done

if command -v kind >/dev/null; then run kind-export.txt kind export logs "$out/kind"; fi
echo "diagnostics written to $out"
