import { parseArgs } from 'node:util';

export const SUITES = ['overhead', 'exporter-down', 'scrape', 'client'] as const;
export type Suite = (typeof SUITES)[number];

export interface BenchOptions {
  suites: Suite[];
  /** Interleaved rounds of each comparison. */
  reps: number;
  /** Measured seconds of each run, after the warm-up. */
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Requests per second of the fixed-rate latency stretch (0: none). */
  rate: number;
  /** Overhead configurations to run (names), all when undefined. */
  configs: string[] | undefined;
  /**
   * Builds to compare, fully instrumented, in order (name and server entry
   * point): each is compared with the one before it.
   */
  compare: { name: string; entry: string }[];
  /** Node or V8 flags for every server the overhead suite starts (e.g. --single-threaded-gc). */
  nodeArgs: string[];
  pin: boolean;
  /** A tiny run that proves the harness works (the test suite's smoke test); its figures mean nothing. */
  smoke: boolean;
}

export const USAGE = `usage: pnpm bench [options]
  --suites LIST        ${SUITES.join(',')} (default: all)
  --reps N             interleaved rounds per comparison (default 5)
  --seconds S          measured seconds per run (default 8)
  --warmup S           warm-up seconds per run (default 15: instrumented servers take 10 s and more
                       to reach their steady speed)
  --connections N      autocannon connections (default 10)
  --rate R             requests/s of the fixed-rate latency stretch after each run (default 1000; 0: none)
  --configs LIST       overhead configurations: off,metrics,metrics+traces,on,on-10%,stock (default: all),
                       telemetry=<TELEMETRY value>[/no-export], spin=<µs> (off plus a busy loop per request)
  --compare LIST       name=path,... builds (packages/server/dist/main.js) run fully instrumented
                       and each compared with the one before it (before/after of a change)
  --node-args FLAGS    Node or V8 flags for every server of the overhead suite ("--single-threaded-gc")
  --no-pin             do not pin the servers and the load generator to different cores
  --smoke              a tiny run that only proves the harness works`;

export class UsageError extends Error {
  override name = 'UsageError';
}

function positive(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, not "${raw}"`);
  }
  return value;
}

function parseCompare(raw: string | undefined): { name: string; entry: string }[] {
  if (raw === undefined) return [];
  return raw.split(',').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--compare wants name=path, not "${pair}"`);
    return { name: pair.slice(0, eq), entry: pair.slice(eq + 1) };
  });
}

function parseNodeArgs(raw: string | undefined): string[] {
  const flags = raw?.split(/\s+/).filter(Boolean) ?? [];
  const notAFlag = flags.find((flag) => !flag.startsWith('-'));
  if (notAFlag !== undefined) throw new UsageError(`--node-args takes flags, not "${notAFlag}"`);
  return flags;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  const suites = (v.suites?.split(',').map((s) => s.trim()) ?? [...SUITES]) as Suite[];
  for (const suite of suites) {
    if (!(SUITES as readonly string[]).includes(suite)) throw new UsageError(`unknown suite "${suite}"`);
  }
  const smoke = v.smoke === true;
  return {
    suites,
    reps: positive('reps', v.reps, smoke ? 1 : 5, true),
    seconds: positive('seconds', v.seconds, smoke ? 0.3 : 8, false),
    // A fresh instrumented server's JIT is still speeding it up 10 s in (docs/benchmarks.md#method).
    warmupSeconds: positive('warmup', v.warmup, smoke ? 0.1 : 15, false),
    connections: positive('connections', v.connections, smoke ? 2 : 10, true),
    rate: v.rate === '0' ? 0 : positive('rate', v.rate, smoke ? 100 : 1000, false),
    // The smoke run keeps the three configurations the overhead line needs.
    configs: v.configs?.split(',').map((c) => c.trim()) ?? (smoke ? ['off', 'on', 'stock'] : undefined),
    compare: parseCompare(v.compare),
    nodeArgs: parseNodeArgs(v['node-args']),
    pin: v['no-pin'] !== true,
    smoke,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    options: {
      suites: { type: 'string' },
      reps: { type: 'string' },
      seconds: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      configs: { type: 'string' },
      compare: { type: 'string' },
      'node-args': { type: 'string' },
      'no-pin': { type: 'boolean' },
      smoke: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
}

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
