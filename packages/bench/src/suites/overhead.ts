import { type BenchConfig, FULL, METRICS, METRICS_TRACES, OFF, STOCK } from '../configs.ts';
import { type Measurement, measureOnce, type RunPlan } from '../measure.ts';
import { startOtlpSink } from '../otlp-endpoints.ts';
import { summaryLine } from '../report.ts';
import { pairedDifferences, pairedRatios, spread } from '../stats.ts';

export interface OverheadOptions {
  configs: readonly BenchConfig[];
  /** Builds compared (their configurations are named on@<build>), in order. */
  builds: readonly string[];
  reps: number;
  plan: RunPlan;
  /** Prints a summary line (and progress, to stderr). */
  print: (line: string) => void;
  progress: (line: string) => void;
}

export type OverheadResults = Map<string, Measurement[]>;

const field = (runs: readonly Measurement[], pick: (m: Measurement) => number) => spread(runs.map(pick));

/**
 * Interleaved rounds: every round runs each configuration once, each in a
 * fresh process, starting from a different configuration each round, so a
 * machine that gets busier or quieter affects every configuration alike.
 * Ratios are taken within a round, then summarised over the rounds.
 */
export async function runOverhead(options: OverheadOptions): Promise<OverheadResults> {
  const { configs, reps, plan } = options;
  const results: OverheadResults = new Map(configs.map((c) => [c.name, []]));
  const sink = await startOtlpSink();
  try {
    for (let round = 0; round < reps; round++) {
      for (let i = 0; i < configs.length; i++) {
        const config = configs[(i + round) % configs.length] as BenchConfig;
        const m = await measureOnce(config, config.exportsSpans ? sink.endpoint : undefined, plan);
        results.get(config.name)?.push(m);
        options.progress(
          `round ${round + 1}/${reps} ${config.name}: ${Math.round(m.rps)} req/s, p99 ${m.p99Ms.toFixed(2)} ms, ` +
            `${Math.round(m.cpuUsPerRequest)} µs CPU/request`,
        );
      }
    }
  } finally {
    await sink.close();
  }

  for (const config of configs) {
    const runs = results.get(config.name) ?? [];
    const dropped = runs.reduce(
      (sum, m) => sum + Object.values(m.spansDropped).reduce((a, b) => a + b, 0),
      0,
    );
    options.print(
      summaryLine('config', {
        name: config.name,
        rps: field(runs, (m) => m.rps),
        p50_ms: field(runs, (m) => m.p50Ms),
        p99_ms: field(runs, (m) => m.p99Ms),
        cpu_us_per_req: field(runs, (m) => m.cpuUsPerRequest),
        ...(options.plan.fixedRate
          ? {
              p50_ms_at_rate: field(runs, (m) => m.fixedRateP50Ms),
              p99_ms_at_rate: field(runs, (m) => m.fixedRateP99Ms),
            }
          : {}),
        unexpected: runs.reduce((sum, m) => sum + m.unexpected, 0),
        spans_dropped: config.servesMetrics && config.exportsSpans ? dropped : 'n/a',
        reps: runs.length,
      }),
    );
  }
  printComparisons(results, options.builds, options.print);
  return results;
}

function comparison(results: OverheadResults, a: string, b: string) {
  const x = results.get(a);
  const y = results.get(b);
  if (!x?.length || !y?.length) return undefined;
  return {
    throughput: spread(
      pairedRatios(
        x.map((m) => m.rps),
        y.map((m) => m.rps),
      ),
    ),
    p50: spread(
      pairedRatios(
        x.map((m) => m.p50Ms),
        y.map((m) => m.p50Ms),
      ),
    ),
    p99: spread(
      pairedRatios(
        x.map((m) => m.p99Ms),
        y.map((m) => m.p99Ms),
      ),
    ),
    p99AtRate: spread(
      pairedRatios(
        x.map((m) => m.fixedRateP99Ms),
        y.map((m) => m.fixedRateP99Ms),
      ),
    ),
    cpuUs: spread(
      pairedDifferences(
        x.map((m) => m.cpuUsPerRequest),
        y.map((m) => m.cpuUsPerRequest),
      ),
    ),
  };
}

