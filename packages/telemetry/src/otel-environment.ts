import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

/** Where a warning about an OpenTelemetry setting goes (one line each). */
export type SettingWarning = (message: string) => void;

const OTEL_PREFIX = 'OTEL_';

/**
 * Runs `read` with the OpenTelemetry variables of `env` in effect, and each
 * warning the OpenTelemetry packages raise meanwhile passed to `warn`.
 *
 * The OpenTelemetry packages read their settings (the OTLP exporters their
 * endpoint, headers, timeout and compression; @opentelemetry/core's env
 * getters every list, number and boolean) from process.env, and report a
 * value they ignore through the diag logger. A service is started with an
 * environment of its own (tests start several in one process), so for the
 * duration of `read`, which must be synchronous, process.env's OTEL_*
 * variables are exactly those of `env`; they are restored afterwards, and
 * the diag logger removed again: later export failures are counted in
 * menagerie_tracing_spans_dropped_total, not logged line by line.
 */
export function withOtelEnvironment<T>(env: NodeJS.ProcessEnv, warn: SettingWarning, read: () => T): T {
  const saved = otelEntries(process.env);
  const swap = env !== process.env;
  if (swap) replaceOtelEntries(otelEntries(env));
  diag.setLogger(warningsTo(warn), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  try {
    return read();
  } finally {
    diag.disable();
    if (swap) replaceOtelEntries(saved);
  }
}

function otelEntries(env: NodeJS.ProcessEnv): [string, string][] {
  return Object.entries(env).filter(
    (entry): entry is [string, string] => entry[0].startsWith(OTEL_PREFIX) && entry[1] !== undefined,
  );
}

function replaceOtelEntries(entries: readonly [string, string][]): void {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith(OTEL_PREFIX)) delete process.env[name];
  }
  for (const [name, value] of entries) process.env[name] = value;
}

/** A diag logger that passes warnings and errors on, each as one message. */
function warningsTo(warn: SettingWarning): DiagLogger {
  const pass = (message: string, ...args: unknown[]) =>
    warn(args.length === 0 ? message : `${message} ${args.map(String).join(' ')}`);
  const ignore = () => {};
  return { error: pass, warn: pass, info: ignore, debug: ignore, verbose: ignore };
}
