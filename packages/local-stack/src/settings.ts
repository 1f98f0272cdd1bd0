import { CLIENT, SERVER, STACK } from '@menagerie/contract';

/**
 * Where the local stack listens. The services keep their contract ports; the
 * monitoring programs use the ports of their Services in the cluster, which
 * are also the Debian packages' defaults. Each can be moved by its variable.
 */
export const LOCAL_PORT = {
  server: SERVER.port,
  client: CLIENT.port,
  prometheus: STACK.prometheus.port,
  alertmanager: STACK.alertmanager.port,
  blackboxExporter: STACK.blackboxExporter.port,
  loki: STACK.loki.port,
  tempo: STACK.tempo.port,
  // promtail's own default (the chart's config.serverPort); it has no Service.
  promtail: 3101,
  // Grafana's own default: its Service's port 80 is not for an unprivileged process.
  grafana: 3000,
} as const;

export type StackPorts = { readonly [K in keyof typeof LOCAL_PORT]: number };

/** Environment variables the launcher reads. */
export const LOCAL_ENV = {
  ports: {
    server: 'SERVER_PORT',
    client: 'CLIENT_PORT',
    prometheus: 'PROMETHEUS_PORT',
    alertmanager: 'ALERTMANAGER_PORT',
    blackboxExporter: 'BLACKBOX_PORT',
    loki: 'LOKI_PORT',
    tempo: 'TEMPO_PORT',
    promtail: 'PROMTAIL_PORT',
    grafana: 'GRAFANA_PORT',
  },
  /** Where the generated configuration and the Prometheus and Alertmanager data go. */
  dir: 'LOCAL_STACK_DIR',
} as const satisfies { ports: Record<keyof typeof LOCAL_PORT, string>; dir: string };

export class SettingsError extends Error {}

export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = { ...LOCAL_PORT } as Record<keyof typeof LOCAL_PORT, number>;
  for (const [key, variable] of Object.entries(LOCAL_ENV.ports) as [keyof typeof LOCAL_PORT, string][]) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SettingsError(`${variable}="${raw}" is not a port number (1-65535)`);
    }
    ports[key] = port;
  }
  const taken = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = taken.get(port);
    if (other) throw new SettingsError(`${other} and ${key} are both set to port ${port}`);
    taken.set(port, key);
  }
  return ports;
}

/** Rhythm of the local Prometheus: a faster scrape and evaluation than the cluster's 30s. */
export interface Rhythm {
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
}

export const INTERACTIVE_RHYTHM: Rhythm = { scrapeInterval: '5s', evaluationInterval: '5s' };