/** The ratios and per-signal CPU costs the overhead line reports, from whichever configurations ran. */
export function printComparisons(
  results: OverheadResults,
  builds: readonly string[],
  print: (line: string) => void,
): void {
  const pairs: [string, string][] = [
    [FULL.name, OFF.name],
    [FULL.name, STOCK.name],
    [STOCK.name, OFF.name],
  ];
  for (let i = 1; i < builds.length; i++) {
    pairs.push([`${FULL.name}@${builds[i]}`, `${FULL.name}@${builds[i - 1]}`]);
  }
  // Each build's own overhead, and this build against it: a change's before
  // and after, paired by round, in one session.
  for (const build of builds) {
    const on = `${FULL.name}@${build}`;
    pairs.push([on, OFF.name], [on, STOCK.name], [FULL.name, on]);
  }
  // Every other configuration that ran (a signal on its own, a spin=<µs>
  // calibration), against off.
  const paired = new Set(pairs.flat());
  for (const name of results.keys()) {
    if (name !== OFF.name && !paired.has(name)) pairs.push([name, OFF.name]);
  }
  for (const [a, b] of pairs) {
    const c = comparison(results, a, b);
    if (!c) continue;
    print(
      summaryLine('ratio', {
        name: `${a}/${b}`,
        throughput: c.throughput,
        p50: c.p50,
        p99: c.p99,
        ...(c.p99AtRate.n > 0 ? { p99_at_rate: c.p99AtRate } : {}),
        cpu_us_per_req_added: c.cpuUs,
      }),
    );
  }

  // What each signal adds, in CPU per request: metrics over off, traces over
  // metrics, logs over metrics + traces.
  const steps: [string, string, string][] = [
    ['metrics', METRICS.name, OFF.name],
    ['traces', METRICS_TRACES.name, METRICS.name],
    ['logs', FULL.name, METRICS_TRACES.name],
  ];
  const costs: Record<string, ReturnType<typeof spread>> = {};
  for (const [signal, a, b] of steps) {
    const c = comparison(results, a, b);
    if (c) costs[`${signal}_cpu_us`] = c.cpuUs;
  }
  if (Object.keys(costs).length > 0) print(summaryLine('signal cost', costs));

  // The line the targets are read from. p99_ratio is taken at the fixed
  // rate when the plan has one (latency at a load both sustain; saturated,
  // p99 is mostly queueing and follows throughput), else saturated; the
  // added CPU per request, ours and the stock set-up's, is paired by round.
  const overhead = (on: string): string | undefined => {
    const vsOff = comparison(results, on, OFF.name);
    const vsStock = comparison(results, on, STOCK.name);
    const stockVsOff = comparison(results, STOCK.name, OFF.name);
    if (!vsOff || !vsStock || !stockVsOff) return undefined;
    const p99 = vsOff.p99AtRate.n > 0 ? vsOff.p99AtRate : vsOff.p99;
    return (
      `throughput_ratio=${vsOff.throughput.median.toFixed(3)} ` +
      `p99_ratio=${p99.median.toFixed(3)} vs_stock=${vsStock.throughput.median.toFixed(2)} ` +
      `added_cpu_us=${vsOff.cpuUs.median.toFixed(1)} stock_added_cpu_us=${stockVsOff.cpuUs.median.toFixed(1)}`
    );
  };
  const current = overhead(FULL.name);
  if (current) print(`bench overhead: ${current}`);
  for (const build of builds) {
    const ofBuild = overhead(`${FULL.name}@${build}`);
    if (ofBuild) print(`bench overhead of build: build=${build} ${ofBuild}`);
  }
}
