import type { Species } from '@menagerie/animals';
import type { IssueField } from '@menagerie/animals/validation';
import { type RegistrationOutcome, SERVER_METRICS } from '@menagerie/contract';
import type { Registry } from '@menagerie/telemetry';
import {
  createMetricSet,
  createRegistry,
  type DurationRecorder,
  durationRecorder,
  labelChildren,
  type MetricSet,
  type SpanDropReason,
} from '@menagerie/telemetry';
import { type Attributes, context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

export type FaultKind = 'delay' | 'error';
export type SpeciesLabel = Species | 'unknown';

/**
 * What the handlers report. TELEMETRY=off gets one that does nothing at all
 * (the overhead baseline); otherwise each signal it lists is recorded.
 */
export interface ServerTelemetry {
  /** Per-request warn and error lines (validation refusals, injected faults) are logged. */
  readonly logs: boolean;
  /**
   * Runs `work` (sync or async) in a child span of the active span. The span
   * gets an error status when `work` throws or rejects, or when `failure`
   * returns a message for its result.
   */
  span<T>(name: string, work: () => T, options?: SpanOptions<Awaited<T>>): T;
  validationFailed(issues: readonly { field: IssueField | '_body'; reason: string }[]): void;
  /** Observes a registration; the active span's trace id becomes the exemplar. */
  registration(species: SpeciesLabel, outcome: RegistrationOutcome, seconds: number): void;
  faultInjected(species: Species, kind: FaultKind): void;
  storeRejected(): void;
}

export interface SpanOptions<R> {
  attributes?: Attributes;
  failure?: (result: R) => string | undefined;
}

export const telemetryOff: ServerTelemetry = {
  logs: false,
  span: (_name, work) => work(),
  validationFailed: () => {},
  registration: () => {},
  faultInjected: () => {},
  storeRejected: () => {},
};

export interface ServerMetrics {
  registry: Registry;
  metrics: MetricSet<typeof SERVER_METRICS>;
  requestDuration: DurationRecorder;
  /** Requests being handled; the in-flight gauge reads it when scraped. */
  inFlight: { requests: number };
  onSpansDropped: (reason: SpanDropReason, count: number) => void;
}

/**
 * The server's registry. The two gauges that change with every request (in
 * flight, animals stored) are read when scraped, not updated per request.
 */
export function createServerMetrics(
  build: { version: string; revision: string },
  capacity: number,
  storeSize: () => number,
): ServerMetrics {
  const { registry, common } = createRegistry(build);
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
  const dropped = labelChildren((reason) => common.spansDropped.labels(reason));
  return {
    registry,
    metrics,
    requestDuration: durationRecorder(metrics.requestDuration, SERVER_METRICS.requestDuration.labels, true),
    inFlight,
    onSpansDropped: (reason, count) => dropped(reason).inc(count),
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

/** Records the signals it is given: spans with a tracer, metrics with a registry, lines when `logs`. */
export function recordingTelemetry(signals: {
  tracer: Tracer | undefined;
  metrics: ServerMetrics | undefined;
  logs: boolean;
}): ServerTelemetry {
  const { tracer, logs } = signals;
  const span = tracer ? spanRunner(tracer) : telemetryOff.span;
  const server = signals.metrics;
  if (!server) return { ...telemetryOff, logs, span };
  const { metrics } = server;
  const registrationDuration = durationRecorder(
    metrics.animalDuration,
    SERVER_METRICS.animalDuration.labels,
    tracer !== undefined,
  );
  const validationFailure = labelChildren((field, reason) =>
    metrics.validationFailures.labels(field, reason),
  );
  const fault = labelChildren((species, kind) => metrics.faultsInjected.labels(species, kind));
  return {
    logs,
    span,
    validationFailed(issues) {
      for (const issue of issues) validationFailure(issue.field, issue.reason).inc();
    },
    registration(species, outcome, seconds) {
      registrationDuration.observe([species, outcome], seconds, tracer ? activeTraceId() : undefined);
    },
    faultInjected(species, kind) {
      fault(species, kind).inc();
    },
    storeRejected() {
      metrics.storeRejections.inc();
    },
  };
}
