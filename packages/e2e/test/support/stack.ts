/**
 * The local stand-in for the cluster: a real Prometheus scraping two targets
 * that play the server and the client, loading a rule file written from the
 * contract's names, and fakes of Grafana, Loki and Tempo. `healthy()` puts
 * every part back in the state where all checks pass.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLIENT,
  DATASOURCE_UID,
  LOG_FIELD,
  LOKI_LABEL,
  NAMESPACE,
  PATHS,
  SERVER,
  SERVER_METRICS,
} from '@menagerie/contract';
import { stringify } from 'yaml';
import { type FakeGrafana, startFakeGrafana } from './fake-grafana.ts';
import { type FakeLoki, type Stream, startFakeLoki } from './fake-loki.ts';
import { type FakeTempo, startFakeTempo } from './fake-tempo.ts';
import { type MetricTarget, startMetricTarget } from './metric-target.ts';
import { type RunningPrometheus, startPrometheus } from './prometheus.ts';

export const DASHBOARDS_DIR = fileURLToPath(new URL('../fixtures/dashboards', import.meta.url));
export const FIXTURE_DASHBOARDS = [
  { uid: 'fixture-service-overview', title: 'Fixture: service overview' },
  { uid: 'fixture-slo', title: 'Fixture: SLOs' },
];

export const RULE_GROUPS = {
  groups: [
    {
      name: 'fixture-server-requests',
      rules: [
        {
          record: 'fixture:menagerie_http_server_requests:rate1m',
          expr: `sum by (job) (rate(${SERVER_METRICS.requestDuration.name}_count[1m]))`,
        },
        { alert: 'FixtureServerDown', expr: `up{job="${SERVER.name}"} == 0`, for: '1m' },
      ],
    },
    {
      name: 'fixture-client',
      rules: [{ alert: 'FixtureClientDown', expr: `up{job="${CLIENT.name}"} == 0` }],
    },
  ],
};

export interface LocalStack {
  readonly prometheus: RunningPrometheus;
  readonly server: MetricTarget;
  readonly client: MetricTarget;
  readonly grafana: FakeGrafana;
  readonly loki: FakeLoki;
  readonly tempo: FakeTempo;
  readonly rulesDir: string;
  readonly traceId: string;
  /** Flags for every endpoint, the fixture dashboards and the rule files Prometheus loaded. */
  args(): string[];
  /** The environment the CLI reads the password from. */
  env(): NodeJS.ProcessEnv;
  healthy(): Promise<void>;
  stop(): Promise<void>;
}

export function logLine(service: string, traceId: string | undefined, message = 'animal registered'): string {
  return JSON.stringify({
    [LOG_FIELD.time]: new Date().toISOString(),
    [LOG_FIELD.level]: 'info',
    [LOG_FIELD.message]: message,
    [LOG_FIELD.service]: service,
    ...(traceId ? { [LOG_FIELD.traceId]: traceId, [LOG_FIELD.spanId]: randomBytes(8).toString('hex') } : {}),
  });
}

export function stream(app: string, lines: readonly string[]): Stream {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    labels: { [LOKI_LABEL.namespace]: NAMESPACE, [LOKI_LABEL.app]: app, [LOKI_LABEL.level]: 'info' },
    lines: lines.map((line, i) => ({ timestampNs: now - BigInt(lines.length - i) * 1_000_000_000n, line })),
  };
}

export async function startLocalStack(): Promise<LocalStack> {
  const rulesDir = mkdtempSync(join(tmpdir(), 'menagerie-e2e-rules-'));
  writeFileSync(join(rulesDir, 'fixture.yaml'), stringify(RULE_GROUPS));
  const [server, client, grafana, loki, tempo] = await Promise.all([
    startMetricTarget(),
    startMetricTarget(),
    startFakeGrafana('admin', randomBytes(12).toString('hex')),
    startFakeLoki(),
    startFakeTempo(),
  ]);
  const prometheus = await startPrometheus({
    namespace: NAMESPACE,
    targets: { [SERVER.name]: server.url, [CLIENT.name]: client.url },
    ruleFiles: join(rulesDir, '*.yaml'),
  });
  const traceId = randomBytes(16).toString('hex');

  const stack: LocalStack = {
    prometheus,
    server,
    client,
    grafana,
    loki,
    tempo,
    rulesDir,
    traceId,
    args: () => [
      `--prometheus=${prometheus.url}`,
      `--grafana=${grafana.url}`,
      `--grafana-user=${grafana.user}`,
      `--loki=${loki.url}`,
      `--tempo=${tempo.url}`,
      `--dashboards=${DASHBOARDS_DIR}`,
      `--rules=${rulesDir}`,
    ],
    env: () => ({ E2E_GRAFANA_PASSWORD: grafana.password }),
    async healthy() {
      grafana.dashboards = [...FIXTURE_DASHBOARDS];
      grafana.datasources = Object.entries(DATASOURCE_UID).map(([type, uid]) => ({
        uid,
        type,
        name: type,
        url: type === 'prometheus' ? prometheus.url.href : `http://${type}.invalid`,
      }));
      loki.streams = [
        stream(SERVER.name, [
          logLine(SERVER.name, undefined, `GET ${PATHS.readiness}`),
          logLine(SERVER.name, traceId),
          logLine(SERVER.name, undefined, 'listening'),
        ]),
        stream(CLIENT.name, [logLine(CLIENT.name, randomBytes(16).toString('hex'), 'sent')]),
      ];
      tempo.traces = new Map([[traceId, [CLIENT.name, SERVER.name]]]);
      const wasDown = !server.up || !client.up;
      const hadNoTraffic = !server.servesTraffic;
      server.up = client.up = server.servesTraffic = true;
      if (wasDown) {
        await prometheus.waitForHealth(SERVER.name, 'up');
        await prometheus.waitForHealth(CLIENT.name, 'up');
      }
      if (wasDown || hadNoTraffic) {
        await prometheus.waitForSeries(
          `${SERVER_METRICS.requestDuration.name}_count{job="${SERVER.name}"}`,
          1,
        );
      }
    },
    async stop() {
      await prometheus.stop();
      await Promise.all([server, client, grafana, loki, tempo].map((s) => s.close()));
      rmSync(rulesDir, { recursive: true, force: true });
    },
  };
  await prometheus.waitForHealth(SERVER.name, 'up');
  await prometheus.waitForHealth(CLIENT.name, 'up');
  await prometheus.waitForSeries(`${SERVER_METRICS.requestDuration.name}_count{job="${SERVER.name}"}`, 1);
  return stack;
}
