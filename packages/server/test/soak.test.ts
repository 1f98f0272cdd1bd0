import { Agent, createServer } from 'node:http';
import { OTLP, ROUTE, SERVER_METRICS } from '@menagerie/contract';
import { expect } from 'chai';
import { load, startChild } from './children.ts';
import { postJson, send } from './helpers.ts';

const MiB = 2 ** 20;
/**
 * Growth allowed between the first and the last eight samples after warm-up
 * (windows of 12 000 requests, 22 500 apart). Both are generous, and still a
 * leak of 2 KiB per request would exceed them.
 */
const RSS_GROWTH_BOUND = 32 * MiB;
const HEAP_GROWTH_BOUND = 24 * MiB;
const CONNECTIONS = 16;
const CAPACITY = 200;
const WARMUP_REQUESTS = 60_000;
const SAMPLES = 24;
const STEP = 1_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An OTLP endpoint that accepts every export and keeps nothing. */
async function startSink(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(req.url === OTLP.tracesPath ? 200 : 404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('load and soak', function () {
  this.timeout(120_000);

  it('at capacity under load: memory stays flat after warm-up, and no queue grows', async () => {
    const sink = await startSink();
    const server = await startChild(
      {
        STORE_CAPACITY: String(CAPACITY),
        FAULTS: 'off',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
        OTEL_TRACES_SAMPLER: 'always_on',
      },
      120_000,
    );
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      const ids: string[] = [];
      const mix = [
        async (i: number) => {
          const reply = await postJson(server.url, { name: `Soak ${i}`, species: 'cow', legs: 4 }, {}, agent);
          if (reply.status === 201) ids.push((reply.json as { id: string }).id);
          return reply.status;
        },
        async (i: number) =>
          (await send(server.url, { path: `${ROUTE.animals}/${ids[i % Math.max(1, ids.length)]}`, agent }))
            .status,
        async () =>
          (await send(server.url, { path: `${ROUTE.animals}/${crypto.randomUUID()}`, agent })).status,
        async () => (await send(server.url, { path: `${ROUTE.animals}?limit=20`, agent })).status,
        async () => (await postJson(server.url, { name: 'Soak', species: 'cow', legs: 5 }, {}, agent)).status,
        async () => (await postJson(server.url, '{"name": "Soak"', {}, agent)).status,
      ];
      let stop = false;
      let answered = 0;
      const running = load(
        CONNECTIONS,
        async (i) => {
          const status = await (mix[i % mix.length] as (i: number) => Promise<number>)(i);
          answered++;
          return status;
        },
        () => stop,
      );
      const reach = async (count: number) => {
        while (answered < count) await sleep(50);
      };

      // V8 sizes its heap over the first tens of thousands of requests: measure
      // after that, over as many again, sampling every STEP requests (counted
      // in requests, not seconds, so a busy machine changes only the duration).
      await reach(WARMUP_REQUESTS);
      const memory: { rss: number; heap: number; handles: number; inFlight: number }[] = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        await reach(WARMUP_REQUESTS + sample * STEP);
        memory.push({
          rss: await server.metric('process_resident_memory_bytes'),
          heap: await server.metric('nodejs_heap_size_used_bytes'),
          handles: await server.metric('nodejs_active_handles'),
          inFlight: await server.metric(SERVER_METRICS.requestsInFlight.name),
        });
      }
      stop = true;
      const statuses = await running;

      // The used heap is a saw-tooth (garbage collection): its floor over a
      // few seconds is what would creep up. Resident memory only grows.
      const first = memory.slice(0, 8);
      const last = memory.slice(-8);
      const rssGrowth = Math.max(...last.map((m) => m.rss)) - Math.max(...first.map((m) => m.rss));
      const heapGrowth = Math.min(...last.map((m) => m.heap)) - Math.min(...first.map((m) => m.heap));
      console.log(
        `      soak: ${statuses.length} requests; after warm-up RSS ${(Math.max(...first.map((m) => m.rss)) / MiB).toFixed(1)} MiB, ` +
          `growth ${(rssGrowth / MiB).toFixed(1)} MiB (bound ${RSS_GROWTH_BOUND / MiB}); heap floor growth ` +
          `${(heapGrowth / MiB).toFixed(1)} MiB (bound ${HEAP_GROWTH_BOUND / MiB})`,
      );
      expect(statuses.length).to.be.at.least(WARMUP_REQUESTS + (SAMPLES - 1) * STEP);
      expect(rssGrowth).to.be.below(RSS_GROWTH_BOUND);
      expect(heapGrowth).to.be.below(HEAP_GROWTH_BOUND);

      // Nothing piles up: requests in flight and open handles stay within the client's connections.
      for (const sample of memory) {
        expect(sample.inFlight).to.be.at.most(CONNECTIONS + 1);
        expect(sample.handles).to.be.below(CONNECTIONS + 20);
      }

      // The store is full and refuses (507, counted), the answers are the expected ones.
      expect(new Set(statuses)).to.deep.equal(new Set([201, 507, 200, 404, 400]));
      expect(await server.metric(SERVER_METRICS.storeAnimals.name)).to.equal(CAPACITY);
      expect(await server.metric(SERVER_METRICS.storeRejections.name)).to.be.above(1000);
    } finally {
      agent.destroy();
      expect(await server.stop()).to.equal(0);
      await sink.close();
    }
  });
});
