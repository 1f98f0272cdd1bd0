/**
 * Service identities and network endpoints shared by the apps, the charts, the
 * dashboards and the rules. The Kubernetes Service, the OTEL_SERVICE_NAME, the
 * Prometheus `job`/`service` labels and the Loki `app` label all use `name`.
 */
export const SERVER = {
  name: 'menagerie-server',
  port: 8080,
  portName: 'http',
  container: 'server',
} as const;

export const CLIENT = {
  name: 'menagerie-client',
  port: 8081,
  portName: 'http',
  container: 'client',
} as const;

/** The namespace the app runs in, in the cluster and in the local stack's target labels. */
export const NAMESPACE = 'menagerie';

/** API route templates, as the `route` label and span names carry them. */
export const ROUTE = {
  animals: '/animals',
  animal: '/animals/:id',
} as const;

export const PATHS = {
  metrics: '/metrics',
  liveness: '/healthz',
  readiness: '/readyz',
  /** The server's OpenAPI 3.1 description of its API. */
  apiDescription: '/openapi.json',
} as const;

/** OTLP receiver ports (the OpenTelemetry defaults, which Tempo listens on). */
export const OTLP = {
  grpcPort: 4317,
  httpPort: 4318,
  tracesPath: '/v1/traces',
} as const;
