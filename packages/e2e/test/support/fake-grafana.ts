/**
 * A stand-in for Grafana's HTTP API, as far as the e2e checks use it: basic
 * auth, /api/search, /api/datasources/uid/:uid and /api/ds/query. Queries to a
 * Prometheus datasource are answered by the real Prometheus it points at and
 * shaped as Grafana's data frames, so "a query returns data" depends on what
 * Prometheus really scraped.
 */
import { sendJson, serve, type TestServer } from './server.ts';

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
}

export interface Datasource {
  readonly uid: string;
  readonly type: string;
  readonly name: string;
  readonly url: string;
}

export interface FakeGrafana extends TestServer {
  dashboards: Dashboard[];
  datasources: Datasource[];
  readonly user: string;
  readonly password: string;
}

export async function startFakeGrafana(user: string, password: string): Promise<FakeGrafana> {
  const state = { dashboards: [] as Dashboard[], datasources: [] as Datasource[], user, password };
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = await serve(async (request, response, body) => {
    if (request.headers.authorization !== expected) {
      return sendJson(response, 401, { message: 'Invalid username or password' });
    }
    const url = new URL(request.url ?? '/', 'http://grafana');
    if (request.method === 'GET' && url.pathname === '/api/search') {
      const type = url.searchParams.get('type');
      const hits = state.dashboards.map((d, i) => ({
        id: i + 1,
        uid: d.uid,
        title: d.title,
        uri: `db/${d.uid}`,
        url: `/d/${d.uid}`,
        type: 'dash-db',
        tags: [],
        isStarred: false,
      }));
      return sendJson(response, 200, type === null || type === 'dash-db' ? hits : []);
    }
    const byUid = url.pathname.match(/^\/api\/datasources\/uid\/([^/]+)$/);
    if (request.method === 'GET' && byUid) {
      const ds = state.datasources.find((d) => d.uid === decodeURIComponent(byUid[1] ?? ''));
      if (!ds) return sendJson(response, 404, { message: 'Data source not found' });
      return sendJson(response, 200, { id: 1, orgId: 1, access: 'proxy', isDefault: false, ...ds });
    }
    if (request.method === 'POST' && url.pathname === '/api/ds/query') {
      return sendJson(response, ...(await query(state.datasources, body)));
    }
    return sendJson(response, 404, { message: 'Not found' });
  });
  return Object.assign(state, server);
}

interface QueryRequest {
  queries?: { refId?: string; datasource?: { uid?: string }; expr?: string }[];
}

async function query(datasources: readonly Datasource[], body: string): Promise<[number, unknown]> {
  let request: QueryRequest;
  try {
    request = JSON.parse(body) as QueryRequest;
  } catch {
    return [400, { message: 'bad request data' }];
  }
  const results: Record<string, unknown> = {};
  for (const q of request.queries ?? []) {
    const refId = q.refId ?? 'A';
    const ds = datasources.find((d) => d.uid === q.datasource?.uid);
    if (!ds) return [400, { message: `Query data error: data source not found: ${q.datasource?.uid}` }];
    if (ds.type !== 'prometheus' || typeof q.expr !== 'string') {
      results[refId] = { status: 400, error: 'this fake only runs Prometheus queries' };
      continue;
    }
    const answer = await fetch(new URL(`/api/v1/query?query=${encodeURIComponent(q.expr)}`, ds.url));
    const json = (await answer.json()) as {
      status: string;
      error?: string;
      data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (json.status !== 'success') {
      results[refId] = { status: 400, error: json.error ?? 'query failed', frames: [] };
      continue;
    }
    results[refId] = {
      status: 200,
      frames: (json.data?.result ?? []).map((series) => ({
        schema: {
          refId,
          fields: [
            { name: 'Time', type: 'time' },
            { name: 'Value', type: 'number', labels: series.metric },
          ],
        },
        data: { values: [[series.value[0] * 1000], [Number(series.value[1])]] },
      })),
    };
  }
  return [200, { results }];
}
