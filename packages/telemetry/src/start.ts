import type { LogLevel } from '@menagerie/contract';
import { describeSignals, type TelemetrySignals } from '@menagerie/settings';
import type { Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { createLogger, type Logger } from './logger.ts';
import { type CommonMetrics, createRegistry, labelChildren } from './metrics.ts';
import { withOtelEnvironment } from './otel-environment.ts';
import { serviceNameOf, serviceResource } from './resource.ts';
import { startTracing, type Tracing, tracingOff } from './tracing.ts';

/**
 * Starts what both services share, each part only when its signal is on: the
 * metrics registry (with the build-info, target-info and dropped-span
 * metrics), tracing (whose dropped spans that registry counts), and the JSON
 * logger.
 */
export interface TelemetryOptions {
  /** Used when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names the service. */
  readonly defaultServiceName: string;
  readonly build: { readonly version: string; readonly revision: string };
  readonly signals: TelemetrySignals;
  readonly logLevel: LogLevel;
  /** Where the OTEL_* variables are read; process.env when undefined. */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the exporters the environment asks for (tests). */
  readonly spanExporter?: SpanExporter | undefined;
  /** Log destination; stdout when undefined. */
  readonly logStream?: NodeJS.WritableStream | undefined;
}

export interface Telemetry {
  readonly signals: TelemetrySignals;
  readonly serviceName: string;
  /** The registry the service adds its own metrics to; undefined when metrics are off. */
  readonly metrics: CommonMetrics | undefined;
  /** Undefined when traces are off (TELEMETRY or OTEL_SDK_DISABLED). */
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

/** The message of the one warn line logged for each OpenTelemetry setting that is ignored. */
export const IGNORED_SETTING_MESSAGE = 'OpenTelemetry setting ignored';

export function startTelemetry(options: TelemetryOptions): Telemetry {
  const { signals } = options;
  // Warnings wait for the logger, which needs the service name the resource settles.
  const warnings: string[] = [];
  const warn = (warning: string) => warnings.push(warning);
  const env = options.env ?? process.env;
  const resource = withOtelEnvironment(env, warn, () =>
    serviceResource({ serviceName: options.defaultServiceName, serviceVersion: options.build.version }),
  );
  const serviceName = serviceNameOf(resource);
  const metrics = signals.metrics ? createRegistry(options.build, resource) : undefined;
  const common = metrics?.common;
  const dropped = common ? labelChildren((reason) => common.spansDropped.labels(reason)) : undefined;
  const tracing: Tracing = signals.traces
    ? startTracing({
        env,
        resource,
        scope: { name: serviceName, version: options.build.version },
        exporter: options.spanExporter,
        warn,
        ...(dropped ? { onSpansDropped: (reason, count) => dropped(reason).inc(count) } : {}),
      })
    : tracingOff(`TELEMETRY=${describeSignals(signals)}`);
  const log = createLogger({
    service: serviceName,
    level: options.logLevel,
    ...(options.logStream ? { stream: options.logStream } : {}),
  });
  for (const warning of warnings) log.warn(IGNORED_SETTING_MESSAGE, { detail: warning });
  return {
    signals,
    serviceName,
    metrics,
    tracer: tracing.tracer,
    log,
    requestLog: signals.logs ? log : undefined,
    tracesDestination: tracing.destination,
    flushSpans: () => tracing.shutdown(),
  };
}
