/**
 * The shape of a log line (one JSON object per line on stdout) and the Loki
 * labels the log collector gives it. The collector's parsing, the Loki derived
 * field and the log dashboards use these names.
 */
export const LOG_FIELD = {
  time: 'time',
  level: 'level',
  message: 'msg',
  service: 'service',
  traceId: 'trace_id',
  spanId: 'span_id',
  method: 'method',
  route: 'route',
  statusCode: 'status_code',
  durationMs: 'duration_ms',
  /** The client's request lines: what was sent, what came back, and what should have. */
  scenario: 'scenario',
  outcome: 'outcome',
  expectedStatus: 'expected_status',
  /** Why no answer came (a network error's code, or the timeout). */
  error: 'error',
} as const;

/**
 * The client's line for a request whose outcome is not what its scenario
 * expects (at warn, or error when the server failed it: a 5xx, a timeout,
 * a network error); the expected ones are `request` lines at debug.
 */
export const CLIENT_LOG_MESSAGE = {
  expected: 'request',
  unexpected: 'unexpected outcome',
} as const;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Stream labels in Loki, as promtail (or Alloy) sets them. */
export const LOKI_LABEL = {
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  app: 'app',
  level: 'level',
} as const;

/**
 * A request rejected by validation is logged at `warn` with these two extra
 * fields: the offending fields and the joi reasons, each a comma-separated
 * string (LogQL's json parser skips arrays), with the same values as the
 * `field`/`reason` labels of menagerie_validation_failures_total.
 */
export const VALIDATION_LOG_FIELD = {
  fields: 'validation_fields',
  reasons: 'validation_reasons',
} as const;
