import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AVAILABILITY_SLO, COMMON_METRICS, LABEL, SERVER, SERVER_METRICS } from '@menagerie/contract';
import { promqlSyntaxErrors, selectedMetricNames } from '@menagerie/monitoring/inspect';
import { prometheusApi } from '@menagerie/tools/prometheus-api';
import {
  buildInfoQuery,
  ERROR_BUDGET_RATIO,
  errorRatioQuery,
  meets,
  type Observation,
  watch,
} from '@menagerie/tools/slo-watch';
import { expect } from 'chai';

/** One state of the fake Prometheus: the error ratio (or none), the running versions, the alerts. */
interface Moment {
  readonly ratio?: number;
  readonly versions: string[];
  readonly alerts?: { alertname: string; state: string; job?: string }[];
}

/**
 * A Prometheus stand-in on loopback. Each poll asks for the error ratio, the
 * build info and the alerts, concurrently: the n-th request of each kind sees
 * the n-th moment (the last one from then on), whatever order they arrive in.
 */
async function fakePrometheus(
  moments: readonly Moment[],
): Promise<{ url: string; server: Server; queries: string[] }> {
  const asked = { ratio: 0, builds: 0, alerts: 0 };
  const momentFor = (kind: keyof typeof asked) => {
    asked[kind] += 1;
    return moments[Math.min(asked[kind], moments.length) - 1] as Moment;
  };
  const queries: string[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    // Prometheus takes the parameters in the query string or, as the client sends them, a form.
    let form = '';
    for await (const chunk of request) form += String(chunk);
    for (const [name, value] of new URLSearchParams(form)) url.searchParams.append(name, value);
    const send = (data: unknown) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ status: 'success', data }));
    };
    if (url.pathname === '/api/v1/query') {
      const query = url.searchParams.get('query') ?? '';
      queries.push(query);
      if (query === errorRatioQuery()) {
        const moment = momentFor('ratio');
        const result = moment.ratio === undefined ? [] : [{ metric: {}, value: [0, String(moment.ratio)] }];
        return send({ resultType: 'vector', result });
      }
      const result = momentFor('builds').versions.map((version) => ({
        metric: { [LABEL.version]: version },
        value: [0, '1'],
      }));
      return send({ resultType: 'vector', result });
    }
    if (url.pathname === '/api/v1/alerts') {
      const alerts = (momentFor('alerts').alerts ?? []).map(({ state, ...labels }) => ({ labels, state }));
      return send({ alerts });
    }
    response.statusCode = 404;
    response.end(JSON.stringify({ status: 'error', error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, queries };
}

const noSleep = async () => {};

describe('the rollback demo SLO watch', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  it('allows the error ratio the availability SLO allows', () => {
    expect(ERROR_BUDGET_RATIO).to.be.closeTo(1 - AVAILABILITY_SLO.objective, 1e-12);
  });

  it("queries the availability SLI on the server's histogram and its build info, by the contract's names", () => {
    const query = errorRatioQuery('2m');
    expect(promqlSyntaxErrors(query)).to.deep.equal([]);
    expect([...new Set(selectedMetricNames(query))]).to.deep.equal([
      `${SERVER_METRICS.requestDuration.name}_count`,
    ]);
    expect(query).to.include('[2m]');
    expect(buildInfoQuery()).to.equal(`${COMMON_METRICS.buildInfo.name}{job="${SERVER.name}"}`);
  });

  it('sees a breach only when the bad version runs and the ratio is over budget', () => {
    const seen = (errorRatio: number | undefined, versions: string[]): Observation => ({
      errorRatio,
      versions,
      alerts: [],
    });
    const t = ERROR_BUDGET_RATIO;
    expect(meets(seen(0.2, ['1.0.0-bad']), 'breach', '1.0.0-bad', t)).to.equal(true);
    expect(meets(seen(0.2, ['1.0.0', '1.0.0-bad']), 'breach', '1.0.0-bad', t)).to.equal(true);
    expect(
      meets(seen(0.2, ['1.0.0']), 'breach', '1.0.0-bad', t),
      'errors, but not from the new version',
    ).to.equal(false);
    expect(meets(seen(t / 2, ['1.0.0-bad']), 'breach', '1.0.0-bad', t)).to.equal(false);
    expect(
      meets(seen(undefined, ['1.0.0-bad']), 'breach', '1.0.0-bad', t),
      'no traffic proves nothing',
    ).to.equal(false);
  });

  it('sees health only when the good version alone runs within budget', () => {
    const seen = (errorRatio: number | undefined, versions: string[]): Observation => ({
      errorRatio,
      versions,
      alerts: [],
    });
    const t = ERROR_BUDGET_RATIO;
    expect(meets(seen(0, ['1.0.0']), 'healthy', '1.0.0', t)).to.equal(true);
    expect(
      meets(seen(0, ['1.0.0', '1.0.0-bad']), 'healthy', '1.0.0', t),
      'the bad pods are still there',
    ).to.equal(false);
    expect(meets(seen(t * 2, ['1.0.0']), 'healthy', '1.0.0', t)).to.equal(false);
    expect(meets(seen(undefined, ['1.0.0']), 'healthy', '1.0.0', t)).to.equal(false);
    expect(meets(seen(0, []), 'healthy', '1.0.0', t)).to.equal(false);
  });

  it('watches through a breakage with its alerts, and then the recovery, logging each poll', async () => {
    const prometheus = await fakePrometheus([
      { ratio: 0.001, versions: ['1.0.0'] },
      { ratio: 0.001, versions: ['1.0.0', '1.0.0-bad'] },
      {
        ratio: 0.12,
        versions: ['1.0.0-bad'],
        alerts: [
          { alertname: 'MenagerieErrorBudgetBurn', state: 'pending', job: SERVER.name },
          { alertname: 'Watchdog', state: 'firing' },
        ],
      },
      { ratio: 0.05, versions: ['1.0.0'] },
      { ratio: 0.002, versions: ['1.0.0'] },
    ]);
    servers.push(prometheus.server);
    const api = prometheusApi(prometheus.url);
    const lines: string[] = [];
    const common = { api, threshold: ERROR_BUDGET_RATIO, timeoutMs: 10_000, intervalMs: 0, sleep: noSleep };
    const breach = await watch({
      ...common,
      expectation: 'breach',
      version: '1.0.0-bad',
      log: (l) => lines.push(l),
    });
    expect(breach.errorRatio).to.equal(0.12);
    expect(breach.alerts).to.deep.equal([{ name: 'MenagerieErrorBudgetBurn', state: 'pending' }]);
    expect(lines).to.have.length(3);
    expect(lines[2])
      .to.include('error ratio 12.00% (SLO allows 0.50%)')
      .and.include('MenagerieErrorBudgetBurn (pending)');
    const healthy = await watch({
      ...common,
      expectation: 'healthy',
      version: '1.0.0',
      log: (l) => lines.push(l),
    });
    expect(healthy.errorRatio).to.equal(0.002);
    expect(lines).to.have.length(5);
  });

  it('gives up when the time is up, saying what it saw last', async () => {
    const prometheus = await fakePrometheus([{ ratio: 0, versions: ['1.0.0'] }]);
    servers.push(prometheus.server);
    let message = '';
    await watch({
      api: prometheusApi(prometheus.url),
      expectation: 'breach',
      version: '1.0.0-bad',
      threshold: ERROR_BUDGET_RATIO,
      timeoutMs: 0,
      intervalMs: 0,
      sleep: noSleep,
      log: () => {},
    }).catch((error: Error) => {
      message = error.message;
    });
    expect(message).to.include('no breach of version 1.0.0-bad').and.include('error ratio 0.00%');
  });

  it('reports a Prometheus that answers with an error, and keeps polling', async () => {
    const prometheus = await fakePrometheus([{ ratio: 0, versions: ['1.0.0'] }]);
    servers.push(prometheus.server);
    const api = prometheusApi(`${prometheus.url}/wrong-prefix`);
    const lines: string[] = [];
    let polls = 0;
    await watch({
      api,
      expectation: 'healthy',
      version: '1.0.0',
      threshold: ERROR_BUDGET_RATIO,
      timeoutMs: 50,
      intervalMs: 0,
      sleep: async () => {
        polls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      log: (line) => lines.push(line),
    }).catch(() => {});
    expect(polls).to.be.greaterThan(0);
    expect(lines[0]).to.include('Prometheus not answering').and.include('404');
  });
});
