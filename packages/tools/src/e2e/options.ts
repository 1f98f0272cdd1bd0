/**
 * The command line and environment of the e2e CLI. Every endpoint can come
 * from a flag or from an environment variable (flags win); the Grafana
 * password only from the environment or a file, so it never shows in a
 * process list or a CI log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NAMESPACE, OUTPUT_DIR } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';

export const ENV = {
  prometheus: 'E2E_PROMETHEUS_URL',
  grafana: 'E2E_GRAFANA_URL',
  grafanaUser: 'E2E_GRAFANA_USER',
  grafanaPassword: 'E2E_GRAFANA_PASSWORD',
  loki: 'E2E_LOKI_URL',
  tempo: 'E2E_TEMPO_URL',
  namespace: 'E2E_NAMESPACE',
  timeoutSeconds: 'E2E_TIMEOUT_SECONDS',
} as const;

export interface E2eOptions {
  readonly prometheus: URL;
  readonly grafana: URL;
  readonly grafanaUser: string;
  readonly grafanaPassword: string;
  readonly loki: URL;
  readonly tempo: URL;
  readonly namespace: string;
  readonly dashboardsDir: string;
  readonly rulesDir: string;
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  readonly logLookbackMinutes: number;
  /** Also every datasource's health, every panel through Grafana, and the links between the signals. */
  readonly full: boolean;
  /** With full: leave out the panels that need Kubernetes itself (the local stack has no kube-state-metrics or kubelet). */
  readonly withoutKubernetes: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_DASHBOARDS_DIR = join(REPOSITORY_ROOT, OUTPUT_DIR.dashboards);
export const DEFAULT_RULES_DIR = join(REPOSITORY_ROOT, OUTPUT_DIR.rules);

export const USAGE = `Usage: menagerie-e2e [options]

Checks a running Menagerie stack through its APIs. Each check is retried until
it passes or the timeout runs out; the exit code is 0 only if all pass.

  --prometheus URL        Prometheus base URL            (env ${ENV.prometheus})
  --grafana URL           Grafana base URL               (env ${ENV.grafana})
  --grafana-user NAME     Grafana user, default admin    (env ${ENV.grafanaUser})
  --grafana-password-file FILE  file holding the Grafana password
                          (or env ${ENV.grafanaPassword}; never a flag)
  --loki URL              Loki base URL                  (env ${ENV.loki})
  --tempo URL             Tempo base URL                 (env ${ENV.tempo})
  --namespace NAME        namespace of the app, default ${NAMESPACE} (env ${ENV.namespace})
  --dashboards DIR        dashboard JSON files to expect, default charts/menagerie/files/dashboards
  --rules DIR             rule files to expect, default charts/menagerie/files/rules
  --timeout SECONDS       deadline for all checks, default 300 (env ${ENV.timeoutSeconds})
  --interval SECONDS      pause between attempts, default 5
  --log-lookback MINUTES  how far back to look for log lines, default 60
  --full                  also check every datasource's health, run every panel target
                          of every dashboard through Grafana, and follow the links:
                          exemplar to trace, trace to logs, service graph, span metrics
  --without-kubernetes    with --full, leave out the panels that need kube-state-metrics
                          or the kubelet (for the local stack, which has neither)
  --help                  show this text
`;

function url(name: string, value: string | undefined, envName: string): URL {
  if (value === undefined || value === '') throw new UsageError(`--${name} (or ${envName}) is required`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, got "${value}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--${name} must be an http(s) URL, got "${value}"`);
  }
  if (parsed.username || parsed.password) throw new UsageError(`--${name} must not carry credentials`);
  return parsed;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

/** Returns undefined when --help was asked for. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): E2eOptions | undefined {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;

  let password = env[ENV.grafanaPassword];
  if (values['grafana-password-file'] !== undefined) {
    try {
      password = readFileSync(values['grafana-password-file'], 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new UsageError(`cannot read --grafana-password-file ${values['grafana-password-file']}`);
    }
  }
  if (!password)
    throw new UsageError(
      `the Grafana password is required: set ${ENV.grafanaPassword} or --grafana-password-file`,
    );

  const namespace = values.namespace ?? env[ENV.namespace] ?? NAMESPACE;
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace must be a Kubernetes namespace name, got "${namespace}"`);
  }

  return {
    prometheus: url('prometheus', values.prometheus ?? env[ENV.prometheus], ENV.prometheus),
    grafana: url('grafana', values.grafana ?? env[ENV.grafana], ENV.grafana),
    grafanaUser: values['grafana-user'] ?? env[ENV.grafanaUser] ?? 'admin',
    grafanaPassword: password,
    loki: url('loki', values.loki ?? env[ENV.loki], ENV.loki),
    tempo: url('tempo', values.tempo ?? env[ENV.tempo], ENV.tempo),
    namespace,
    dashboardsDir: values.dashboards ?? DEFAULT_DASHBOARDS_DIR,
    rulesDir: values.rules ?? DEFAULT_RULES_DIR,
    timeoutSeconds: positive('timeout', values.timeout ?? env[ENV.timeoutSeconds], 300),
    intervalSeconds: positive('interval', values.interval, 5),
    logLookbackMinutes: positive('log-lookback', values['log-lookback'], 60),
    full: values.full === true,
    withoutKubernetes: values['without-kubernetes'] === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      prometheus: { type: 'string' },
      grafana: { type: 'string' },
      'grafana-user': { type: 'string' },
      'grafana-password-file': { type: 'string' },
      loki: { type: 'string' },
      tempo: { type: 'string' },
      namespace: { type: 'string' },
      dashboards: { type: 'string' },
      rules: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      'log-lookback': { type: 'string' },
      full: { type: 'boolean' },
      'without-kubernetes': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
}
