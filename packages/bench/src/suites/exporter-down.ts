import { FULL } from '../configs.ts';
import { type Measurement, measureOnce, type RunPlan } from '../measure.ts';
import { closedPort, type OtlpEndpoint, startBlackHole, startOtlpSink } from '../otlp-endpoints.ts';
import { summaryLine } from '../report.ts';
import { pairedRatios, spread } from '../stats.ts';

/**
 * The tracing pipeline's own bounds (packages/telemetry/src/tracing.ts and
 * the OTLP exporter's defaults): what a dead endpoint can make the server
 * hold, whatever the traffic.
 */
export const EXPORT_BOUNDS = {
  /** Finished spans waiting for export; more are dropped (queue_full). */
  maxQueueSize: 2048,
  /** Spans in the one export in flight (the batch processor exports one batch at a time). */
  maxExportBatchSize: 512,
  /** The OTLP exporter's timeout for one export, retries included (OTEL_EXPORTER_OTLP_TIMEOUT). */
  exportTimeoutMs: 10_000,
} as const;

export interface ExporterDownOptions {
  reps: number;
  plan: RunPlan;
  print: (line: string) => void;
  progress: (line: string) => void;
}

type Mode = 'up' | 'refused' | 'black-hole';
const MODES: readonly Mode[] = ['up', 'refused', 'black-hole'];

function endpointFor(mode: Mode): Promise<OtlpEndpoint> {
  if (mode === 'up') return startOtlpSink();
  if (mode === 'refused') return closedPort();
  return startBlackHole();
}

const total = (m: Measurement, reason: string) => m.spansDropped[reason] ?? 0;

/** Seconds a measured stretch needs for a black-holed export to time out within it. */
export const EXPORTER_DOWN_MIN_SECONDS = EXPORT_BOUNDS.exportTimeoutMs / 1000 + 2;

/**
 * The fully instrumented server with its OTLP endpoint up, refusing
 * connections (a closed port) and black-holing them (accepted, never
 * answered), interleaved.
 */
export async function runExporterDown(options: ExporterDownOptions): Promise<void> {
  const { plan } = options;
  const results = new Map<Mode, Measurement[]>(MODES.map((mode) => [mode, []]));
  for (let round = 0; round < options.reps; round++) {
    for (let i = 0; i < MODES.length; i++) {
      const mode = MODES[(i + round) % MODES.length] as Mode;
      const endpoint = await endpointFor(mode);
      try {
        // A server whose endpoint is down spends its shutdown trying to export: not measured, not awaited.
        const m = await measureOnce(FULL, endpoint.endpoint, plan, {
          stopGraceMs: mode === 'up' ? 15_000 : 500,
        });
        results.get(mode)?.push(m);
        options.progress(
          `round ${round + 1}/${options.reps} exporter ${mode}: ${Math.round(m.rps)} req/s, ` +
            `p99 ${m.p99Ms.toFixed(2)} ms, RSS ${(m.rssMaxBytes / 2 ** 20).toFixed(0)} MiB, ` +
            `dropped ${JSON.stringify(m.spansDropped)}`,
        );
      } finally {
        await endpoint.close();
      }
    }
  }

  const up = results.get('up') ?? [];
  for (const mode of MODES) {
    const runs = results.get(mode) ?? [];
    options.print(
      summaryLine('exporter', {
        endpoint: mode,
        rps: spread(runs.map((m) => m.rps)),
        p99_ms: spread(runs.map((m) => m.p99Ms)),
        throughput_vs_up: spread(
          pairedRatios(
            runs.map((m) => m.rps),
            up.map((m) => m.rps),
          ),
        ),
        p99_vs_up: spread(
          pairedRatios(
            runs.map((m) => m.p99Ms),
            up.map((m) => m.p99Ms),
          ),
        ),
        rss_max_mib: spread(runs.map((m) => m.rssMaxBytes / 2 ** 20)),
        rss_max_vs_up_mib: spread(runs.map((m, i) => (m.rssMaxBytes - (up[i]?.rssMaxBytes ?? 0)) / 2 ** 20)),
        dropped_queue_full: spread(runs.map((m) => total(m, 'queue_full'))),
        dropped_export_failed: spread(runs.map((m) => total(m, 'export_failed'))),
        seconds: plan.seconds,
        reps: runs.length,
      }),
    );
  }
  const { maxQueueSize, maxExportBatchSize, exportTimeoutMs } = EXPORT_BOUNDS;
  options.print(
    summaryLine('exporter bound', {
      spans_held_max: maxQueueSize + maxExportBatchSize,
      queue: maxQueueSize,
      batch_in_flight: maxExportBatchSize,
      export_timeout_ms: exportTimeoutMs,
    }),
  );
}
