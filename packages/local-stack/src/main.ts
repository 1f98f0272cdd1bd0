#!/usr/bin/env node

import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { prometheusUiBase } from './http-apis.ts';
import { UPSTREAM_CHARTS_ENV } from './observability/programs.ts';
import { PrerequisiteError } from './prerequisites.ts';
import { INTERACTIVE_RHYTHM, LOCAL_ENV, portsFromEnv, SettingsError } from './settings.ts';
import { type StackUrls, startLocalStack } from './stack.ts';

/** Where the generated configuration and data go unless LOCAL_STACK_DIR says otherwise (git-ignored). */
const DEFAULT_DIR = join(REPOSITORY_ROOT, '.local', 'stack');

const LABELS: Record<keyof StackUrls, string> = {
  serverApi: 'server API',
  serverMetrics: 'server metrics',
  clientMetrics: 'client metrics',
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  blackboxExporter: 'blackbox exporter',
  probe: 'probed URL',
};

async function main(): Promise<number> {
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  const dir = process.env[LOCAL_ENV.dir] || DEFAULT_DIR;
  try {
    stack = await startLocalStack({
      ports: portsFromEnv(),
      dir,
      rhythm: INTERACTIVE_RHYTHM,
      // Loki's ingester alone waits 15 s after joining its ring before it is ready.
      startTimeoutMs: 180_000,
      observability: {
        environment: 'default',
        ...(process.env[UPSTREAM_CHARTS_ENV] ? { upstreamDir: process.env[UPSTREAM_CHARTS_ENV] } : {}),
      },
      ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT
        ? { otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT }
        : {}),
    });
  } catch (error) {
    if (error instanceof PrerequisiteError || error instanceof SettingsError) {
      console.error(`local stack: cannot start:\n${error.message}`);
      return 1;
    }
    console.error(`local stack: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log('\nMenagerie, local stack (Ctrl-C stops it):');
  for (const [key, url] of Object.entries(stack.urls)) {
    console.log(`  ${LABELS[key as keyof StackUrls].padEnd(18)} ${url}`);
  }
  const ui = await prometheusUiBase(stack.urls.prometheus).catch(() => `${stack.urls.prometheus}/`);
  console.log(`  ${'Prometheus alerts'.padEnd(18)} ${ui}alerts`);
  // Debian's Alertmanager has no web UI: its API and amtool show the alerts.
  console.log(`  ${'Alertmanager API'.padEnd(18)} ${stack.urls.alertmanager}/api/v2/alerts`);
  console.log(`  ${''.padEnd(18)} amtool --alertmanager.url=${stack.urls.alertmanager} alert query`);
  const lgtm = stack.observability;
  if (lgtm?.urls.grafana) {
    console.log(
      `  ${'Grafana'.padEnd(18)} ${lgtm.urls.grafana}  login: ${lgtm.grafanaLogin?.user} / ${lgtm.grafanaLogin?.password}`,
    );
    console.log(
      `  ${''.padEnd(18)} dashboards in the Menagerie folder; Explore for Loki logs and Tempo traces`,
    );
  }
  if (lgtm?.urls.loki) console.log(`  ${'Loki'.padEnd(18)} ${lgtm.urls.loki}`);
  if (lgtm?.urls.tempo) console.log(`  ${'Tempo'.padEnd(18)} ${lgtm.urls.tempo} (OTLP ${lgtm.otlpEndpoint})`);
  if (lgtm?.urls.promtail) console.log(`  ${'promtail'.padEnd(18)} ${lgtm.urls.promtail}`);
  console.log(`  ${'configuration'.padEnd(18)} ${dir}\n`);

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const why = await Promise.race([stopped, stack.failed]);
  // Further signals (Ctrl-C reaches the whole process group) are absorbed while stopping.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
  console.log(`local stack: stopping (${why})`);
  return stack.stop();
}

process.exitCode = await main();
