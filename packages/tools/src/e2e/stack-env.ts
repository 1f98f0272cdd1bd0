/**
 * Prints the contract's names for the stack as shell assignments, so the
 * scripts that port-forward to the cluster read them from the one source
 * instead of retyping them: eval "$(node packages/tools/dist/cli/print-stack-env.js)".
 */
import { NAMESPACE, RELEASE, STACK } from '@menagerie/contract';

export function stackEnv(): Record<string, string> {
  return {
    MENAGERIE_NAMESPACE: NAMESPACE,
    MENAGERIE_RELEASE: RELEASE,
    PROMETHEUS_SERVICE: STACK.prometheus.service,
    PROMETHEUS_PORT: String(STACK.prometheus.port),
    GRAFANA_SERVICE: STACK.grafana.service,
    GRAFANA_PORT: String(STACK.grafana.port),
    LOKI_SERVICE: STACK.loki.service,
    LOKI_PORT: String(STACK.loki.port),
    TEMPO_SERVICE: STACK.tempo.service,
    TEMPO_PORT: String(STACK.tempo.port),
  };
}

/** Single-quoted so that eval never interprets a value, whatever it holds. */
export function toShell(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}='${value.replaceAll("'", "'\\''")}'`)
    .join('\n');
}
