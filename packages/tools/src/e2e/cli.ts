/** Wires the options to the checks, prints one line per check, and turns the results into an exit code. */
import {
  CLIENT,
  DATASOURCE_UID,
  NAMESPACE,
  SERVER,
  SERVER_METRICS,
  TEMPO_GENERATED_METRIC,
} from '@menagerie/contract';
import { dashboardsCheck, datasourcesCheck, queryThroughGrafanaCheck } from './checks/grafana.ts';
import { datasourceHealthCheck, panelsThroughGrafanaCheck } from './checks/grafana-panels.ts';
import { exemplarToTraceCheck, generatedMetricCheck, traceToLogsCheck } from './checks/links.ts';
import { serverLogLinesCheck } from './checks/loki.ts';
import { rulesLoadedCheck, targetsUpCheck } from './checks/prometheus.ts';
import { traceFromLogCheck, traceqlMetricsCheck } from './checks/tempo.ts';
import { readDashboards, readRuleGroups } from './expectations.ts';
import { type E2eOptions, parseOptions, USAGE, UsageError } from './options.ts';
import { dashboardPanelTargets } from './panel-targets.ts';
import { type Check, formatResult, runChecks } from './runner.ts';

export interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const EXIT = { passed: 0, failed: 1, usage: 2 } as const;

/** A Prometheus query that has data only once the server has handled requests and been scraped. */
export function serverTrafficQuery(namespace: string = NAMESPACE): string {
  return `${SERVER_METRICS.requestDuration.name}_count{job="${SERVER.name}", namespace="${namespace}"}`;
}

/** The client → server edge of the service graph, as Tempo's metrics generator writes it. */
export function serviceGraphQuery(): string {
  return `${TEMPO_GENERATED_METRIC.serviceGraphRequests.name}{client="${CLIENT.name}", server="${SERVER.name}"}`;
}

/** The server's latency histogram buckets, which carry the exemplars. */
export function serverLatencyBuckets(namespace: string = NAMESPACE): string {
  return `${SERVER_METRICS.requestDuration.name}_bucket{job="${SERVER.name}", namespace="${namespace}"}`;
}

export function buildChecks(options: E2eOptions): Check[] {
  const credentials = { user: options.grafanaUser, password: options.grafanaPassword };
  const serverLogs = {
    loki: options.loki,
    namespace: options.namespace,
    app: SERVER.name,
    lookbackMinutes: options.logLookbackMinutes,
    limit: 200,
  };
  const basic = [
    targetsUpCheck(options.prometheus, options.namespace, [SERVER.name, CLIENT.name]),
    rulesLoadedCheck(options.prometheus, () => readRuleGroups(options.rulesDir)),
    dashboardsCheck(options.grafana, credentials, () => readDashboards(options.dashboardsDir)),
    datasourcesCheck(options.grafana, credentials, DATASOURCE_UID),
    queryThroughGrafanaCheck(
      options.grafana,
      credentials,
      DATASOURCE_UID.prometheus,
      serverTrafficQuery(options.namespace),
    ),
    serverLogLinesCheck(serverLogs),
    traceFromLogCheck(serverLogs, options.tempo, SERVER.name),
  ];
  if (!options.full) return basic;
  return [
    ...basic,
    datasourceHealthCheck(options.grafana, credentials, [
      DATASOURCE_UID.prometheus,
      DATASOURCE_UID.loki,
      DATASOURCE_UID.tempo,
    ]),
    panelsThroughGrafanaCheck(
      options.grafana,
      credentials,
      () => dashboardPanelTargets({ includeKubernetes: !options.withoutKubernetes }),
      { from: 'now-1h', to: 'now' },
      {
        label: 'service graph series',
        datasource: { type: 'prometheus', uid: DATASOURCE_UID.prometheus },
        query: serviceGraphQuery(),
        queryType: 'promql',
        instant: true,
      },
    ),
    exemplarToTraceCheck(
      options.prometheus,
      options.tempo,
      serverLatencyBuckets(options.namespace),
      SERVER.name,
    ),
    traceToLogsCheck(options.prometheus, serverLatencyBuckets(options.namespace), serverLogs),
    traceqlMetricsCheck(options.tempo, SERVER.name),
    generatedMetricCheck('service graph', options.prometheus, serviceGraphQuery()),
    generatedMetricCheck(
      'span metrics',
      options.prometheus,
      `${TEMPO_GENERATED_METRIC.spanCalls.name}{service="${SERVER.name}"}`,
    ),
  ];
}

export async function runFromCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  let options: E2eOptions | undefined;
  try {
    options = parseOptions(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`menagerie-e2e: ${error.message}`);
    output.err('Run with --help for the options.');
    return EXIT.usage;
  }
  if (!options) {
    output.out(USAGE);
    return EXIT.passed;
  }

  const checks = buildChecks(options);
  output.err(
    `menagerie-e2e: ${checks.length} checks, namespace ${options.namespace}, up to ${options.timeoutSeconds}s`,
  );
  const results = await runChecks(checks, {
    deadline: Date.now() + options.timeoutSeconds * 1000,
    intervalMs: options.intervalSeconds * 1000,
    onRetry: (name, attempt, reason) => output.err(`  waiting: ${name} (attempt ${attempt}): ${reason}`),
  });
  for (const result of results) output.out(formatResult(result));
  const passed = results.filter((r) => r.passed).length;
  output.out(`menagerie-e2e: ${passed} of ${results.length} checks passed`);
  return passed === results.length ? EXIT.passed : EXIT.failed;
}
