import { type LogLevel, SERVER, SERVER_ENV } from '@menagerie/contract';
import {
  ConfigError,
  logLevelEnv,
  numberEnv,
  onOffEnv,
  packageVersion,
  type TelemetrySignals,
  telemetrySignals,
} from '@menagerie/settings';

export { ConfigError };

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
