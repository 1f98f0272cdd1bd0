#!/usr/bin/env bash
# Runs the e2e assertions (packages/tools/src/e2e) against the stack on the current
# kubectl context: forwards Prometheus, Grafana, Loki and Tempo to loopback
# ports, reads the Grafana login from the Secret its Deployment uses, and runs
# the checks. Arguments go to the CLI (e.g. --timeout 120); see --help there.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
cd "$MENAGERIE_ROOT"

for tool in kubectl node; do
  command -v "$tool" >/dev/null || die "$tool is required on PATH"
done
cli=packages/tools/dist/cli/e2e.js
[ -f "$cli" ] || die "build the tools first: pnpm install && pnpm exec turbo run build --filter=@menagerie/tools..."

# Service names, ports and the namespace, from the contract.
eval "$(node packages/tools/dist/cli/print-stack-env.js)"
ns=${E2E_NAMESPACE:-$MENAGERIE_NAMESPACE}
local_prometheus=${E2E_PROMETHEUS_LOCAL_PORT:-19090}
local_grafana=${E2E_GRAFANA_LOCAL_PORT:-13000}
local_loki=${E2E_LOKI_LOCAL_PORT:-13100}
local_tempo=${E2E_TEMPO_LOCAL_PORT:-13200}

logs=$(mktemp -d)
pids=()
stop_forwards() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap stop_forwards EXIT

forward() { # service remote-port local-port
  kubectl --namespace "$ns" port-forward "service/$1" "$3:$2" >"$logs/$1.log" 2>&1 &
  pids+=("$!")
}

wait_for_port() { # service local-port pid
  local tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || die "port-forward to service/$1 stopped: $(cat "$logs/$1.log")"
    tries=$((tries + 1))
    [ "$tries" -le 60 ] || die "port-forward to service/$1 did not listen on 127.0.0.1:$2 within 30s"
    sleep 0.5
  done
}

forward "$PROMETHEUS_SERVICE" "$PROMETHEUS_PORT" "$local_prometheus"
forward "$GRAFANA_SERVICE" "$GRAFANA_PORT" "$local_grafana"
forward "$LOKI_SERVICE" "$LOKI_PORT" "$local_loki"
forward "$TEMPO_SERVICE" "$TEMPO_PORT" "$local_tempo"
wait_for_port "$PROMETHEUS_SERVICE" "$local_prometheus" "${pids[0]}"
wait_for_port "$GRAFANA_SERVICE" "$local_grafana" "${pids[1]}"
wait_for_port "$LOKI_SERVICE" "$local_loki" "${pids[2]}"
wait_for_port "$TEMPO_SERVICE" "$local_tempo" "${pids[3]}"
log "forwarding Prometheus :$local_prometheus, Grafana :$local_grafana, Loki :$local_loki, Tempo :$local_tempo (namespace $ns)"

# The Grafana chart hands the admin login to its container from a Secret;
# follow the container's own reference rather than guessing the Secret's name.
secret_ref() { # env-var field
  kubectl --namespace "$ns" get deployment "$GRAFANA_SERVICE" -o jsonpath="{.spec.template.spec.containers[*].env[?(@.name==\"$1\")].valueFrom.secretKeyRef.$2}"
}
secret_value() { # secret key
  kubectl --namespace "$ns" get secret "$1" -o go-template="{{ index .data \"$2\" | base64decode }}"
}
if [ -z "${E2E_GRAFANA_PASSWORD:-}" ]; then
  name=$(secret_ref GF_SECURITY_ADMIN_PASSWORD name)
  key=$(secret_ref GF_SECURITY_ADMIN_PASSWORD key)
  if [ -z "$name" ] || [ -z "$key" ]; then
    die "deployment/$GRAFANA_SERVICE takes GF_SECURITY_ADMIN_PASSWORD from no Secret"
  fi
  E2E_GRAFANA_PASSWORD=$(secret_value "$name" "$key")
  [ -n "$E2E_GRAFANA_PASSWORD" ] || die "secret/$name has no key $key"
  if [ -n "${GITHUB_ACTIONS:-}" ]; then echo "::add-mask::$E2E_GRAFANA_PASSWORD"; fi
  user_name=$(secret_ref GF_SECURITY_ADMIN_USER name)
  user_key=$(secret_ref GF_SECURITY_ADMIN_USER key)
  if [ -n "$user_name" ] && [ -n "$user_key" ]; then export E2E_GRAFANA_USER=${E2E_GRAFANA_USER:-$(secret_value "$user_name" "$user_key")}; fi
fi
export E2E_GRAFANA_PASSWORD

node "$cli" \
  --prometheus "http://127.0.0.1:$local_prometheus" \
  --grafana "http://127.0.0.1:$local_grafana" \
  --loki "http://127.0.0.1:$local_loki" \
  --tempo "http://127.0.0.1:$local_tempo" \
  --namespace "$ns" \
  "$@"
