#!/usr/bin/env node
import { availableParallelism, loadavg } from 'node:os';
import { type BenchOptions, parseBenchArgs, USAGE, UsageError, wantsHelp } from './args.ts';
import {
  adHocConfig,
  type BenchConfig,
  baselineOf,
  FULL,
  OVERHEAD_CONFIGS,
  REGISTRATIONS,
} from './configs.ts';
import { planCpus } from './proc.ts';
import { runOverhead } from './suites/overhead.ts';

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
  if (options.baselineEntry) configs.push(baselineOf(FULL, options.baselineEntry));
  return configs;
}

async function main(argv: readonly string[]): Promise<void> {
  if (wantsHelp(argv)) {
    print(USAGE);
    return;
  }
  const options = parseBenchArgs(argv);
  const cores = availableParallelism();
  const cpus = planCpus(options.pin);
  const [load1] = loadavg();
  print(
    `bench machine: node=${process.version} cores=${cores} load1=${load1?.toFixed(2)} ` +
      `pinning="${cpus.note}" smoke=${options.smoke}`,
  );
  const plan = {
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    seconds: options.seconds,
    requests: REGISTRATIONS,
    core: cpus.server,
  };
  if (options.suites.includes('overhead')) {
    await runOverhead({ configs: overheadConfigs(options), reps: options.reps, plan, print, progress });
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
