import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPECIES } from '@menagerie/animals';
import { SCENARIOS } from '@menagerie/client';
import { CLIENT_ENV, OTEL_ENV, SERVER_ENV } from '@menagerie/contract';
import { BENCH_STORE_CAPACITY, SERVER_MAIN } from '../configs.ts';
import { startOtlpSink } from '../otlp-endpoints.ts';
import { cpuSeconds, onCore } from '../proc.ts';
import { summaryLine } from '../report.ts';
import { startServerProcess } from '../server-process.ts';

const CLIENT_MAIN = fileURLToPath(new URL('./main.js', import.meta.resolve('@menagerie/client')));

export interface SlowServerCase {
  rate: number;
  maxInFlight: number;
  /** Every registration is delayed log-normally with this median and 99th percentile. */
  medianMs: number;
  p99Ms: number;
}

export interface ClientAccuracyOptions {
  /** Requested rates, lowest first; the sweep stops after the first the client cannot keep. */
  rates: readonly number[];
  seconds: number;
  slow: readonly SlowServerCase[];
  serverCore: number | undefined;
  clientCore: number | undefined;
  print: (line: string) => void;
  progress: (line: string) => void;
}

interface ClientRun {
  summary: Record<string, number>;
  cpuSeconds: number;
}

/** Runs the real client (its own process, as deployed) for `seconds` and returns its summary line. */
async function runClient(env: Record<string, string>, core: number | undefined): Promise<ClientRun> {
  const [command, args] = onCore(core, process.execPath, [CLIENT_MAIN]);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-4000);
  });
  let cpu = 0;
  const sampler = setInterval(() => {
    try {
      cpu = cpuSeconds(child.pid as number);
    } catch {
      // Exited between two samples.
    }
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  if (code !== 0) throw new Error(`client exited with ${code}: ${err}`);
  const summary = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line.msg === 'summary');
  if (!summary) throw new Error(`client printed no summary: ${err}`);
  return { summary: summary as Record<string, number>, cpuSeconds: cpu };
}

const onlyRegistrations = JSON.stringify(
  Object.fromEntries(SCENARIOS.map((scenario) => [scenario, scenario === 'valid_animal' ? 1 : 0])),
);

/**
 * The traffic client's accuracy: the rate it achieves against the rate
 * asked, up to what one core lets it drive; then, against a server made
 * slow, how the in-flight cap shows as unsent requests and latency measured
 * from the scheduled send time, never as a quietly lower rate.
 */
export async function runClientAccuracy(options: ClientAccuracyOptions): Promise<void> {
  const sink = await startOtlpSink();
  const dir = mkdtempSync(join(tmpdir(), 'menagerie-bench-client-'));
  const clientEnv = (serverUrl: string, rate: number): Record<string, string> => ({
    [CLIENT_ENV.serverUrl]: serverUrl,
    [CLIENT_ENV.rate]: String(rate),
    [CLIENT_ENV.duration]: String(options.seconds),
    [CLIENT_ENV.port]: '0',
    [CLIENT_ENV.telemetry]: 'on',
    [OTEL_ENV.endpoint]: sink.endpoint,
  });
  try {
    const server = await startServerProcess(
      {
        entry: SERVER_MAIN,
        env: {
          [SERVER_ENV.telemetry]: 'off',
          [SERVER_ENV.faults]: 'off',
          [SERVER_ENV.storeCapacity]: String(BENCH_STORE_CAPACITY),
        },
      },
      options.serverCore,
    );
    try {
      for (const rate of options.rates) {
        const { summary, cpuSeconds: cpu } = await runClient(clientEnv(server.url, rate), options.clientCore);
        const achieved = summary.achieved_rps as number;
        options.progress(`client at ${rate}/s: ${achieved}/s, ${summary.unsent} unsent`);
        options.print(
          summaryLine('client rate', {
            target_rps: rate,
            achieved_rps: achieved,
            ratio: achieved / rate,
            unsent: summary.unsent as number,
            p50_ms: summary.p50_ms as number,
            p99_ms: summary.p99_ms as number,
            client_cpu_share: cpu / options.seconds,
          }),
        );
        if (achieved / rate < 0.9) break;
      }
    } finally {
      await server.stop();
    }

    for (const slow of options.slow) {
      const profile = join(dir, 'slow.json');
      const latency = { medianMs: slow.medianMs, p99Ms: slow.p99Ms };
      writeFileSync(
        profile,
        JSON.stringify({ species: Object.fromEntries(SPECIES.map((s) => [s, { latency }])) }),
      );
      const slowServer = await startServerProcess(
        {
          entry: SERVER_MAIN,
          env: {
            [SERVER_ENV.telemetry]: 'off',
            [SERVER_ENV.faults]: 'on',
            [SERVER_ENV.behaviourProfile]: profile,
            [SERVER_ENV.storeCapacity]: String(BENCH_STORE_CAPACITY),
          },
        },
        options.serverCore,
      );
      try {
        const { summary } = await runClient(
          {
            ...clientEnv(slowServer.url, slow.rate),
            [CLIENT_ENV.maxInFlight]: String(slow.maxInFlight),
            [CLIENT_ENV.scenarioWeights]: onlyRegistrations,
            // Retirements (fast deletes) would take slots from the slow registrations.
            [CLIENT_ENV.populationLimit]: '1000000',
          },
          options.clientCore,
        );
        const scheduled = summary.scheduled as number;
        // Little's law: at most maxInFlight / (mean latency) requests per second can be outstanding.
        const meanSeconds =
          (slow.medianMs * Math.exp(Math.log(slow.p99Ms / slow.medianMs) ** 2 / (2 * 2.326 ** 2))) / 1000;
        const expectedUnsent = Math.max(0, 1 - slow.maxInFlight / (slow.rate * meanSeconds));
        options.print(
          summaryLine('client slow server', {
            target_rps: slow.rate,
            max_in_flight: slow.maxInFlight,
            server_median_ms: slow.medianMs,
            server_p99_ms: slow.p99Ms,
            sent_rps: summary.achieved_rps as number,
            unsent: summary.unsent as number,
            unsent_share: (summary.unsent as number) / scheduled,
            expected_unsent_share: expectedUnsent,
            p50_ms: summary.p50_ms as number,
            p99_ms: summary.p99_ms as number,
          }),
        );
      } finally {
        await slowServer.stop();
      }
    }
  } finally {
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
