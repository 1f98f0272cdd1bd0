#!/usr/bin/env bash
# Refreshes the screenshots in docs/images: starts the local stack (healthy
# release, then the bad one), waits for its alerts, and photographs
# Prometheus' RED graph, Prometheus' alerts page and Alertmanager with
# Debian's headless Chromium. Takes about three minutes.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"
ensure_debian_packages prometheus=prometheus prometheus-alertmanager=prometheus-alertmanager \
  prometheus-blackbox-exporter=prometheus-blackbox-exporter chromium=chromium optipng=optipng
ensure_node
ensure_pnpm
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
pnpm install --frozen-lockfile || die "pnpm install failed"
pnpm exec turbo run build --filter=@menagerie/local-stack... --output-logs=errors-only || die "build failed"
exec node packages/local-stack/dist/screenshots.js
