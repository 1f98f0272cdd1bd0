/**
 * A real Prometheus (the `prometheus` binary on PATH) on a loopback port,
 * scraping the given targets every second with the target labels our
 * ServiceMonitors produce, and loading the given rule files.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGET_LABEL } from '@menagerie/contract';
import { prometheusApi } from '@menagerie/tools/prometheus-api';
import { stringify } from 'yaml';
import { freePort } from './server.ts';

export interface RunningPrometheus {
  readonly url: URL;
  /** Waits until every active target of `job` has this health, as the API reports it. */
  waitForHealth(job: string, health: 'up' | 'down'): Promise<void>;
  /** Waits until an instant query returns this many series. */
  waitForSeries(expr: string, count: number): Promise<void>;
  stop(): Promise<void>;
}

export interface PrometheusSetup {
  readonly namespace: string;
  readonly targets: Readonly<Record<string, URL>>;
  readonly ruleFiles: string;
}

const WAIT_MS = 15_000;

export async function startPrometheus(setup: PrometheusSetup): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'menagerie-e2e-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [setup.ruleFiles],
    scrape_configs: Object.entries(setup.targets).map(([job, url]) => ({
      job_name: job,
      static_configs: [{ targets: [url.host], labels: { [TARGET_LABEL.namespace]: setup.namespace } }],
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = new URL(`http://127.0.0.1:${port}`);
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`cannot start prometheus: ${error.message}`)));
  });

  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      spawnError,
      until(
        () => prometheusApi(url.href).ready(),
        'Prometheus to be ready',
        () => log,
      ),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    stop,
    waitForHealth: (job, health) =>
      until(
        async () => {
          const targets = await prometheusApi(url.href).targets();
          const ours = targets.filter((t) => t.labels[TARGET_LABEL.job] === job);
          return ours.length > 0 && ours.every((t) => t.health === health);
        },
        `${job} to be ${health}`,
        () => log,
      ),
    waitForSeries: (expr, count) =>
      until(
        async () => {
          const answer = await prometheusApi(url.href).query(expr);
          return answer.resultType === 'vector' && answer.result.length === count;
        },
        `${expr} to return ${count} series`,
        () => log,
      ),
  };
}

async function until(condition: () => Promise<boolean>, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; prometheus said:\n${log()}`);
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
