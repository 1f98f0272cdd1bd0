import { COMMON_METRICS, PATHS } from '@menagerie/contract';
import type { BenchConfig } from './configs.ts';
import { drive, type LoadRequest } from './load.ts';
import { drivePaced } from './paced-load.ts';
import { startServerProcess } from './server-process.ts';

export interface RunPlan {
  connections: number;
  warmupSeconds: number;
  seconds: number;
  requests: readonly LoadRequest[];
  /** Core the servers run on. */
  core: number | undefined;
  /**
   * Requests per second of a second, fixed-rate stretch after the saturated
   * one (latency at a load every configuration sustains); none when unset.
   */
  fixedRate?: number;
}

export interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time (all threads) per answered request over the measured stretch. */
  cpuUsPerRequest: number;
  responses: number;
  /** Answers whose status was not the expected one, and connection errors. */
  unexpected: number;
  /** menagerie_tracing_spans_dropped_total by reason, after the run. */
  spansDropped: Record<string, number>;
  /** Largest and last resident set size seen during the measured stretch. */
  rssMaxBytes: number;
  rssEndBytes: number;
  /** Latency during the fixed-rate stretch, when there was one. */
  fixedRateP50Ms: number;
  fixedRateP99Ms: number;
}

/** Sample values of a metric family in a plain-text exposition, by the value of one label. */
export function samplesByLabel(text: string, metric: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"[^}]*\\} (\\S+)$`, 'gm');
  for (const match of text.matchAll(pattern)) out[match[1] as string] = Number(match[2]);
  return out;
}

/**
 * One measurement of one configuration: a fresh server process, a warm-up
 * (the JIT compiles the hot paths), then the measured stretch with the
 * server's CPU time read before and after and its memory sampled.
 */
export async function measureOnce(
  config: BenchConfig,
  otlpEndpoint: string | undefined,
  plan: RunPlan,
  options: { expectedStatus?: number; stopGraceMs?: number } = {},
): Promise<Measurement> {
  const expectedStatus = options.expectedStatus ?? 201;
  const server = await startServerProcess(config.launch(otlpEndpoint), plan.core);
  try {
    await drive({
      url: server.url,
      connections: plan.connections,
      seconds: plan.warmupSeconds,
      requests: plan.requests,
    });
    let rssMaxBytes = server.rssBytes();
    const sampler = setInterval(() => {
      rssMaxBytes = Math.max(rssMaxBytes, server.rssBytes());
    }, 200);
    const cpuBefore = server.cpuSeconds();
    const result = await drive({
      url: server.url,
      connections: plan.connections,
      seconds: plan.seconds,
      requests: plan.requests,
    });
    const cpuAfter = server.cpuSeconds();
    clearInterval(sampler);
    const rssEndBytes = server.rssBytes();
    rssMaxBytes = Math.max(rssMaxBytes, rssEndBytes);
    let spansDropped: Record<string, number> = {};
    if (config.servesMetrics) {
      const text = await (await fetch(`${server.url}${PATHS.metrics}`)).text();
      spansDropped = samplesByLabel(text, COMMON_METRICS.spansDropped.name, 'reason');
    }
    const fixed = plan.fixedRate
      ? await drivePaced({
          url: server.url,
          connections: plan.connections,
          seconds: plan.seconds / 2,
          requests: plan.requests,
          rate: plan.fixedRate,
        })
      : undefined;
    const expected = result.statuses[String(expectedStatus)] ?? 0;
    return {
      fixedRateP50Ms: fixed?.p50Ms ?? Number.NaN,
      fixedRateP99Ms: fixed?.p99Ms ?? Number.NaN,
      rps: result.rps,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      cpuUsPerRequest: ((cpuAfter - cpuBefore) * 1e6) / result.responses,
      responses: result.responses,
      unexpected: result.responses - expected + result.errors,
      spansDropped,
      rssMaxBytes,
      rssEndBytes,
    };
  } finally {
    await server.stop(options.stopGraceMs);
  }
}
