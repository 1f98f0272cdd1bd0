import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { promisify } from 'node:util';
import { DASHBOARD_UID, DATASOURCE_UID, LOKI_LABEL, NAMESPACE, SERVER } from '@menagerie/contract';
import { type Browser, chromium, type Page } from 'playwright-core';
import { findOnPath } from './prerequisites.ts';

/**
 * Photographs Grafana as a person sees it: logged in through its login page,
 * each dashboard at its own URL, Explore with a query. Playwright drives
 * Debian's Chromium (no browser download).
 */

const run = promisify(execFile);
/** Headless Chromium on a closed network: no background services that would try to reach out. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface GrafanaShot {
  readonly file: string;
  /** Path and query under Grafana's root URL. */
  readonly path: string;
  readonly height: number;
}

/** Explore with one query, in the left pane (Grafana 9's URL form, which later versions still read). */
export function explorePath(
  datasourceUid: string,
  query: Record<string, unknown>,
  range = 'now-15m',
): string {
  const left = {
    datasource: datasourceUid,
    queries: [{ refId: 'A', datasource: { uid: datasourceUid }, ...query }],
    range: { from: range, to: 'now' },
  };
  return `/explore?orgId=1&left=${encodeURIComponent(JSON.stringify(left))}`;
}

const dashboardPath = (uid: string, range = 'now-15m') => `/d/${uid}?orgId=1&from=${range}&to=now&kiosk`;

/** LogQL that finds the server's failing requests: the 5xx answers, parsed from its JSON lines. */
export const FAILING_REQUESTS_LOGQL = `{${LOKI_LABEL.namespace}="${NAMESPACE}", ${LOKI_LABEL.app}="${SERVER.name}"} | json | status_code >= 500`;

/** The pictures the README shows, for a trace id to open. */
export function grafanaShots(traceId: string): GrafanaShot[] {
  return [
    { file: 'grafana-overview.png', path: dashboardPath(DASHBOARD_UID.overview), height: 1500 },
    { file: 'grafana-slos.png', path: dashboardPath(DASHBOARD_UID.slos), height: 1300 },
    { file: 'grafana-logs.png', path: dashboardPath(DASHBOARD_UID.logs), height: 1300 },
    {
      file: 'grafana-explore-logs.png',
      path: explorePath(DATASOURCE_UID.loki, { expr: FAILING_REQUESTS_LOGQL, queryType: 'range' }),
      height: 1000,
    },
    {
      file: 'grafana-trace.png',
      path: explorePath(DATASOURCE_UID.tempo, { query: traceId, queryType: 'traceId' }),
      height: 1000,
    },
    {
      file: 'grafana-service-graph.png',
      path: explorePath(DATASOURCE_UID.tempo, { queryType: 'serviceMap' }),
      height: 900,
    },
    { file: 'grafana-traces.png', path: dashboardPath(DASHBOARD_UID.traces), height: 1300 },
    { file: 'grafana-client.png', path: dashboardPath(DASHBOARD_UID.client), height: 1300 },
    { file: 'grafana-alerts.png', path: '/alerting/list?view=list&search=state:firing', height: 900 },
  ];
}

const LOADING = '.panel-loading, [aria-label="Panel loading bar"]';

/**
 * Panels start their queries as they come into view and show a loading
 * indicator until they have drawn: the page has settled when none has shown
 * one for three seconds in a row (at most 90 s).
 */
async function settled(page: Page): Promise<void> {
  let quiet = 0;
  for (let waited = 0; waited < 90 && quiet < 3; waited += 1) {
    await page.waitForTimeout(1000);
    quiet = (await page.locator(LOADING).count()) === 0 ? quiet + 1 : 0;
  }
  // Logs and traces panels draw a moment after their data arrives.
  await page.waitForTimeout(2000);
}

export interface Photographer {
  shoot(shot: GrafanaShot, file: string): Promise<void>;
  close(): Promise<void>;
}

/** A logged-in browser session on Grafana at `grafanaUrl`. */
export async function grafanaPhotographer(
  grafanaUrl: string,
  login: { user: string; password: string },
  width = 1600,
): Promise<Photographer> {
  const executablePath = findOnPath('chromium');
  if (!executablePath) throw new Error('chromium is not on PATH (Debian package chromium)');
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const page: Page = await browser.newPage({ viewport: { width, height: 1000 } });
  await page.goto(`${grafanaUrl}/login`);
  await page.fill('input[name="user"]', login.user);
  await page.fill('input[name="password"]', login.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 30_000 });
  return {
    async shoot(shot, file) {
      await page.setViewportSize({ width, height: shot.height });
      await page.goto(`${grafanaUrl}${shot.path}`, { waitUntil: 'networkidle', timeout: 90_000 });
      // The dashboard is loaded once its spinner is gone, and drawn once no panel shows its loading bar.
      // (Expressions evaluated in the page, where the DOM is.)
      await page.waitForFunction("!document.body.innerText.includes('Cancel loading dashboard')", null, {
        timeout: 90_000,
      });
      await settled(page);
      await page.screenshot({ path: file });
      if (findOnPath('optipng')) await run('optipng', ['-quiet', '-o2', file]);
      console.log(`wrote ${relative(process.cwd(), file)} (${Math.round(statSync(file).size / 1024)} KiB)`);
    },
    close: () => browser.close(),
  };
}
