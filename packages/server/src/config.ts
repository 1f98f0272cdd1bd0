import { readFileSync } from 'node:fs';
import {
  type LogLevel,
  parseLogLevel,
  SERVER,
  SERVER_ENV,
  TELEMETRY_SIGNALS,
  type TelemetrySignal,
} from '@menagerie/telemetry';

/** Which telemetry signals the server produces (TELEMETRY). */
export type TelemetrySignals = Readonly<Record<TelemetrySignal, boolean>>;

export const ALL_SIGNALS: TelemetrySignals = { metrics: true, traces: true, logs: true };
export const NO_SIGNALS: TelemetrySignals = { metrics: false, traces: false, logs: false };

export interface ServerConfig {
  port: number;
  /** False when FAULTS=off: no injected delay or error whatever the profile says. */
  faults: boolean;
  /** TELEMETRY: all signals (`on`), none (`off`), or the listed ones. */
  telemetry: TelemetrySignals;
  logLevel: LogLevel;
  /** A JSON or YAML behaviour profile; the built-in defaults when undefined. */
  behaviourProfilePath: string | undefined;
  storeCapacity: number;
  shutdownGraceSeconds: number;
  version: string;
  revision: string;
}

export const DEFAULT_STORE_CAPACITY = 100_000;
export const DEFAULT_SHUTDOWN_GRACE_SECONDS = 10;

/** The version in this package's package.json (dist/ and src/ are both one level down). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function onOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(`${name}="${env[name]}" must be "on" or "off"`);
}

/**
 * TELEMETRY: `on` or unset (every signal), `off` (none: the overhead
 * baseline), or a comma-separated list of signals, so the cost of each can
 * be measured on its own.
 */
export function telemetrySignals(env: NodeJS.ProcessEnv, name: string): TelemetrySignals {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '' || raw === 'on') return ALL_SIGNALS;
  if (raw === 'off') return NO_SIGNALS;
  const listed = raw.split(',').map((part) => part.trim());
  const signals: Record<TelemetrySignal, boolean> = { ...NO_SIGNALS };
  for (const part of listed) {
    if (!(TELEMETRY_SIGNALS as readonly string[]).includes(part)) {
      throw new ConfigError(
        `${name}="${env[name]}" must be "on", "off" or a comma-separated list of ${TELEMETRY_SIGNALS.join(', ')}`,
      );
    }
    signals[part as TelemetrySignal] = true;
  }
  return signals;
}

/** The TELEMETRY value that means these signals, as the start line reports it. */
export function describeSignals(signals: TelemetrySignals): string {
  const on = TELEMETRY_SIGNALS.filter((signal) => signals[signal]);
  if (on.length === TELEMETRY_SIGNALS.length) return 'on';
  return on.length === 0 ? 'off' : on.join(',');
}

export function integerEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name}="${raw}" must be an integer from ${range.min} to ${range.max}`);
  }
  return value;
}

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const E = SERVER_ENV;
  let logLevel: LogLevel;
  try {
    logLevel = parseLogLevel(env[E.logLevel]);
  } catch (error) {
    throw new ConfigError(`${E.logLevel}: ${(error as Error).message}`);
  }
  return {
    port: integerEnv(env, E.port, SERVER.port, { min: 0, max: 65535 }),
    faults: onOff(env, E.faults),
    telemetry: telemetrySignals(env, E.telemetry),
    logLevel,
    behaviourProfilePath: env[E.behaviourProfile]?.trim() || undefined,
    storeCapacity: integerEnv(env, E.storeCapacity, DEFAULT_STORE_CAPACITY, { min: 1, max: 10_000_000 }),
    shutdownGraceSeconds: integerEnv(env, E.shutdownGraceSeconds, DEFAULT_SHUTDOWN_GRACE_SECONDS, {
      min: 0,
      max: 3600,
    }),
    version: env[E.version]?.trim() || packageVersion(),
    revision: env[E.revision]?.trim() || 'unknown',
  };
}
