#!/usr/bin/env bash
# Renders the full umbrella (helm template + helm lint) against upstream
# charts already unpacked in UPSTREAM_DIR, one folder per chart name
# (kube-prometheus-stack, kube-state-metrics, prometheus-node-exporter,
# prometheus-windows-exporter, grafana, loki, rollout-operator, tempo,
# tempo-distributed, promtail, alloy, prometheus-blackbox-exporter,
# prometheus-adapter, thanos, seaweedfs, prometheus-operator-crds), with each
# helmfile environment's values (and --state-values-set overrides, as
# helmfile takes them), renders every other release the environment enables,
# and checks names, URLs, kubeconform, Pod Security and requests. It never
# downloads or builds a chart: unpack them yourself, outside the repository
# (docs/deploy.md says how).
#   scripts/render-upstream.sh UPSTREAM_DIR [--state-values-set KEY=VALUE]... [ENVIRONMENT...]
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/node-tools.sh"
[ $# -ge 1 ] && [ -d "$1" ] || die "usage: $0 UPSTREAM_DIR [--state-values-set KEY=VALUE]... [ENVIRONMENT...] (a directory of unpacked charts)"
ensure_helm
ensure_go_tools
ensure_kubernetes_schemas
build_node_tools
run_node_tool render-upstream "$@"
