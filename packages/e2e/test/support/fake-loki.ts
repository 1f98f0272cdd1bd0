/**
 * A stand-in for Loki's /loki/api/v1/query_range. It understands the LogQL the
 * checks send (a stream selector of equality matchers, then `|= "text"` line
 * filters) and answers 400 to anything else, as Loki does to a query it cannot
 * parse, so a check that asked for the wrong labels finds nothing.
 */
import { sendJson, serve, type TestServer } from './server.ts';

export interface Stream {
  readonly labels: Readonly<Record<string, string>>;
  readonly lines: readonly { readonly timestampNs: bigint; readonly line: string }[];
}

export interface FakeLoki extends TestServer {
  streams: Stream[];
}

interface ParsedQuery {
  readonly matchers: [string, string][];
  readonly contains: string[];
}

export function parseLogql(query: string): ParsedQuery | undefined {
  const selector = query.match(/^\s*\{([^}]*)\}(.*)$/s);
  if (!selector) return undefined;
  const matchers: [string, string][] = [];
  for (const part of (selector[1] ?? '').split(',')) {
    const m = part.trim().match(/^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"$/);
    if (!m) return undefined;
    matchers.push([m[1] ?? '', m[2] ?? '']);
  }
  const contains: string[] = [];
  let rest = (selector[2] ?? '').trim();
  while (rest !== '') {
    const m = rest.match(/^\|=\s*"([^"]*)"\s*(.*)$/s);
    if (!m) return undefined;
    contains.push(m[1] ?? '');
    rest = (m[2] ?? '').trim();
  }
  return { matchers, contains };
}

export async function startFakeLoki(): Promise<FakeLoki> {
  const state = { streams: [] as Stream[] };
  const server = await serve((request, response) => {
    const url = new URL(request.url ?? '/', 'http://loki');
    if (request.method !== 'GET' || url.pathname !== '/loki/api/v1/query_range') {
      return sendJson(response, 404, { message: '404 page not found' });
    }
    const query = parseLogql(url.searchParams.get('query') ?? '');
    const start = url.searchParams.get('start');
    const end = url.searchParams.get('end');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (!query || !start || !end || !/^\d+$/.test(start) || !/^\d+$/.test(end)) {
      return sendJson(response, 400, { message: 'parse error: invalid query or time range' });
    }
    const [from, to] = [BigInt(start), BigInt(end)];
    const result = state.streams
      .filter((s) => query.matchers.every(([name, value]) => s.labels[name] === value))
      .map((s) => ({
        stream: s.labels,
        values: s.lines
          .filter((l) => l.timestampNs >= from && l.timestampNs <= to)
          .filter((l) => query.contains.every((text) => l.line.includes(text)))
          .sort((a, b) => (a.timestampNs < b.timestampNs ? 1 : -1))
          .slice(0, limit)
          .map((l) => [l.timestampNs.toString(), l.line]),
      }))
      .filter((s) => s.values.length > 0);
    sendJson(response, 200, { status: 'success', data: { resultType: 'streams', result, stats: {} } });
  });
  return Object.assign(state, server);
}
