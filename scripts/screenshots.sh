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
build_package @menagerie/local-stack
exec node packages/local-stack/dist/screenshots.js
