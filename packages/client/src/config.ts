import { CLIENT, CLIENT_ENV, type LogLevel, SERVER } from '@menagerie/contract';
import {
  ConfigError,
  logLevelEnv,
  numberEnv,
  packageVersion,
  type TelemetrySignals,
  telemetrySignals,
} from '@menagerie/settings';
import { DEFAULT_SCENARIO_WEIGHTS, isScenario, type ScenarioWeights } from './scenarios.ts';

export interface ClientConfig {
  serverUrl: string;
  /** Requests per second the schedule calls for. */
  rate: number;
  /** Seconds to run; undefined runs until stopped. */
  durationSeconds: number | undefined;
  port: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  weights: ScenarioWeights;
  /** Most animals the client keeps registered before it retires its oldest. */
  populationLimit: number;
  telemetry: TelemetrySignals;
  logLevel: LogLevel;
  version: string;
  revision: string;
}

export const DEFAULT_RATE = 10;
export const DEFAULT_MAX_IN_FLIGHT = 50;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
/**
 * A few thousand: a long demo stays far below the server's store capacity
 * (100 000) even with several clients, and reads still find a varied
 * population.
 */
export const DEFAULT_POPULATION_LIMIT = 5000;

export { ConfigError };

/** SCENARIO_WEIGHTS: a JSON object of scenario name to weight; the named scenarios replace the defaults' weights. */
export function parseWeights(raw: string | undefined): ScenarioWeights {
  if (raw === undefined || raw.trim() === '') return { ...DEFAULT_SCENARIO_WEIGHTS };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${CLIENT_ENV.scenarioWeights} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${CLIENT_ENV.scenarioWeights} must be a JSON object of scenario name to weight`);
  }
  const weights: ScenarioWeights = { ...DEFAULT_SCENARIO_WEIGHTS };
  for (const [name, weight] of Object.entries(parsed)) {
    if (!isScenario(name)) throw new ConfigError(`${CLIENT_ENV.scenarioWeights}: unknown scenario "${name}"`);
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new ConfigError(`${CLIENT_ENV.scenarioWeights}: the weight of "${name}" must be a number >= 0`);
    }
    weights[name] = weight;
  }
  if (Object.values(weights).every((w) => w === 0)) {
    throw new ConfigError(`${CLIENT_ENV.scenarioWeights}: at least one weight must be above 0`);
  }
  return weights;
}

export function clientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const E = CLIENT_ENV;
  const serverUrl = env[E.serverUrl]?.trim() || `http://localhost:${SERVER.port}`;
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(serverUrl);
  } catch {
    throw new ConfigError(`${E.serverUrl}="${serverUrl}" is not a URL`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    throw new ConfigError(`${E.serverUrl}="${serverUrl}" must be an http or https URL`);
  }
  const duration = env[E.duration]?.trim();
  return {
    serverUrl: serverUrl.replace(/\/+$/, ''),
    rate: numberEnv(env, E.rate, DEFAULT_RATE, { min: 0.01, max: 10_000 }),
    durationSeconds: duration ? numberEnv(env, E.duration, 0, { min: 0.1, max: 31_536_000 }) : undefined,
    port: numberEnv(env, E.port, CLIENT.port, { min: 0, max: 65535, integer: true }),
    maxInFlight: numberEnv(env, E.maxInFlight, DEFAULT_MAX_IN_FLIGHT, { min: 1, max: 10_000, integer: true }),
    requestTimeoutMs: numberEnv(env, E.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, {
      min: 1,
      max: 600_000,
      integer: true,
    }),
    weights: parseWeights(env[E.scenarioWeights]),
    populationLimit: numberEnv(env, E.populationLimit, DEFAULT_POPULATION_LIMIT, {
      min: 1,
      max: 1_000_000,
      integer: true,
    }),
    telemetry: telemetrySignals(env, E.telemetry),
    logLevel: logLevelEnv(env, E.logLevel),
    version: env[E.version]?.trim() || packageVersion(new URL('../package.json', import.meta.url)),
    revision: env[E.revision]?.trim() || 'unknown',
  };
}
