#!/usr/bin/env bash
# Runs Menagerie locally without containers: the server and the traffic client
# in the foreground, output prefixed by service. Ctrl-C stops both.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"
ensure_node
ensure_pnpm
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
pnpm install --frozen-lockfile || die "pnpm install failed"
pnpm exec turbo run build --filter=@menagerie/local-stack... --output-logs=errors-only || die "build failed"
exec node packages/local-stack/dist/main.js
