/** Loki HTTP API: the server's JSON log lines arrive under our stream labels. */
import { LOG_FIELD, LOKI_LABEL } from '@menagerie/contract';
import { endpoint, isRecord, requestJson, unexpectedAnswer } from '../http.ts';
import type { Check } from '../runner.ts';

export interface LogLine {
  readonly timestampNs: bigint;
  readonly line: string;
  /** The line as an object when it is one of our JSON log lines. */
  readonly json: Record<string, unknown> | undefined;
}

export interface LogQuery {
  readonly loki: URL;
  readonly namespace: string;
  readonly app: string;
  readonly lookbackMinutes: number;
  readonly limit: number;
}

export function streamSelector(namespace: string, app: string): string {
  return `{${LOKI_LABEL.namespace}="${namespace}", ${LOKI_LABEL.app}="${app}"}`;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The newest lines first, across every stream the query matched. */
export async function queryLogLines(query: LogQuery, logql: string): Promise<LogLine[]> {
  const endNs = BigInt(Date.now()) * 1_000_000n;
  const startNs = endNs - BigInt(query.lookbackMinutes) * 60_000_000_000n;
  const url = endpoint(query.loki, '/loki/api/v1/query_range', {
    query: logql,
    start: startNs.toString(),
    end: endNs.toString(),
    limit: String(query.limit),
    direction: 'backward',
  });
  const response = await requestJson(url);
  const { status, body } = response;
  if (status !== 200 || !isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    throw unexpectedAnswer(url, response);
  }
  const lines: LogLine[] = [];
  for (const stream of Array.isArray(body.data.result) ? body.data.result : []) {
    if (!isRecord(stream) || !Array.isArray(stream.values)) continue;
    for (const entry of stream.values) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
      lines.push({ timestampNs: BigInt(entry[0]), line: entry[1], json: parseJsonLine(entry[1]) });
    }
  }
  return lines.sort((a, b) => (a.timestampNs < b.timestampNs ? 1 : a.timestampNs > b.timestampNs ? -1 : 0));
}

export function serverLogLinesCheck(query: LogQuery): Check {
  const selector = streamSelector(query.namespace, query.app);
  return {
    name: 'loki log lines',
    async attempt() {
      const lines = await queryLogLines(query, selector);
      if (lines.length === 0)
        throw new Error(`no lines for ${selector} in the last ${query.lookbackMinutes} minutes`);
      const ours = lines.filter((l) => l.json && typeof l.json[LOG_FIELD.message] === 'string');
      if (ours.length === 0) {
        throw new Error(
          `${lines.length} lines for ${selector}, none a JSON log line with "${LOG_FIELD.message}": ${lines[0]?.line.slice(0, 120)}`,
        );
      }
      const newest = ours[0]?.json?.[LOG_FIELD.message];
      return `${ours.length} JSON log lines for ${selector}, newest: "${String(newest)}"`;
    },
  };
}
