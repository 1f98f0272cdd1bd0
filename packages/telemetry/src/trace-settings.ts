import {
  OTEL_BSP_ENV,
  OTEL_ENV,
  OTEL_SDK_ENV,
  OTLP_PROTOCOLS,
  type OtlpProtocol,
  PROPAGATORS,
  type PropagatorName,
  TRACES_EXPORTERS,
  type TracesExporter,
} from '@menagerie/contract';
import {
  getBooleanFromEnv,
  getNumberFromEnv,
  getStringFromEnv,
  getStringListFromEnv,
} from '@opentelemetry/core';
import type { SettingWarning } from './otel-environment.ts';

/**
 * What the standard OpenTelemetry variables ask of tracing, as the
 * specification defines them: every raw value is read by
 * @opentelemetry/core's env getters, inside withOtelEnvironment (they read
 * process.env and report a value they cannot parse through the diag
 * logger). A value that is read but not allowed is reported once through
 * `warn` and replaced by the default, never a reason to stop the service.
 */
export interface TraceSettings {
  /** OTEL_SDK_DISABLED=true: no provider, no spans, no propagation. */
  readonly sdkDisabled: boolean;
  /** Exporters to send finished spans to; empty records spans (their ids propagate) without exporting them. */
  readonly exporters: readonly Exclude<TracesExporter, 'none'>[];
  /** Why nothing is exported, when `exporters` is empty. */
  readonly notExportedBecause: string | undefined;
  readonly protocol: OtlpProtocol;
  /** Empty: none (OTEL_PROPAGATORS=none). */
  readonly propagators: readonly Exclude<PropagatorName, 'none'>[];
}

const DEFAULT_PROPAGATORS = ['tracecontext', 'baggage'] as const;

export function readTraceSettings(warn: SettingWarning): TraceSettings {
  const sdkDisabled = getBooleanFromEnv(OTEL_SDK_ENV.sdkDisabled);
  const { exporters, notExportedBecause } = readExporters(warn);
  return {
    sdkDisabled,
    exporters,
    notExportedBecause,
    protocol: exporters.includes('otlp') ? readProtocol(warn) : OTLP_PROTOCOLS[0],
    propagators: readPropagators(warn),
  };
}

/** Whether an OTLP endpoint for traces is set (the exporter itself reads and checks its value). */
export function otlpEndpointSet(): boolean {
  return (
    getStringFromEnv(OTEL_SDK_ENV.tracesEndpoint) !== undefined ||
    getStringFromEnv(OTEL_ENV.endpoint) !== undefined
  );
}

/**
 * OTEL_TRACES_EXPORTER, a list of `otlp`, `console` and `none`. Unset, it
 * means `otlp` when an OTLP endpoint is set and nothing otherwise: the
 * specification's default (`otlp` to localhost:4318) would have every
 * local run and test connect to a collector that is not there.
 */
function readExporters(warn: SettingWarning): Pick<TraceSettings, 'exporters' | 'notExportedBecause'> {
  const name = OTEL_SDK_ENV.tracesExporter;
  const listed = getStringListFromEnv(name)?.map((value) => value.toLowerCase());
  if (listed === undefined || listed.length === 0) {
    return otlpEndpointSet()
      ? { exporters: ['otlp'], notExportedBecause: undefined }
      : {
          exporters: [],
          notExportedBecause: `no ${OTEL_ENV.endpoint} or ${OTEL_SDK_ENV.tracesEndpoint} set`,
        };
  }
  const known = listed.filter((value): value is TracesExporter => {
    if ((TRACES_EXPORTERS as readonly string[]).includes(value)) return true;
    warn(`${name}: "${value}" is not one of ${TRACES_EXPORTERS.join(', ')}; ignored`);
    return false;
  });
  if (known.includes('none')) return { exporters: [], notExportedBecause: `${name}=none` };
  const exporters = [...new Set(known.filter((value) => value !== 'none'))];
  if (exporters.length > 0) return { exporters, notExportedBecause: undefined };
  return { exporters: [], notExportedBecause: `${name} names no known exporter` };
}

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
function readProtocol(warn: SettingWarning): OtlpProtocol {
  for (const name of [OTEL_SDK_ENV.tracesProtocol, OTEL_SDK_ENV.protocol]) {
    const value = getStringFromEnv(name)?.trim().toLowerCase();
    if (value === undefined) continue;
    if ((OTLP_PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
    warn(`${name}: "${value}" is not one of ${OTLP_PROTOCOLS.join(', ')}; using ${OTLP_PROTOCOLS[0]}`);
    return OTLP_PROTOCOLS[0];
  }
  return OTLP_PROTOCOLS[0];
}

/** OTEL_PROPAGATORS: a list of `tracecontext`, `baggage` and `none`; both by default. */
function readPropagators(warn: SettingWarning): TraceSettings['propagators'] {
  const name = OTEL_SDK_ENV.propagators;
  const listed = getStringListFromEnv(name)?.map((value) => value.toLowerCase());
  if (listed === undefined || listed.length === 0) return DEFAULT_PROPAGATORS;
  const known = listed.filter((value): value is PropagatorName => {
    if ((PROPAGATORS as readonly string[]).includes(value)) return true;
    warn(`${name}: "${value}" is not one of ${PROPAGATORS.join(', ')}; ignored`);
    return false;
  });
  if (known.includes('none')) return [];
  const propagators = [...new Set(known.filter((value) => value !== 'none'))];
  return propagators.length > 0 ? propagators : DEFAULT_PROPAGATORS;
}

/** The batch processor's defaults: a bounded queue, and a batch sent every second or when full. */
export const BATCHING_DEFAULTS = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
} as const;

export interface Batching {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
}

/**
 * OTEL_BSP_MAX_QUEUE_SIZE, OTEL_BSP_MAX_EXPORT_BATCH_SIZE and
 * OTEL_BSP_SCHEDULE_DELAY (ms), as the specification defines them, over our
 * defaults; the batch is never larger than the queue.
 */
export function readBatching(warn: SettingWarning): Batching {
  const read = (name: string, fallback: number, max: number): number => {
    const value = getNumberFromEnv(name);
    if (value === undefined) return fallback;
    if (Number.isInteger(value) && value >= 1 && value <= max) return value;
    warn(`${name}: ${value} is not an integer from 1 to ${max}; using ${fallback}`);
    return fallback;
  };
  const maxQueueSize = read(OTEL_BSP_ENV.maxQueueSize, BATCHING_DEFAULTS.maxQueueSize, 1_000_000);
  return {
    maxQueueSize,
    maxExportBatchSize: Math.min(
      maxQueueSize,
      read(OTEL_BSP_ENV.maxExportBatchSize, BATCHING_DEFAULTS.maxExportBatchSize, 1_000_000),
    ),
    scheduledDelayMillis: read(OTEL_BSP_ENV.scheduleDelay, BATCHING_DEFAULTS.scheduledDelayMillis, 600_000),
  };
}
