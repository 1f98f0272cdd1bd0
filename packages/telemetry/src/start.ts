import type { LogLevel } from '@menagerie/contract';
import { describeSignals, type TelemetrySignals } from '@menagerie/settings';
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { createLogger, type Logger } from './logger.ts';
import { type CommonMetrics, createRegistry, labelChildren } from './metrics.ts';
import { disabledTracing, startTracing, type Tracing } from './tracing.ts';

/**
 * Starts what both services share, each part only when its signal is on: the
 * metrics registry (with the build-info and dropped-span metrics), tracing
 * (whose dropped spans that registry counts), and the JSON logger.
 */
export interface TelemetryOptions {
  /** Used when OTEL_SERVICE_NAME is unset. */
  readonly defaultServiceName: string;
  readonly build: { readonly version: string; readonly revision: string };
  readonly signals: TelemetrySignals;
  readonly logLevel: LogLevel;
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the OTLP exporter (tests). */
  readonly spanExporter?: SpanExporter | undefined;
  /** Log destination; stdout when undefined. */
  readonly logStream?: NodeJS.WritableStream | undefined;
}

export interface Telemetry {
  readonly signals: TelemetrySignals;
  readonly serviceName: string;
  /** The registry the service adds its own metrics to; undefined when metrics are off. */
  readonly metrics: CommonMetrics | undefined;
  /** Undefined when traces are off. */
  readonly tracer: Tracer | undefined;
  /** Start, shutdown and error lines, whatever the signals. */
  readonly log: Logger;
  /** Where per-request lines go; undefined when logs are off. */
  readonly requestLog: Logger | undefined;
  /** What the start line says about traces. */
  readonly tracesDestination: string;
  /** Exports the spans still queued and stops the exporter. */
  flushSpans(): Promise<void>;
}

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const { signals } = options;
  const metrics = signals.metrics ? createRegistry(options.build) : undefined;
  const dropped = metrics ? labelChildren((reason) => metrics.common.spansDropped.labels(reason)) : undefined;
  const tracing: Tracing = signals.traces
    ? startTracing({
        defaultServiceName: options.defaultServiceName,
        serviceVersion: options.build.version,
        env: options.env ?? process.env,
        ...(options.spanExporter ? { exporter: options.spanExporter } : {}),
        ...(dropped ? { onSpansDropped: (reason, count) => dropped(reason).inc(count) } : {}),
      })
    : disabledTracing(options.defaultServiceName);
  const log = createLogger({
    service: tracing.serviceName,
    level: options.logLevel,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  return {
    signals,
    serviceName: tracing.serviceName,
    metrics,
    tracer: signals.traces ? tracing.tracer : undefined,
    log,
    requestLog: signals.logs ? log : undefined,
    tracesDestination: signals.traces
      ? (tracing.exportUrl ?? 'not exported (OTEL_EXPORTER_OTLP_ENDPOINT is unset)')
      : `not exported (TELEMETRY=${describeSignals(signals)})`,
    flushSpans: () => tracing.shutdown(),
  };
}
