import {
  AVAILABILITY_SLO,
  COMMON_METRICS,
  LABEL,
  NAMESPACE,
  SERVER,
  TARGET_LABEL,
} from '@menagerie/contract';
import { AVAILABILITY_SLI, sliErrorRatio } from '@menagerie/monitoring';
import type { InstantSample, PrometheusAlert, PrometheusApi } from './prometheus-api.ts';

/**
 * What the rollback demo watches, through Prometheus's HTTP API: the server's
 * error ratio on the SLI routes, the versions its build-info metric reports,
 * and the alerts about it that are pending or firing.
 */
export interface Observation {
  /** 5xx / all requests on the SLI routes over the window; undefined without traffic. */
  readonly errorRatio: number | undefined;
  readonly versions: readonly string[];
  readonly alerts: readonly { readonly name: string; readonly state: string }[];
}

/** breach: the given version runs and breaks the SLO. healthy: only the given version runs, within the SLO. */
export type Expectation = 'breach' | 'healthy';

/** The error ratio the availability SLO allows: 1 - objective. */
export const ERROR_BUDGET_RATIO = 1 - AVAILABILITY_SLO.objective;

/** The server's share of 5xx answers on the SLI routes over `window`: the availability SLI itself. */
export function errorRatioQuery(window = '1m'): string {
  return `sum(${sliErrorRatio(AVAILABILITY_SLI, window)})`;
}

export function buildInfoQuery(): string {
  return `${COMMON_METRICS.buildInfo.name}{${TARGET_LABEL.job}="${SERVER.name}"}`;
}

/** The samples of an instant query, which must answer a vector. */
async function vector(api: PrometheusApi, promql: string): Promise<InstantSample[]> {
  const answer = await api.query(promql);
  if (answer.resultType !== 'vector')
    throw new Error(`expected a vector from ${promql}, got ${answer.resultType}`);
  return answer.result;
}

/** Alerts about the server: one of their labels names it, or its namespace. */
function concernsServer(alert: PrometheusAlert): boolean {
  const values = Object.entries(alert.labels);
  return values.some(([key, value]) => value === SERVER.name || (key === 'namespace' && value === NAMESPACE));
}

export async function observe(api: PrometheusApi, window = '1m'): Promise<Observation> {
  const [ratio, builds, alerts] = await Promise.all([
    vector(api, errorRatioQuery(window)),
    vector(api, buildInfoQuery()),
    api.alerts(),
  ]);
  const value = ratio[0] ? Number(ratio[0].value[1]) : Number.NaN;
  const versions = [...new Set(builds.map((sample) => sample.metric[LABEL.version] ?? '?'))].sort();
  return {
    errorRatio: Number.isFinite(value) ? value : undefined,
    versions,
    alerts: alerts
      .filter((alert) => alert.state === 'pending' || alert.state === 'firing')
      .filter(concernsServer)
      .map((alert) => ({ name: alert.labels.alertname ?? '?', state: alert.state })),
  };
}

/** Whether an observation shows what the demo waits for. */
export function meets(
  observation: Observation,
  expectation: Expectation,
  version: string,
  threshold: number,
): boolean {
  const { errorRatio, versions } = observation;
  if (errorRatio === undefined) return false;
  if (expectation === 'breach') return versions.includes(version) && errorRatio > threshold;
  return versions.length > 0 && versions.every((running) => running === version) && errorRatio <= threshold;
}

export function percent(ratio: number | undefined): string {
  return ratio === undefined ? 'no traffic' : `${(ratio * 100).toFixed(2)}%`;
}

export function describe(observation: Observation, threshold: number): string {
  const alerts = observation.alerts.length
    ? observation.alerts.map((alert) => `${alert.name} (${alert.state})`).join(', ')
    : 'none';
  return [
    `version ${observation.versions.join('+') || 'none'}`,
    `error ratio ${percent(observation.errorRatio)} (SLO allows ${percent(threshold)})`,
    `alerts: ${alerts}`,
  ].join(' | ');
}

export interface WatchOptions {
  readonly api: PrometheusApi;
  readonly expectation: Expectation;
  readonly version: string;
  readonly threshold: number;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly window?: string;
  /** Receives one line per poll. */
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Polls until the expectation is met (returns the observation) or the time is up (throws). */
export async function watch(options: WatchOptions): Promise<Observation> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = Date.now() + options.timeoutMs;
  let last: Observation | undefined;
  for (;;) {
    try {
      last = await observe(options.api, options.window);
      options.log(describe(last, options.threshold));
      if (meets(last, options.expectation, options.version, options.threshold)) return last;
    } catch (error) {
      options.log(`Prometheus not answering: ${(error as Error).message}`);
    }
    if (Date.now() >= deadline) {
      const seen = last ? describe(last, options.threshold) : 'nothing';
      throw new Error(
        `no ${options.expectation} of version ${options.version} within the time allowed; last seen: ${seen}`,
      );
    }
    await sleep(options.intervalMs);
  }
}
