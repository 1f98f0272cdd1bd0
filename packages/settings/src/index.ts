import { readFileSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel, TELEMETRY_SIGNALS, type TelemetrySignal } from '@menagerie/contract';

/**
 * Reading the services' settings from their environment, shared so the
 * server and the client accept the same spellings and refuse bad values
 * with the same messages.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Unset or empty means `fallback`; anything else must be in range (integers: digits only, no exponent or sign). */
export function numberEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  rule: { min: number; max: number; integer?: boolean },
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const wellFormed = rule.integer ? /^\d+$/.test(raw) && Number.isSafeInteger(value) : Number.isFinite(value);
  if (!wellFormed || value < rule.min || value > rule.max) {
    const kind = rule.integer ? 'an integer' : 'a number';
    throw new ConfigError(`${name}="${raw}" must be ${kind} from ${rule.min} to ${rule.max}`);
  }
  return value;
}

/** Unset, empty or `on` is true; `off` is false; nothing else is accepted. */
export function onOffEnv(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new ConfigError(`${name}="${env[name]}" must be "on" or "off"`);
}

export function logLevelEnv(env: NodeJS.ProcessEnv, name: string): LogLevel {
  try {
    return parseLogLevel(env[name]);
  } catch (error) {
    throw new ConfigError(`${name}: ${(error as Error).message}`);
  }
}

/** The version in the package.json found at `packageJsonUrl`. */
export function packageVersion(packageJsonUrl: URL): string {
  const pkg = JSON.parse(readFileSync(packageJsonUrl, 'utf8')) as { version: string };
  return pkg.version;
}

export function parseLogLevel(value: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  if (value === undefined || value === '') return fallback;
  const level = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(`log level "${value}" is not one of ${LOG_LEVELS.join(', ')}`);
}

/** Which telemetry signals a service produces (TELEMETRY). */
export type TelemetrySignals = Readonly<Record<TelemetrySignal, boolean>>;

export const ALL_SIGNALS: TelemetrySignals = { metrics: true, traces: true, logs: true };
export const NO_SIGNALS: TelemetrySignals = { metrics: false, traces: false, logs: false };

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
