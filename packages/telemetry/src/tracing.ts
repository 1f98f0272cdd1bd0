import { OTEL_BSP_ENV, OTEL_ENV, OTLP } from '@menagerie/contract';
import {
  type Attributes,
  type Context,
  type Counter,
  context,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  propagation,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/** Why a finished span was not exported (values of the `reason` label). */
export const SPAN_DROP_REASONS = ['queue_full', 'export_failed'] as const;
export type SpanDropReason = (typeof SPAN_DROP_REASONS)[number];

export interface TracingOptions {
  /** Used when OTEL_SERVICE_NAME is unset. */
  defaultServiceName: string;
  serviceVersion: string;
  env?: NodeJS.ProcessEnv;
  /** Replaces the OTLP exporter (tests). */
  exporter?: SpanExporter;
  onSpansDropped?: (reason: SpanDropReason, count: number) => void;
  /** Bounded queue of finished spans waiting for export. */
  maxQueueSize?: number;
  scheduledDelayMillis?: number;
}

export interface Tracing {
  readonly tracer: Tracer;
  readonly serviceName: string;
  /** The OTLP traces URL spans go to, or undefined when nothing is exported. */
  readonly exportUrl: string | undefined;
  /** Exports what is queued and stops the exporter. */
  shutdown(): Promise<void>;
}

/** Tracing that records nothing: no provider, no spans, trace ids stay empty. */
export function disabledTracing(serviceName: string): Tracing {
  return {
    tracer: trace.getTracer(serviceName),
    serviceName,
    exportUrl: undefined,
    shutdown: async () => {},
  };
}

export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}${OTLP.tracesPath}`;
}

/**
 * Sets up manual tracing: W3C trace context propagation, async-local context,
 * and a batch processor (bounded queue) sending OTLP over HTTP/protobuf. With
 * no OTEL_EXPORTER_OTLP_ENDPOINT (and no test exporter) nothing is set up, so
 * spans cost nothing and nothing tries to connect anywhere.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const serviceName = nonEmpty(env[OTEL_ENV.serviceName]) ?? options.defaultServiceName;
  const endpoint = nonEmpty(env[OTEL_ENV.endpoint]);
  if (!endpoint && !options.exporter) return disabledTracing(serviceName);

  const exportUrl = endpoint ? tracesUrl(endpoint) : undefined;
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: exportUrl as string });
  const droppedSpans = options.onSpansDropped
    ? new DroppedSpanMeterProvider(options.onSpansDropped)
    : undefined;
  const batching = batchingFromEnv(env);
  const processor = new BatchSpanProcessor({
    exporter,
    maxQueueSize: options.maxQueueSize ?? batching.maxQueueSize,
    maxExportBatchSize: Math.min(batching.maxExportBatchSize, options.maxQueueSize ?? batching.maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMillis ?? batching.scheduledDelayMillis,
    ...(droppedSpans ? { selfObsMeterProvider: droppedSpans } : {}),
  });
  const resource = resourceFromAttributes({
    [ATTR_SERVICE_NAME]: serviceName,
    [ATTR_SERVICE_VERSION]: options.serviceVersion,
  }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerFromEnv(env),
    spanProcessors: [processor],
  });

  const contextManager = new AsyncLocalStorageContextManager();
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);

  return {
    tracer: provider.getTracer(serviceName, options.serviceVersion),
    serviceName,
    exportUrl: exportUrl ?? '(test exporter)',
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The batch processor's defaults: a bounded queue, and a batch sent every second or when full. */
export const BATCHING_DEFAULTS = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
} as const;

/**
 * OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE and
 * OTEL_BSP_SCHEDULE_DELAY (ms), as the specification defines them, over our
 * defaults; the batch is never larger than the queue.
 */
export function batchingFromEnv(env: NodeJS.ProcessEnv): {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
} {
  const read = (name: string, fallback: number, min: number, max: number): number => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      throw new Error(`${name}="${raw}" must be an integer from ${min} to ${max}`);
    }
    return value;
  };
  const maxQueueSize = read(OTEL_BSP_ENV.maxQueueSize, BATCHING_DEFAULTS.maxQueueSize, 1, 1_000_000);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(
      maxQueueSize,
      read(OTEL_BSP_ENV.maxExportBatchSize, BATCHING_DEFAULTS.maxExportBatchSize, 1, 1_000_000),
    ),
    scheduledDelayMillis: read(
      OTEL_BSP_ENV.scheduleDelay,
      BATCHING_DEFAULTS.scheduledDelayMillis,
      1,
      600_000,
    ),
  };
}

/** Extracts a W3C traceparent from incoming headers into a context. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** Injects the active context's traceparent into outgoing headers. */
export function injectContext(ctx: Context, headers: Record<string, string>): void {
  propagation.inject(ctx, headers);
}

/**
 * OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG, as the specification defines
 * them. The trace SDK no longer reads them itself.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const name = nonEmpty(env[OTEL_ENV.sampler])?.toLowerCase() ?? 'parentbased_always_on';
  const rawArg = nonEmpty(env[OTEL_ENV.samplerArg]);
  const ratio = rawArg === undefined ? 1 : Number(rawArg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new Error(`${OTEL_ENV.samplerArg}="${rawArg}" is not a ratio between 0 and 1`);
  }
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      throw new Error(
        `${OTEL_ENV.sampler}="${name}" is not supported (always_on, always_off, traceidratio, parentbased_*)`,
      );
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The batch processor reports each span it gives up on through its
 * self-observability meter: `otel.sdk.processor.span.processed` with an
 * `error.type` of `queue_full`, or the export error's name. This meter turns
 * those reports into a callback and ignores every other instrument.
 */
class DroppedSpanMeterProvider implements MeterProvider {
  readonly #meter: Meter;

  constructor(onDropped: (reason: SpanDropReason, count: number) => void) {
    const noop = createNoopMeter();
    const counter: Counter = {
      add(count: number, attributes?: Attributes) {
        const errorType = attributes?.['error.type'];
        if (errorType === undefined) return;
        onDropped(errorType === 'queue_full' ? 'queue_full' : 'export_failed', count);
      },
    };
    this.#meter = Object.assign(Object.create(noop) as Meter, {
      createCounter: () => counter,
    });
  }

  getMeter(): Meter {
    return this.#meter;
  }
}
