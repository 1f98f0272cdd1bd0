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

/**
 * Standard OpenTelemetry variables the services honour and the charts leave
 * to their defaults (set them through the charts' extraEnv). The OTLP
 * exporter reads the endpoint, headers, timeout and compression ones itself.
 */
export const OTEL_SDK_ENV = {
  sdkDisabled: 'OTEL_SDK_DISABLED',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  tracesProtocol: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  tracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  headers: 'OTEL_EXPORTER_OTLP_HEADERS',
  tracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  timeout: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  tracesTimeout: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  compression: 'OTEL_EXPORTER_OTLP_COMPRESSION',
  tracesCompression: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  propagators: 'OTEL_PROPAGATORS',
} as const;

/** The values OTEL_TRACES_EXPORTER may list. */
export const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

/** The values of OTEL_EXPORTER_OTLP_PROTOCOL / OTEL_EXPORTER_OTLP_TRACES_PROTOCOL; the first is the default. */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

/** The values OTEL_PROPAGATORS may list; the default is both. */
export const PROPAGATORS = ['tracecontext', 'baggage', 'none'] as const;
export type PropagatorName = (typeof PROPAGATORS)[number];

/** The batch span processor's standard variables, which tracing reads itself (the SDK no longer does). */
export const OTEL_BSP_ENV = {
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  scheduleDelay: 'OTEL_BSP_SCHEDULE_DELAY',
} as const;
