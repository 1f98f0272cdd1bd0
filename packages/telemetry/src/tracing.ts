import type { OtlpProtocol } from '@menagerie/contract';
import {
  type Attributes,
  type Counter,
  context,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  propagation,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { consoleExporter, describeOtlpDestination, otlpExporter } from './exporters.ts';
import { type SettingWarning, withOtelEnvironment } from './otel-environment.ts';
import { otlpHttpProtobufSender } from './otlp/http-batch-sender.ts';
import { StreamingSpanProcessor } from './otlp/streaming-span-processor.ts';
import { readSampler } from './sampler.ts';
import { type Batching, readBatching, readTraceSettings, type TraceSettings } from './trace-settings.ts';

/** Why a finished span was not exported (values of the `reason` label). */
export const SPAN_DROP_REASONS = ['queue_full', 'export_failed'] as const;
export type SpanDropReason = (typeof SPAN_DROP_REASONS)[number];

export interface TracingOptions {
  /** Where the OTEL_* variables are read (see withOtelEnvironment). */
  readonly env: NodeJS.ProcessEnv;
  readonly resource: Resource;
  /** The tracer's instrumentation scope. */
  readonly scope: { readonly name: string; readonly version: string };
  /** Replaces the exporters the environment asks for (tests). */
  readonly exporter?: SpanExporter | undefined;
  readonly onSpansDropped?: (reason: SpanDropReason, count: number) => void;
  /** Bounded queue of finished spans waiting for export (over OTEL_BSP_MAX_QUEUE_SIZE). */
  readonly maxQueueSize?: number;
  readonly scheduledDelayMillis?: number;
  /** Where a setting that is ignored is reported. */
  readonly warn: SettingWarning;
}

export interface Tracing {
  /** Undefined when tracing is off: no spans, no propagation. */
  readonly tracer: Tracer | undefined;
  /** Where spans go, or why they are not recorded or not exported (the start line's `traces`). */
  readonly destination: string;
  /** Exports what is queued and stops the exporters. */
  shutdown(): Promise<void>;
}

/** Tracing that records nothing: no provider, no spans, no propagation, trace ids stay empty. */
export function tracingOff(reason: string): Tracing {
  return { tracer: undefined, destination: `off (${reason})`, shutdown: async () => {} };
}

/**
 * Sets up manual tracing from the standard OpenTelemetry variables (see
 * trace-settings.ts): async-local context, the propagators OTEL_PROPAGATORS
 * names, the sampler, and one processor per exporter (a batch processor
 * with a bounded queue for OTLP). With no exporter, spans are still started
 * and ended, so an incoming traceparent is continued, outgoing requests
 * carry one, and log lines carry trace ids that correlate with the caller's
 * trace; they are just not sent anywhere.
 */
export function startTracing(options: TracingOptions): Tracing {
  const configured = withOtelEnvironment(options.env, options.warn, () => configureTracing(options));
  if (!configured.provider) return tracingOff(configured.destination);
  // Registered outside the settings' diag window: registering twice in one
  // process (tests run several services) is not a setting to warn about.
  const { provider, propagator } = configured;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (propagator) propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(options.scope.name, options.scope.version),
    destination: configured.destination,
    shutdown: async () => {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
}

interface ConfiguredTracing {
  /** Undefined when the SDK is disabled. */
  readonly provider: TracerProvider | undefined;
  readonly propagator: TextMapPropagator | undefined;
  readonly destination: string;
}

/** The provider and propagator the environment asks for; reads it, so runs inside withOtelEnvironment. */
function configureTracing(options: TracingOptions): ConfiguredTracing {
  const { warn } = options;
  const settings = readTraceSettings(warn);
  if (settings.sdkDisabled) {
    return { provider: undefined, propagator: undefined, destination: 'OTEL_SDK_DISABLED=true' };
  }

  const droppedSpans = options.onSpansDropped
    ? new DroppedSpanMeterProvider(options.onSpansDropped)
    : undefined;
  const selfObservability = droppedSpans ? { selfObsMeterProvider: droppedSpans } : {};
  const batching = (): Batching => {
    const read = readBatching(warn);
    const maxQueueSize = options.maxQueueSize ?? read.maxQueueSize;
    return {
      maxQueueSize,
      maxExportBatchSize: Math.min(read.maxExportBatchSize, maxQueueSize),
      scheduledDelayMillis: options.scheduledDelayMillis ?? read.scheduledDelayMillis,
    };
  };
  const batched = (exporter: SpanExporter): SpanProcessor =>
    new BatchSpanProcessor({ exporter, ...batching(), ...selfObservability });
  // OTLP/HTTP protobuf, the default and what the charts use, takes the
  // streaming processor; JSON and gRPC keep the SDK's batch processor and
  // stock exporters.
  const otlpProcessor = (protocol: OtlpProtocol): SpanProcessor =>
    protocol === 'http/protobuf'
      ? new StreamingSpanProcessor({
          sender: otlpHttpProtobufSender(),
          ...batching(),
          onSpansDropped: options.onSpansDropped,
        })
      : batched(otlpExporter(protocol));
  let spanProcessors: SpanProcessor[];
  let destination: string;
  if (options.exporter) {
    spanProcessors = [batched(options.exporter)];
    destination = '(test exporter)';
  } else {
    spanProcessors = settings.exporters.map((name) =>
      name === 'otlp'
        ? otlpProcessor(settings.protocol)
        : new SimpleSpanProcessor({ exporter: consoleExporter(), ...selfObservability }),
    );
    destination = describeDestination(settings);
  }

  const provider = new TracerProvider({
    resource: options.resource,
    sampler: readSampler(warn),
    spanProcessors,
  });
  return { provider, propagator: propagatorOf(settings.propagators), destination };
}

function describeDestination(settings: TraceSettings): string {
  if (settings.exporters.length === 0) return `not exported (${settings.notExportedBecause})`;
  return settings.exporters
    .map((name) => (name === 'otlp' ? describeOtlpDestination(settings.protocol) : 'console (stdout)'))
    .join(', ');
}

/** The propagators named, composed; undefined for none (the API's no-op propagator stays). */
function propagatorOf(names: TraceSettings['propagators']): TextMapPropagator | undefined {
  const propagators = names.map((name) =>
    name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  if (propagators.length <= 1) return propagators[0];
  return new CompositePropagator({ propagators });
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
