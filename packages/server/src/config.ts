import {
  type LogLevel,
  SERVER,
  SERVER_ENV,
  TELEMETRY_SIGNALS,
  type TelemetrySignal,
} from '@menagerie/contract';
import { ConfigError, logLevelEnv, numberEnv, onOffEnv, packageVersion } from '@menagerie/settings';

export { ConfigError };

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
export function serverVersion(): string {
  return packageVersion(new URL('../package.json', import.meta.url));
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

export function serverConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const E = SERVER_ENV;
  return {
    port: numberEnv(env, E.port, SERVER.port, { min: 0, max: 65535, integer: true }),
    faults: onOffEnv(env, E.faults),
    telemetry: telemetrySignals(env, E.telemetry),
    logLevel: logLevelEnv(env, E.logLevel),
    behaviourProfilePath: env[E.behaviourProfile]?.trim() || undefined,
    storeCapacity: numberEnv(env, E.storeCapacity, DEFAULT_STORE_CAPACITY, {
      min: 1,
      max: 10_000_000,
      integer: true,
    }),
    shutdownGraceSeconds: numberEnv(env, E.shutdownGraceSeconds, DEFAULT_SHUTDOWN_GRACE_SECONDS, {
      min: 0,
      max: 3600,
      integer: true,
    }),
    version: env[E.version]?.trim() || serverVersion(),
    revision: env[E.revision]?.trim() || 'unknown',
  };
}
