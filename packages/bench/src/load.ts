import autocannon from 'autocannon';
import { percentile } from './stats.ts';

/** What a connection remembers between the requests of its sequence (an id it created). */
export type ConnectionContext = Record<string, unknown>;

export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Rewrites the request just before it is sent (autocannon's setupRequest). */
  setupRequest?: (request: LoadRequest, context: ConnectionContext) => LoadRequest;
  /** Sees the answer (autocannon's onResponse), to feed a later request of the sequence. */
  onResponse?: (status: number, body: string, context: ConnectionContext) => void;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Cycled through by every connection. */
  requests: readonly LoadRequest[];
}

export interface LoadResult {
  responses: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * Drives a server with autocannon, as fast as it answers (the fixed-rate
 * stretch is paced-load.ts). Latencies are taken from autocannon's
 * per-response event at full precision: its own histogram rounds to whole
 * milliseconds, too coarse for loopback latencies of about a millisecond.
 */
export async function drive(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        // The hooks take and give the same plain request objects autocannon does.
        requests: options.requests.map((r) => ({ ...r })) as unknown as autocannon.Request[],
        timeout: 10,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
  });
  return loadResult(latencies, statuses, result.duration, result.errors);
}

/** A run's figures from its answers' latencies (sorted here), their statuses, its length and its errors. */
export function loadResult(
  latencies: number[],
  statuses: Record<string, number>,
  seconds: number,
  errors: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    responses: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    statuses,
    errors,
  };
}
