#!/usr/bin/env bash
# Menagerie and its observability stack with Docker Compose, for a machine
# with Docker and no kind (docs/compose.md):
#   MENAGERIE_UPSTREAM_CHARTS=DIR ./scripts/compose-up.sh
#   1. checks for Docker with Compose v2 and the upstream charts, unpacked in
#      DIR one folder per chart (as for scripts/render-upstream.sh);
#   2. writes every configuration compose.yaml mounts into .compose/, from the
#      umbrella chart rendered against them (it refuses when compose.yaml runs
#      another image than the chart, or mounts what is not there);
#   3. `docker compose up --build --detach --wait`, and prints the URLs and
#      the Grafana login.
# PAGING_ROUTING_KEY, when set, is the paging key Alertmanager reads.
# Stop with `docker compose down` (add --volumes to forget Prometheus' data).
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"

upstream=${MENAGERIE_UPSTREAM_CHARTS:-}
missing=()
command -v docker >/dev/null || missing+=("docker is not installed: https://docs.docker.com/get-docker/")
if command -v docker >/dev/null && ! docker compose version >/dev/null 2>&1; then
  missing+=("Docker Compose v2 (docker compose) is not installed")
fi
if [ -z "$upstream" ] || [ ! -d "$upstream" ]; then
  missing+=("MENAGERIE_UPSTREAM_CHARTS must name a folder of the umbrella's upstream charts, unpacked (docs/compose.md: helm pull … --untar)")
fi
if [ ${#missing[@]} -gt 0 ]; then
  printf '[menagerie] missing: %s\n' "${missing[@]}" >&2
  die "${#missing[@]} prerequisite(s) missing (see above); nothing was changed"
fi

build_package @menagerie/local-stack
ensure_helm
log "writing .compose/ from the chart rendered against $upstream"
MENAGERIE_UPSTREAM_CHARTS=$upstream node packages/local-stack/dist/compose/main.js ||
  die "the configuration was not written (see above)"

docker compose up --build --detach --wait || die "the stack did not come up: docker compose ps; docker compose logs"

login=$(sed -n 's/^GF_SECURITY_ADMIN_USER=//p' .compose/grafana/admin.env)
password=$(sed -n 's/^GF_SECURITY_ADMIN_PASSWORD=//p' .compose/grafana/admin.env)
cat >&2 <<URLS

[menagerie] Menagerie is up with Docker Compose.
  Grafana        http://localhost:3000      login: $login / $password
  The API        http://localhost:8080/animals
  Prometheus     http://localhost:9090
  Alertmanager   http://localhost:9093
  Loki, Tempo    http://localhost:3100, http://localhost:3200
Stop:            docker compose down
URLS
