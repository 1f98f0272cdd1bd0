import type { Species } from '@menagerie/animals';
import type { ValidationIssue } from '@menagerie/animals/validation';
import { type RegistrationOutcome, SERVER_METRICS, VALIDATION_LOG_FIELD } from '@menagerie/contract';
import {
  createMetricSet,
  type DurationRecorder,
  durationRecorder,
  labelChildren,
  type MetricSet,
  type Registry,
  type Telemetry,
} from '@menagerie/telemetry';
import { type Attributes, context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { instrumentRequests } from './http/instrumentation.ts';

export type SpeciesLabel = Species | 'unknown';

/**
 * Everything the server reports, as one object: the request middleware and
 * the operations handlers call. Each signal TELEMETRY turns off makes its part
 * of every operation do nothing, so handlers never ask which signals are on.
 */
export interface ServerTelemetry {
  /** What /metrics renders; undefined when metrics are off (and /metrics is a 404). */
  readonly registry: Registry | undefined;
  /** One span, duration, in-flight count and log line per request; undefined when every signal is off. */
  readonly requests: Middleware | undefined;
  /**
   * Runs `work` (sync or async) in a child span of the active span. The span
   * gets an error status when `work` throws or rejects, or when `failure`
   * returns a message for its result.
   */
  span<T>(name: string, work: () => T, options?: SpanOptions<Awaited<T>>): T;
  /** A body refused before validation (not JSON, wrong type, too large…): counted and logged. */
  bodyRefused(code: string): void;
  /** An animal refused by validation: each issue counted, one warn line. */
  animalRejected(species: SpeciesLabel, issues: readonly ValidationIssue[]): void;
  /** Observes a registration; the active span's trace id becomes the exemplar. */
  registration(species: SpeciesLabel, outcome: RegistrationOutcome, seconds: number): void;
  delayInjected(species: Species): void;
  /** An injected error: counted and logged at error level. */
  errorInjected(species: Species, status: number): void;
  storeRejected(): void;
}

export interface SpanOptions<R> {
  attributes?: Attributes;
  failure?: (result: R) => string | undefined;
}

export interface ServerMetrics {
  metrics: MetricSet<typeof SERVER_METRICS>;
  requestDuration: DurationRecorder;
  /** Requests being handled; the in-flight gauge reads it when scraped. */
  inFlight: { requests: number };
}

/**
 * The server's metrics, in the shared registry. The two gauges that change
 * with every request (in flight, animals stored) are read when scraped, not
 * updated per request.
 */
function createServerMetrics(registry: Registry, capacity: number, storeSize: () => number): ServerMetrics {
  const inFlight = { requests: 0 };
  const metrics = createMetricSet(registry, SERVER_METRICS, {
    exemplars: true,
    readAtScrape: {
      [SERVER_METRICS.requestsInFlight.name]: () => inFlight.requests,
      [SERVER_METRICS.storeAnimals.name]: storeSize,
    },
  });
  metrics.storeCapacity.set(capacity);
  metrics.storeRejections.inc(0);
  return {
    metrics,
    requestDuration: durationRecorder(metrics.requestDuration, SERVER_METRICS.requestDuration.labels, true),
    inFlight,
  };
}

/** The trace id of the active span, when it records (the exemplar of a duration). */
export function activeTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/**
 * Runs work in a child span of the active span; see ServerTelemetry.span.
 * The child is not made the active span: nothing inside the work starts
 * spans or logs, and activating it would cost an AsyncLocalStorage run.
 */
function spanRunner(tracer: Tracer): ServerTelemetry['span'] {
  return <T>(name: string, work: () => T, options: SpanOptions<Awaited<T>> = {}): T => {
    const span = tracer.startSpan(
      name,
      options.attributes ? { attributes: options.attributes } : {},
      context.active(),
    );
    const fail = (message: string) => span.setStatus({ code: SpanStatusCode.ERROR, message });
    const finish = (value: Awaited<T>) => {
      const failure = options.failure?.(value);
      if (failure !== undefined) fail(failure);
      span.end();
      return value;
    };
    const abort = (error: unknown): never => {
      fail(error instanceof Error ? error.message : String(error));
      span.end();
      throw error;
    };
    let result: T;
    try {
      result = work();
    } catch (error) {
      return abort(error);
    }
    if (result instanceof Promise) return result.then(finish, abort) as T;
    return finish(result as Awaited<T>) as T;
  };
}

/**
 * The fields and reasons of a rejection as the log line carries them: each a
 * comma-separated string of distinct values (LogQL's json parser skips
 * arrays), the same values as the labels of the validation-failure counter.
 */
function validationLogFields(issues: readonly { field: string; reason: string }[]): Record<string, string> {
  const distinct = (values: string[]) => [...new Set(values)].join(',');
  return {
    [VALIDATION_LOG_FIELD.fields]: distinct(issues.map((i) => i.field)),
    [VALIDATION_LOG_FIELD.reasons]: distinct(issues.map((i) => i.reason)),
  };
}

const nothing = () => {};

/** The server's telemetry on top of what both services share; the store's size is read at scrape time. */
export function serverTelemetry(
  shared: Telemetry,
  store: { capacity: number; size: () => number },
): ServerTelemetry {
  const { tracer, requestLog: log } = shared;
  const server = shared.metrics
    ? createServerMetrics(shared.metrics.registry, store.capacity, store.size)
    : undefined;
  const requests = tracer || server || log ? instrumentRequests({ tracer, metrics: server, log }) : undefined;
  const span = tracer ? spanRunner(tracer) : <T>(_name: string, work: () => T): T => work();

  const metrics = server?.metrics;
  const validationFailure = metrics
    ? labelChildren((field, reason) => metrics.validationFailures.labels(field, reason))
    : undefined;
  const countIssues = (issues: readonly { field: string; reason: string }[]) => {
    if (validationFailure) for (const issue of issues) validationFailure(issue.field, issue.reason).inc();
  };
  const fault = metrics
    ? labelChildren((species, kind) => metrics.faultsInjected.labels(species, kind))
    : undefined;
  const registrationDuration = metrics
    ? durationRecorder(metrics.animalDuration, SERVER_METRICS.animalDuration.labels, tracer !== undefined)
    : undefined;

  return {
    registry: shared.metrics?.registry,
    requests,
    span,
    bodyRefused(code) {
      const issues = [{ field: '_body', reason: code }] as const;
      countIssues(issues);
      log?.warn('request body refused', { issues: [`_body:${code}`], ...validationLogFields(issues) });
    },
    animalRejected(species, issues) {
      countIssues(issues);
      log?.warn('animal rejected by validation', {
        species,
        issues: issues.map((i) => `${i.field}:${i.reason}`),
        ...validationLogFields(issues),
      });
    },
    registration: registrationDuration
      ? (species, outcome, seconds) =>
          registrationDuration.observe([species, outcome], seconds, tracer ? activeTraceId() : undefined)
      : nothing,
    delayInjected: fault ? (species) => fault(species, 'delay').inc() : nothing,
    errorInjected(species, status) {
      fault?.(species, 'error').inc();
      log?.error('injected fault', { species, status_code: status, kind: 'error' });
    },
    storeRejected: metrics ? () => metrics.storeRejections.inc() : nothing,
  };
}
