#!/usr/bin/env bash
# Writes each chart's README.md from its Chart.yaml and the `# --` comments of
# its values.yaml with the pinned helm-docs (.go-tools). The chart tests fail
# while a README differs from what this writes.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
source "$(dirname "$0")/lib/node-tools.sh"
ensure_go_tools
build_node_tools
run_node_tool chart-readmes
