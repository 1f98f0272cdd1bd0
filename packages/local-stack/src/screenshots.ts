#!/usr/bin/env node

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ALERT, DASHBOARD_UID, DATASOURCE_UID } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { DEFAULT_SUBSTITUTIONS, listPanelQueries, substituteVariables } from '@menagerie/monitoring/inspect';
import { exemplarTraceIds } from '@menagerie/tools/e2e/checks/links';
import { serverLatencyBuckets } from '@menagerie/tools/e2e/cli';
import { CHROMIUM_ARGS, grafanaPhotographer, grafanaShots } from './grafana-shots.ts';
import { type AlertmanagerAlert, prometheusUiBase, waitUntil } from './http-apis.ts';
import { UPSTREAM_CHARTS_ENV } from './observability/programs.ts';
import { findOnPath } from './prerequisites.ts';
import { portsFromEnv } from './settings.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/**
 * Refreshes the README's screenshots (scripts/screenshots.sh runs this): the
 * local stack with a healthy release, then the bad release rolled out; once
 * its alerts fire, headless Chromium photographs Prometheus' graph of the RED
 * queries and Prometheus' alerts page. Debian's Alertmanager ships without its
 * web UI, so the third picture is a page made here from Alertmanager's v2 API.
 */

const run = promisify(execFile);
const IMAGES = join(REPOSITORY_ROOT, 'docs', 'images');
const HEALTHY_SECONDS = 90;
const AFTER_ALERTS_SECONDS = 30;
const WIDTH = 1280;
const BAD_PROFILE = fileURLToPath(new URL('../../server/profiles/bad-release-errors.yaml', import.meta.url));

/** The RED queries of the service overview dashboard, as Grafana would send them. */
function redQueries(): string[] {
  const panels = listPanelQueries().filter((q) => q.dashboardUid === DASHBOARD_UID.overview);
  const pick = (title: string, refId = 'A') => {
    const panel = panels.find((p) => p.panelTitle === title && p.refId === refId);
    if (!panel) throw new Error(`the overview dashboard has no panel "${title}" (${refId})`);
    return substituteVariables(panel.query, { ...DEFAULT_SUBSTITUTIONS, __rate_interval: '1m' });
  };
  return [pick('Requests by route'), pick('5xx ratio by route'), pick('API latency p50 / p90 / p99', 'C')];
}

