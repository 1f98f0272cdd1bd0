/**
 * Environment variables the services read. The charts set them by these
 * names; tracing also reads the standard OTEL_* variables.
 */
export const SERVER_ENV = {
  port: 'PORT',
  faults: 'FAULTS',
  telemetry: 'TELEMETRY',
  logLevel: 'LOG_LEVEL',
  behaviourProfile: 'BEHAVIOUR_PROFILE',
  storeCapacity: 'STORE_CAPACITY',
  shutdownGraceSeconds: 'SHUTDOWN_GRACE_SECONDS',
  version: 'MENAGERIE_VERSION',
  revision: 'MENAGERIE_REVISION',
} as const;

/**
 * The signals TELEMETRY may list (comma-separated) to turn on only some of
 * them; `on` (or unset) means all of them, `off` none.
 */
export const TELEMETRY_SIGNALS = ['metrics', 'traces', 'logs'] as const;
export type TelemetrySignal = (typeof TELEMETRY_SIGNALS)[number];

export const CLIENT_ENV = {
  serverUrl: 'SERVER_URL',
  rate: 'RATE',
  duration: 'DURATION',
  port: 'PORT',
  maxInFlight: 'MAX_IN_FLIGHT',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  scenarioWeights: 'SCENARIO_WEIGHTS',
  /** Most animals the client keeps registered; over it, it retires (deletes) its oldest. */
  populationLimit: 'POPULATION_LIMIT',
  telemetry: 'TELEMETRY',
  logLevel: 'LOG_LEVEL',
  version: 'MENAGERIE_VERSION',
  revision: 'MENAGERIE_REVISION',
} as const;

/** Standard OpenTelemetry variables the charts set. */
export const OTEL_ENV = {
  endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  sampler: 'OTEL_TRACES_SAMPLER',
  samplerArg: 'OTEL_TRACES_SAMPLER_ARG',
} as const;

/** The batch span processor's standard variables, which tracing reads itself (the SDK no longer does). */
export const OTEL_BSP_ENV = {
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  scheduleDelay: 'OTEL_BSP_SCHEDULE_DELAY',
} as const;
