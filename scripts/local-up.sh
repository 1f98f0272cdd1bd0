#!/usr/bin/env bash
# Runs Menagerie locally without containers: the server and the traffic client,
# a real Prometheus (the chart's rules, exemplars), Alertmanager (the chart's
# configuration) and blackbox exporter, output prefixed by process; prints the
# URLs. Ctrl-C stops everything. See docs/local-stack.md.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"
build_package @menagerie/local-stack
exec node packages/local-stack/dist/main.js
