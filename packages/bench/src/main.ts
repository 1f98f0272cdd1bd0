#!/usr/bin/env node
import { availableParallelism, loadavg } from 'node:os';
import { type BenchOptions, parseBenchArgs, USAGE, UsageError, wantsHelp } from './args.ts';
import {
  adHocConfig,
  type BenchConfig,
  buildOf,
  FULL,
  OVERHEAD_CONFIGS,
  REGISTRATIONS,
  withNodeArgs,
} from './configs.ts';
import { planCpus } from './proc.ts';
import { summaryLine } from './report.ts';
import { runClientAccuracy } from './suites/client-accuracy.ts';
import { EXPORTER_DOWN_MIN_SECONDS, runExporterDown } from './suites/exporter-down.ts';
import { runOverhead } from './suites/overhead.ts';
import { runScrape } from './suites/scrape.ts';

const print = (line: string) => console.log(line);
const progress = (line: string) => console.error(`  … ${line}`);

function overheadConfigs(options: BenchOptions): BenchConfig[] {
  let configs = [...OVERHEAD_CONFIGS];
  if (options.configs) {
    configs = options.configs.map((name) => {
      const config = OVERHEAD_CONFIGS.find((c) => c.name === name) ?? adHocConfig(name);
      if (!config) throw new UsageError(`unknown configuration "${name}"`);
      return config;
    });
  }
  for (const { name, entry } of options.compare) configs.push(buildOf(FULL, name, entry));
  return configs.map((config) => withNodeArgs(config, options.nodeArgs));
}

async function main(argv: readonly string[]): Promise<void> {
  if (wantsHelp(argv)) {
    print(USAGE);
    return;
  }
  const options = parseBenchArgs(argv);
  const cores = availableParallelism();
  const cpus = planCpus(options.pin);
  print(
    summaryLine('machine', {
      node: process.version,
      cores,
      load1: loadavg()[0] ?? Number.NaN,
      server_core: cpus.server ?? 'any',
      load_core: cpus.load ?? 'any',
      pinning: cpus.note,
      smoke: String(options.smoke),
    }),
  );
  const plan = {
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    requests: REGISTRATIONS,
    core: cpus.server,
    ...(options.rate > 0 ? { fixedRate: options.rate } : {}),
  };
  if (options.suites.includes('overhead')) {
    await runOverhead({
      configs: overheadConfigs(options),
      builds: options.compare.map((c) => c.name),
      reps: options.reps,
      plan,
      print,
      progress,
    });
  }
  if (options.suites.includes('exporter-down')) {
    const seconds = options.smoke ? options.seconds : Math.max(options.seconds, EXPORTER_DOWN_MIN_SECONDS);
    await runExporterDown({ reps: options.reps, plan: { ...plan, seconds }, print, progress });
  }
  if (options.suites.includes('scrape')) {
    await runScrape({
      seconds: options.seconds,
      connections: options.connections,
      scrapes: options.smoke ? 2 : 20,
      core: cpus.server,
      print,
      progress,
    });
  }
  if (options.suites.includes('client')) {
    await runClientAccuracy({
      rates: options.smoke ? [20] : [100, 250, 500, 1000, 2000, 4000, 8000],
      seconds: options.smoke ? 1 : options.seconds,
      slow: options.smoke
        ? [{ rate: 20, maxInFlight: 1, medianMs: 100, p99Ms: 150 }]
        : [
            { rate: 400, maxInFlight: 50, medianMs: 200, p99Ms: 400 },
            { rate: 400, maxInFlight: 1000, medianMs: 200, p99Ms: 400 },
          ],
      serverCore: cpus.server,
      clientCore: cpus.load,
      print,
      progress,
    });
  }
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`bench: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  throw error;
}
