#!/usr/bin/env bash
# Runs Menagerie locally without containers: the server and the traffic client,
# a real Prometheus (the chart's rules, exemplars), Alertmanager (the chart's
# configuration) and blackbox exporter, output prefixed by process; prints the
# URLs. Ctrl-C stops everything. See docs/local-stack.md.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"
ensure_node
ensure_pnpm
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
pnpm install --frozen-lockfile || die "pnpm install failed"
pnpm exec turbo run build --filter=@menagerie/local-stack... --output-logs=errors-only || die "build failed"
exec node packages/local-stack/dist/main.js
