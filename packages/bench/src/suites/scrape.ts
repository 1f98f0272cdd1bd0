import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTEL_ENV, PATHS, SERVER_ENV, SERVER_METRICS } from '@menagerie/contract';
import { SERVER_MAIN } from '../configs.ts';
import { drive } from '../load.ts';
import { everyRouteMix, everyStatusProfile, hostileMix } from '../mixes.ts';
import { startOtlpSink } from '../otlp-endpoints.ts';
import { summaryLine } from '../report.ts';
import { type ServerProcess, startServerProcess } from '../server-process.ts';
import { spread } from '../stats.ts';

export interface ScrapeOptions {
  seconds: number;
  connections: number;
  /** Scrapes timed per format. */
  scrapes: number;
  core: number | undefined;
  print: (line: string) => void;
  progress: (line: string) => void;
}

const FORMATS = {
  text: 'text/plain;version=0.0.4',
  openmetrics: 'application/openmetrics-text;version=1.0.0',
} as const;

/** Samples (series) in an exposition: every line that is neither a comment nor empty. */
export function seriesCount(body: string): number {
  return body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}

/** The series (name and labels) of an exposition. */
function seriesNames(body: string): Set<string> {
  return new Set(
    body
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.slice(0, line.lastIndexOf(' '))),
  );
}

function labelValues(body: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  const pattern = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"`, 'gm');
  for (const match of body.matchAll(pattern)) values.add(match[1] as string);
  return values;
}

async function scrapeCost(server: ServerProcess, scrapes: number, accept: string) {
  const wallMs: number[] = [];
  let body = '';
  const cpuBefore = server.cpuSeconds();
  for (let i = 0; i < scrapes; i++) {
    const started = performance.now();
    const response = await fetch(`${server.url}${PATHS.metrics}`, { headers: { accept } });
    body = await response.text();
    wallMs.push(performance.now() - started);
  }
  const cpuMs = ((server.cpuSeconds() - cpuBefore) * 1000) / scrapes;
  return { wallMs: spread(wallMs), cpuMs, bytes: Buffer.byteLength(body), series: seriesCount(body), body };
}

/**
 * The cost of a scrape after traffic that exercised every route, species
 * and status code (with injected 5xx on every species and a store small
 * enough to fill), then again after as much hostile traffic: the series
 * count must not move.
 */
export async function runScrape(options: ScrapeOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'menagerie-bench-'));
  const profile = join(dir, 'every-status.json');
  writeFileSync(profile, everyStatusProfile());
  const sink = await startOtlpSink();
  const server = await startServerProcess(
    {
      entry: SERVER_MAIN,
      env: {
        [SERVER_ENV.telemetry]: 'on',
        [SERVER_ENV.faults]: 'on',
        [SERVER_ENV.behaviourProfile]: profile,
        [SERVER_ENV.storeCapacity]: '500',
        [OTEL_ENV.endpoint]: sink.endpoint,
        [OTEL_ENV.sampler]: 'always_on',
      },
    },
    options.core,
  );
  try {
    const mixed = await drive({
      url: server.url,
      connections: options.connections,
      seconds: options.seconds,
      requests: everyRouteMix(),
    });
    options.progress(
      `every-route mix: ${mixed.responses} answers, statuses ${Object.keys(mixed.statuses).join(' ')}`,
    );
    const afterMix = {
      text: await scrapeCost(server, options.scrapes, FORMATS.text),
      openmetrics: await scrapeCost(server, options.scrapes, FORMATS.openmetrics),
    };
    // Two equal stretches of hostile traffic: the first may still meet a
    // bounded label combination the mix above did not (a PATCH answered 405),
    // the second must add nothing.
    const hostile = { responses: 0 };
    const seriesAfterHostile: number[] = [];
    let before = seriesNames(afterMix.text.body);
    for (let stretch = 0; stretch < 2; stretch++) {
      const result = await drive({
        url: server.url,
        connections: options.connections,
        seconds: options.seconds / 2,
        requests: hostileMix(),
      });
      hostile.responses += result.responses;
      const after = await scrapeCost(server, 1, FORMATS.text);
      seriesAfterHostile.push(after.series);
      const names = seriesNames(after.body);
      const added = [...names].filter((name) => !before.has(name));
      options.progress(
        `hostile stretch ${stretch + 1}: ${result.responses} answers, new series: ${added.join(' ') || 'none'}`,
      );
      before = names;
    }
    options.progress(`hostile mix: ${hostile.responses} answers`);

    const durations = `${SERVER_METRICS.requestDuration.name}_count`;
    const body = afterMix.text.body;
    options.print(
      summaryLine('scrape coverage', {
        requests: mixed.responses,
        routes: [...labelValues(body, durations, 'route')].sort().join(','),
        status_codes: [...labelValues(body, durations, 'status_code')].sort().join(','),
        species: labelValues(body, `${SERVER_METRICS.animalDuration.name}_count`, 'species').size,
      }),
    );
    for (const [format, cost] of Object.entries(afterMix)) {
      options.print(
        summaryLine('scrape', {
          format,
          wall_ms: cost.wallMs,
          cpu_ms: cost.cpuMs,
          bytes: cost.bytes,
          series: cost.series,
          scrapes: options.scrapes,
        }),
      );
    }
    options.print(
      summaryLine('cardinality', {
        series_after_every_route: afterMix.text.series,
        series_after_hostile_1: seriesAfterHostile[0] as number,
        series_after_hostile_2: seriesAfterHostile[1] as number,
        hostile_requests: hostile.responses,
        growth_in_last_stretch: (seriesAfterHostile[1] as number) - (seriesAfterHostile[0] as number),
      }),
    );
  } finally {
    await server.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