function graphUrl(uiBase: string, queries: readonly string[]): string {
  const params = new URLSearchParams();
  queries.forEach((expr, i) => {
    params.set(`g${i}.expr`, expr);
    params.set(`g${i}.tab`, '0');
    params.set(`g${i}.range_input`, '4m');
  });
  return `${uiBase}graph?${params}`;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Alertmanager's view of the alerts, as its v2 API gives them. */
function alertmanagerPage(url: string, alerts: readonly AlertmanagerAlert[]): string {
  const nameOf = new Map(alerts.map((a) => [a.fingerprint, a.labels.alertname]));
  const rows = alerts
    .map((a) => {
      const inhibitedBy = a.status.inhibitedBy.map((f) => nameOf.get(f) ?? f).join(', ');
      const state =
        a.status.state === 'suppressed' ? `suppressed (inhibited by ${inhibitedBy})` : a.status.state;
      return `<tr class="${a.status.state}"><td><b>${escapeHtml(a.labels.alertname ?? '')}</b></td>
        <td>${escapeHtml(a.labels.severity ?? '')}</td><td>${escapeHtml(state)}</td>
        <td>${escapeHtml(a.receivers.map((r) => r.name).join(', '))}</td>
        <td>${escapeHtml(
          Object.entries(a.labels)
            .filter(([k]) => !['alertname', 'severity'].includes(k))
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        )}</td>
        <td>${escapeHtml(a.annotations.summary ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
    body { font-family: sans-serif; margin: 24px; color: #222; }
    h1 { font-size: 22px; margin: 0 0 4px; } p { color: #555; margin: 0 0 16px; font-size: 14px; }
    table { border-collapse: collapse; width: 100%; font-size: 14px; }
    th, td { text-align: left; padding: 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
    th { background: #f3f3f3; } tr.active td:first-child { border-left: 6px solid #d9534f; }
    tr.suppressed td:first-child { border-left: 6px solid #aaa; } tr.suppressed { color: #777; }
    code { background: #f3f3f3; padding: 1px 4px; }
  </style></head><body>
  <h1>Alertmanager: ${alerts.length} alerts</h1>
  <p>What <code>GET ${escapeHtml(url)}/api/v2/alerts</code> answers (Debian's Alertmanager ships without its web UI;
  <code>amtool alert query</code> shows the same).</p>
  <table><tr><th>alert</th><th>severity</th><th>state</th><th>receiver</th><th>labels</th><th>summary</th></tr>
  ${rows}</table></body></html>`;
}

async function screenshot(chromium: string, url: string, file: string, height: number): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'menagerie-chromium-'));
  try {
    await run(
      chromium,
      [
        '--headless',
        ...CHROMIUM_ARGS,
        `--user-data-dir=${profile}`,
        '--hide-scrollbars',
        `--window-size=${WIDTH},${height}`,
        // Lets the single-page UIs fetch their data and draw before the picture is taken.
        '--virtual-time-budget=15000',
        `--screenshot=${file}`,
        url,
      ],
      { timeout: 90_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  if (findOnPath('optipng')) await run('optipng', ['-quiet', '-o2', file]);
  console.log(`wrote ${relative(process.cwd(), file)} (${Math.round(statSync(file).size / 1024)} KiB)`);
}

/** What Grafana's alert views read: the Prometheus datasource's rules and the Alertmanager datasource's alerts. */
async function printGrafanaAlerts(grafana: string, login: { user: string; password: string }): Promise<void> {
  const headers = {
    authorization: `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`,
  };
  const get = async (path: string) =>
    (await fetch(`${grafana}${path}`, { headers })).json() as Promise<Record<string, unknown>>;
  const rules = (await get(`/api/prometheus/${DATASOURCE_UID.prometheus}/api/v1/rules`)) as {
    data?: { groups?: { rules?: { name: string; state?: string }[] }[] };
  };
  const firing = (rules.data?.groups ?? []).flatMap((g) => g.rules ?? []).filter((r) => r.state === 'firing');
  console.log(
    `Grafana, Prometheus datasource rules firing: ${firing.map((r) => r.name).join(', ') || 'none'}`,
  );
  const alerts = (await get(`/api/alertmanager/${DATASOURCE_UID.alertmanager}/api/v2/alerts`)) as unknown as {
    labels: Record<string, string>;
    status: { state: string };
  }[];
  console.log(
    `Grafana, Alertmanager datasource alerts: ${alerts.map((a) => `${a.labels.alertname} (${a.labels.severity}, ${a.status.state})`).join(', ') || 'none'}`,
  );
}

/** Grafana's dashboards, Explore on logs and a trace, the service graph and the alerts, when Grafana runs. */
async function photographGrafana(stack: LocalStack): Promise<void> {
  const grafana = stack.observability?.urls.grafana;
  const login = stack.observability?.grafanaLogin;
  if (!grafana || !login) {
    console.log('Grafana is not running (see the lines above): no Grafana pictures');
    return;
  }
  const [traceId] = await exemplarTraceIds(new URL(stack.urls.prometheus), serverLatencyBuckets(), 10);
  if (!traceId) throw new Error('no exemplar trace id to open in Tempo');
  await printGrafanaAlerts(grafana, login);
  const photographer = await grafanaPhotographer(grafana, login);
  try {
    for (const shot of grafanaShots(traceId)) await photographer.shoot(shot, join(IMAGES, shot.file));
  } finally {
    await photographer.close();
  }
}

async function main(): Promise<void> {
  const chromium = findOnPath('chromium');
  if (!chromium) throw new Error('chromium is not on PATH (Debian package chromium)');
  mkdirSync(IMAGES, { recursive: true });
  const upstreamDir = process.env[UPSTREAM_CHARTS_ENV];
  const stack = await startLocalStack({
    ports: portsFromEnv(),
    dir: join(REPOSITORY_ROOT, '.local', 'screenshots'),
    rhythm: { scrapeInterval: '2s', evaluationInterval: '2s' },
    release: { version: '1.0.0' },
    clientEnv: { RATE: '20' },
    out: process.stderr,
    startTimeoutMs: 180_000,
    observability: { environment: 'default', ...(upstreamDir ? { upstreamDir } : {}) },
  });
  try {
    console.log(`healthy release for ${HEALTHY_SECONDS}s…`);
    await new Promise((r) => setTimeout(r, HEALTHY_SECONDS * 1000));
    console.log('rolling out the bad release…');
    await stack.rollOut({ version: '1.0.1-bad', behaviourProfile: BAD_PROFILE });
    await waitUntil(
      'the availability burn-rate alerts in Alertmanager',
      async () => {
        const names = new Set((await stack.alertmanager.alerts()).map((a) => a.labels.alertname));
        return names.has(ALERT.availabilityFastBurn) ? true : undefined;
      },
      240_000,
      2000,
    );
    await new Promise((r) => setTimeout(r, AFTER_ALERTS_SECONDS * 1000));
    const ui = await prometheusUiBase(stack.urls.prometheus);
    await screenshot(chromium, graphUrl(ui, redQueries()), join(IMAGES, 'prometheus-red.png'), 2460);
    const page = join(REPOSITORY_ROOT, '.local', 'screenshots', 'alertmanager.html');
    writeFileSync(page, alertmanagerPage(stack.urls.alertmanager, await stack.alertmanager.alerts()));
    await screenshot(chromium, `file://${page}`, join(IMAGES, 'alertmanager.png'), 360);
    await photographGrafana(stack);
  } finally {
    await stack.stop();
  }
}

try {
  await main();
} catch (error) {
  console.error(`screenshots: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
