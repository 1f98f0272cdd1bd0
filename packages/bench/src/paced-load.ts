import { Agent, request } from 'node:http';
import { type LoadRequest, type LoadResult, loadResult } from './load.ts';

export interface PacedLoadOptions {
  url: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Sockets kept open; a request finding them all busy waits its turn (and that wait counts). */
  connections: number;
  /** Sent in turn (setupRequest and onResponse are not used here). */
  requests: readonly LoadRequest[];
}

/**
 * Open-loop load at a fixed rate: request i is due at start + i / rate and
 * is sent when due whether or not earlier ones have been answered, so a
 * server pause shows in every request sent during it (no coordinated
 * omission). Its latency is counted from when it is sent, not from when it
 * was due: the sender's own timer lateness (up to a millisecond) is not the
 * server's. autocannon's own rate option
 * is not used for this: it lets each connection send its quota for the
 * second back to back and then idle, so its "fixed rate" latencies are those
 * of short saturated bursts.
 */
export async function drivePaced(options: PacedLoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(options.url);
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let answered = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const settle = () => {
      answered++;
      if (answered === total) resolve();
    };
    const send = (index: number) => {
      const spec = options.requests[index % options.requests.length] as LoadRequest;
      const body = spec.body ?? '';
      const sentAt = performance.now();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: spec.method,
          path: spec.path,
          agent,
          headers: { ...spec.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - sentAt);
            const status = String(res.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            settle();
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
      req.on('error', () => {
        errors++;
        settle();
      });
      req.end(body);
    };
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        send(sent);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  agent.destroy();
  return loadResult(latencies, statuses, (performance.now() - start) / 1000, errors);
}
