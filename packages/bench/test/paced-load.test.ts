import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { drivePaced } from '../src/paced-load.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const request = {
  method: 'POST',
  path: '/animals',
  headers: { 'content-type': 'application/json' },
  body: '{}',
};

describe('paced load (the fixed-rate stretch)', () => {
  it('sends every request when due without waiting for answers, and times the wait for one in full', async () => {
    // Nothing is answered until all 20 requests have arrived: a driver that
    // waited for answers before sending more would never get there.
    const held: ServerResponse[] = [];
    const arrivals: number[] = [];
    const server = await serve((req, res) => {
      req.resume();
      arrivals.push(performance.now());
      held.push(res);
      if (held.length === 20) for (const r of held) r.writeHead(201).end();
    });
    try {
      const result = await drivePaced({
        url: server.url,
        rate: 40,
        seconds: 0.5,
        connections: 50,
        requests: [request],
      });
      expect(result.responses).to.equal(20);
      expect(result.statuses).to.deep.equal({ 201: 20 });
      // The first request waited for the last to arrive.
      const heldMs = (arrivals.at(-1) as number) - (arrivals[0] as number);
      expect(result.p99Ms).to.be.at.least(heldMs);
    } finally {
      await server.close();
    }
  });

  it('counts the wait for a free connection as latency', async () => {
    // One connection, a request every 10 ms, each answered after 50 ms: the
    // 30th cannot be answered before 30 × 50 ms from the first send, and is
    // sent about 290 ms after it.
    const server = await serve((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(201).end(), 50);
    });
    try {
      const result = await drivePaced({
        url: server.url,
        rate: 100,
        seconds: 0.3,
        connections: 1,
        requests: [request],
      });
      expect(result.responses).to.equal(30);
      expect(result.p99Ms).to.be.above(1000);
    } finally {
      await server.close();
    }
  });
});
