#!/usr/bin/env bash
# Sets up and runs Menagerie.
#   ./scripts/up.sh          the whole stack on kind when Docker and kind are there, else the local stack
#   ./scripts/up.sh kind     force the kind cluster
#   ./scripts/up.sh local    force the local stack (no containers)
set -euo pipefail
here=$(dirname "$0")
mode=${1:-auto}
if [ "$mode" = auto ]; then
  if command -v kind >/dev/null && docker info >/dev/null 2>&1; then mode=kind; else mode=local; fi
fi
case "$mode" in
  kind) exec "$here/kind-up.sh" ;;
  local) exec "$here/local-up.sh" ;;
  *) echo "usage: $0 [kind|local]" >&2; exit 2 ;;
esac
