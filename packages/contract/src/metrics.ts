/**
 * Every metric the services expose, with its labels. The apps register exactly
 * these; dashboards and rules are generated from them, so a rename here is a
 * rename everywhere (and a test fails where it is not).
 */

/** Label names. */
export const LABEL = {
  method: 'method',
  route: 'route',
  statusCode: 'status_code',
  species: 'species',
  outcome: 'outcome',
  field: 'field',
  reason: 'reason',
  scenario: 'scenario',
  kind: 'kind',
  version: 'version',
  revision: 'revision',
  expectation: 'expectation',
} as const;

/** Label of the exemplars on the duration histograms; Grafana links it to Tempo. */
export const EXEMPLAR_LABEL = {
  traceId: 'trace_id',
} as const;

/** Labels Prometheus attaches to every target, in the cluster (ServiceMonitor) and in the local stack. */
export const TARGET_LABEL = {
  namespace: 'namespace',
  service: 'service',
  pod: 'pod',
  container: 'container',
  endpoint: 'endpoint',
  job: 'job',
  instance: 'instance',
} as const;

/** Fixed values that keep label cardinality bounded whatever the input. */
export const UNMATCHED_ROUTE = 'unmatched';
export const OTHER_METHOD = '_OTHER';
export const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Latency buckets in seconds. They include every latency-SLO threshold (see
 * slo.ts), so the SLI is an exact bucket count, never an interpolation.
 */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDefinition {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

const L = LABEL;

export const SERVER_METRICS = {
  requestDuration: {
    name: 'menagerie_http_server_request_duration_seconds',
    help: 'Duration of HTTP requests handled by the server, by route template.',
    type: 'histogram',
    labels: [L.method, L.route, L.statusCode],
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  requestsInFlight: {
    name: 'menagerie_http_server_requests_in_flight',
    help: 'HTTP requests the server is handling right now.',
    type: 'gauge',
    labels: [],
  },
  animalDuration: {
    name: 'menagerie_animal_registration_duration_seconds',
    help: 'Time to register an animal (POST /animals), by species and outcome.',
    type: 'histogram',
    labels: [L.species, L.outcome],
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  validationFailures: {
    name: 'menagerie_validation_failures_total',
    help: 'Animals rejected by validation, by offending field and reason.',
    type: 'counter',
    labels: [L.field, L.reason],
  },
  faultsInjected: {
    name: 'menagerie_faults_injected_total',
    help: 'Faults injected by the behaviour profile, by species and kind (delay or error).',
    type: 'counter',
    labels: [L.species, L.kind],
  },
  storeAnimals: {
    name: 'menagerie_store_animals',
    help: 'Animals held in the in-memory store.',
    type: 'gauge',
    labels: [],
  },
  storeCapacity: {
    name: 'menagerie_store_capacity_animals',
    help: 'Maximum number of animals the store holds.',
    type: 'gauge',
    labels: [],
  },
  storeRejections: {
    name: 'menagerie_store_rejections_total',
    help: 'Animals refused because the store was full.',
    type: 'counter',
    labels: [],
  },
} as const satisfies Record<string, MetricDefinition>;

export const CLIENT_METRICS = {
  requestDuration: {
    name: 'menagerie_client_request_duration_seconds',
    help: 'Caller-side request duration, measured from the scheduled send time, by scenario and outcome.',
    type: 'histogram',
    labels: [L.scenario, L.outcome],
    buckets: LATENCY_BUCKETS_SECONDS,
  },
  requestsScheduled: {
    name: 'menagerie_client_requests_scheduled_total',
    help: 'Requests the load schedule called for, sent or not.',
    type: 'counter',
    labels: [],
  },
  requestsUnsent: {
    name: 'menagerie_client_requests_unsent_total',
    help: 'Scheduled requests that could not be sent, by reason.',
    type: 'counter',
    labels: [L.reason],
  },
  requestsInFlight: {
    name: 'menagerie_client_requests_in_flight',
    help: 'Requests the client has sent and not yet seen answered.',
    type: 'gauge',
    labels: [],
  },
  targetRate: {
    name: 'menagerie_client_target_rate_per_second',
    help: 'The request rate the client is configured to send.',
    type: 'gauge',
    labels: [],
  },
  expectations: {
    name: 'menagerie_client_expectations_total',
    help: 'Requests whose outcome was (met) or was not (unmet) what their scenario expects of the server, by scenario and outcome.',
    type: 'counter',
    labels: [L.scenario, L.outcome, L.expectation],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Exposed by both services. */
export const COMMON_METRICS = {
  buildInfo: {
    name: 'menagerie_build_info',
    help: 'Always 1; labels carry the running version and revision.',
    type: 'gauge',
    labels: [L.version, L.revision],
  },
  spansDropped: {
    name: 'menagerie_tracing_spans_dropped_total',
    help: 'Finished spans that were not exported, by reason.',
    type: 'counter',
    labels: [L.reason],
  },
} as const satisfies Record<string, MetricDefinition>;

/** Client request outcomes (values of the `outcome` label on the client histogram). */
export const CLIENT_OUTCOMES = [
  'success',
  'client_error',
  'server_error',
  'network_error',
  'timeout',
] as const;
export type ClientOutcome = (typeof CLIENT_OUTCOMES)[number];

/** Client outcomes where no HTTP answer came back at all. */
export const UNANSWERED_OUTCOMES = ['network_error', 'timeout'] as const satisfies readonly ClientOutcome[];

/** Client outcomes that mean the service failed the caller (a 4xx is the caller's own doing). */
export const FAILED_OUTCOMES = [
  'server_error',
  ...UNANSWERED_OUTCOMES,
] as const satisfies readonly ClientOutcome[];

/**
 * Values of the `expectation` label: whether the server answered a request
 * as its scenario expects (a valid animal stored, an invalid one refused
 * with the right status, a missing id not found...).
 */
export const EXPECTATIONS = ['met', 'unmet'] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

/**
 * The OpenTelemetry resource of a service as an info metric, the way
 * Prometheus turns OTLP resources into series: one series of value 1 whose
 * labels are the resource attributes (dots and other characters a label
 * name cannot hold become `_`), less the three that make up `job` and
 * `instance`. Grafana's OpenTelemetry-aware views join it to the other
 * series on `job` and `instance`. Its labels depend on the resource, so it
 * is defined here and not among the fixed-label metrics.
 */
export const TARGET_INFO = {
  name: 'target_info',
  help: "Target metadata: this service's OpenTelemetry resource attributes.",
  type: 'gauge',
  attributesLeftOut: ['service.name', 'service.namespace', 'service.instance.id'],
} as const;

/** Registration outcomes (values of the `outcome` label on the animal histogram). */
export const REGISTRATION_OUTCOMES = ['stored', 'invalid', 'failed', 'rejected'] as const;
export type RegistrationOutcome = (typeof REGISTRATION_OUTCOMES)[number];
