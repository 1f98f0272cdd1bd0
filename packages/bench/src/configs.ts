import { fileURLToPath } from 'node:url';
import { SPECIES, SPECIES_LEGS } from '@menagerie/animals';
import { OTEL_ENV, ROUTE, SERVER_ENV } from '@menagerie/contract';
import { SPIN_US_ENV } from './calibration/spin.ts';
import type { LoadRequest } from './load.ts';
import type { ServerLaunch } from './server-process.ts';

/** The registry server's entry point, as built. */
export const SERVER_MAIN = fileURLToPath(new URL('./main.js', import.meta.resolve('@menagerie/server')));
const STOCK_PEER = fileURLToPath(new URL('./stock/peer.js', import.meta.url));
const STOCK_REGISTER = fileURLToPath(new URL('./stock/register.js', import.meta.url));
const SPIN_PRELOAD = fileURLToPath(new URL('./calibration/spin.js', import.meta.url));

/** Large enough that no run fills the store (every measured request is a registration). */
export const BENCH_STORE_CAPACITY = 10_000_000;

/** A server configuration under test. */
export interface BenchConfig {
  readonly name: string;
  /** Whether it exports spans (and so needs an OTLP endpoint). */
  readonly exportsSpans: boolean;
  /** Whether it serves /metrics (where the dropped-span counter is read). */
  readonly servesMetrics: boolean;
  launch(otlpEndpoint: string | undefined, entry?: string): ServerLaunch;
}

const common = {
  [SERVER_ENV.faults]: 'off',
  [SERVER_ENV.logLevel]: 'info',
  [SERVER_ENV.storeCapacity]: String(BENCH_STORE_CAPACITY),
};

const tracingEnv = (endpoint: string | undefined, ratio = 1): Record<string, string> =>
  ratio === 1
    ? {
        [OTEL_ENV.endpoint]: endpoint ?? '',
        // 100% sampling: every request is traced, whatever its caller says.
        [OTEL_ENV.sampler]: 'always_on',
      }
    : {
        [OTEL_ENV.endpoint]: endpoint ?? '',
        [OTEL_ENV.sampler]: 'parentbased_traceidratio',
        [OTEL_ENV.samplerArg]: String(ratio),
      };

function ours(
  name: string,
  telemetry: string,
  exportsSpans: boolean,
  servesMetrics: boolean,
  samplingRatio = 1,
): BenchConfig {
  return {
    name,
    exportsSpans,
    servesMetrics,
    launch: (endpoint, entry = SERVER_MAIN) => ({
      entry,
      env: {
        ...common,
        [SERVER_ENV.telemetry]: telemetry,
        ...(exportsSpans ? tracingEnv(endpoint, samplingRatio) : { [OTEL_ENV.endpoint]: '' }),
      },
    }),
  };
}

/** Our server, signal by signal. */
export const OFF = ours('off', 'off', false, false);
export const METRICS = ours('metrics', 'metrics', false, true);
export const METRICS_TRACES = ours('metrics+traces', 'metrics,traces', true, true);
export const FULL = ours('on', 'on', true, true);
/** Everything on, a tenth of the traces kept (head sampling): what the sampling option buys. */
export const FULL_SAMPLED = ours('on-10%', 'on', true, true, 0.1);

/**
 * The stock set-up: the same server with TELEMETRY=off, inside the
 * OpenTelemetry Node SDK with the http and koa auto-instrumentations,
 * prom-client's generic request histogram and winston's json() + Console.
 */
export const STOCK: BenchConfig = {
  name: 'stock',
  exportsSpans: true,
  servesMetrics: false,
  launch: (endpoint) => ({
    entry: STOCK_PEER,
    nodeArgs: ['--import', STOCK_REGISTER],
    env: {
      ...common,
      [SERVER_ENV.telemetry]: 'off',
      ...tracingEnv(endpoint),
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
  }),
};

export const OVERHEAD_CONFIGS: readonly BenchConfig[] = [
  OFF,
  METRICS,
  METRICS_TRACES,
  FULL,
  FULL_SAMPLED,
  STOCK,
];

/**
 * Any other TELEMETRY value, named `telemetry=<value>` (`telemetry=logs`,
 * `telemetry=traces`...), to measure one signal on its own. A trailing
 * `/no-export` leaves OTEL_EXPORTER_OTLP_ENDPOINT unset: spans are then
 * recorded (their trace ids propagate and reach the log lines) but not
 * exported, which separates the cost of recording from that of exporting.
 */
export function adHocConfig(name: string): BenchConfig | undefined {
  const spinning = /^spin=(\d+)$/.exec(name);
  if (spinning) return spinConfig(name, Number(spinning[1]));
  const match = /^telemetry=([a-z,]+)(\/no-export)?$/.exec(name);
  if (!match) return undefined;
  const telemetry = match[1] as string;
  const traced = telemetry === 'on' || telemetry.split(',').includes('traces');
  const metrics = telemetry === 'on' || telemetry.split(',').includes('metrics');
  const config = ours(name, telemetry, traced && match[2] === undefined, metrics);
  return config;
}

/**
 * `spin=<µs>`: `off` with every request first spending that many microseconds
 * in a busy loop (calibration/spin.ts), work of a known size to set the
 * instrumentation's in-situ cost against.
 */
function spinConfig(name: string, microseconds: number): BenchConfig {
  return {
    ...OFF,
    name,
    launch: (endpoint, entry) => {
      const off = OFF.launch(endpoint, entry);
      return {
        ...off,
        nodeArgs: ['--import', SPIN_PRELOAD],
        env: { ...off.env, [SPIN_US_ENV]: String(microseconds) },
      };
    },
  };
}

/** The same configuration with extra Node or V8 flags for its server (`--node-args`). */
export function withNodeArgs(config: BenchConfig, nodeArgs: readonly string[]): BenchConfig {
  if (nodeArgs.length === 0) return config;
  return {
    ...config,
    launch: (endpoint, entry) => {
      const launch = config.launch(endpoint, entry);
      return { ...launch, nodeArgs: [...nodeArgs, ...(launch.nodeArgs ?? [])] };
    },
  };
}

/** A configuration run from another build of the server (before/after comparisons of a change). */
export function buildOf(config: BenchConfig, build: string, entry: string): BenchConfig {
  return { ...config, name: `${config.name}@${build}`, launch: (endpoint) => config.launch(endpoint, entry) };
}

/** One valid registration per species, cycled through: every measured request is a 201. */
export const REGISTRATIONS: readonly LoadRequest[] = SPECIES.map((species, i) => ({
  method: 'POST',
  path: ROUTE.animals,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: `Bench ${i}`, species, legs: SPECIES_LEGS[species], age: i }),
}));
