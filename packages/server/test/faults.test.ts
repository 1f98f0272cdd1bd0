import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { COMMON_METRICS, PATHS, ROUTE, SERVER_METRICS } from '@menagerie/contract';
import { expect } from 'chai';
import { closedPort, load, startBlackHole, startChild, until } from './children.ts';
import { postJson, send, startTestServer } from './helpers.ts';

const dropped = COMMON_METRICS.spansDropped.name;
const rex = { name: 'Rex', species: 'dog', legs: 4 };

describe('faults: the OTLP endpoint down', function () {
  this.timeout(45_000);

  for (const mode of ['refusing connections', 'black-holing connections'] as const) {
    it(`keeps answering with the endpoint ${mode}, counts the spans it drops, and still stops cleanly`, async () => {
      const hole = mode === 'black-holing connections' ? await startBlackHole() : undefined;
      const endpoint = hole?.endpoint ?? `http://127.0.0.1:${await closedPort()}`;
      // Exporter timeouts short enough for the test to see failed exports counted; the
      // black hole's long enough that the 3600 spans below overflow the queue while it hangs.
      const timeout = hole ? '8000' : '500';
      const server = await startChild({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: timeout,
      });
      try {
        const agent = new Agent({ keepAlive: true, maxSockets: 16 });
        let sent = 0;
        // 3 spans per registration: well over the 2048 the queue holds while an export hangs.
        const statuses = await load(
          16,
          async () => {
            const reply = await postJson(server.url, rex, {}, agent);
            return reply.status;
          },
          () => sent++ >= 1200,
        );
        agent.destroy();
        expect(new Set(statuses)).to.deep.equal(new Set([201]));
        await until(
          'failed exports counted',
          async () => (await server.metric(dropped, { reason: 'export_failed' })) > 0,
        );
        const queueFull = await server.metric(dropped, { reason: 'queue_full' });
        const exportFailed = await server.metric(dropped, { reason: 'export_failed' });
        expect(queueFull + exportFailed).to.be.at.most(3 * statuses.length + 10);
        if (hole) expect(queueFull, 'spans beyond the queue while an export hangs').to.be.above(0);
        expect((await send(server.url, { path: PATHS.liveness })).status).to.equal(200);
      } finally {
        expect(await server.stop()).to.equal(0);
        await hole?.close();
      }
      const messages = server.lines.map((l) => l.msg);
      expect(messages.at(-1)).to.equal('stopped');
    });
  }
});

describe('faults: a slow /metrics consumer', () => {
  it('does not hold back other requests while it reads nothing', async () => {
    const server = await startTestServer();
    const readers: Socket[] = [];
    try {
      // Traffic on many routes and statuses first, so the exposition has some size.
      for (let i = 0; i < 300; i++) {
        await send(server.url, { path: `${ROUTE.animals}/${i}` });
        await send(server.url, { method: 'PATCH', path: `/nowhere/${i}` });
      }
      let answered = 0;
      for (let i = 0; i < 5; i++) {
        const socket = connect(server.port, '127.0.0.1');
        socket.on('data', () => {});
        socket.pause();
        socket.write(`GET ${PATHS.metrics} HTTP/1.1\r\nHost: x\r\n\r\n`);
        readers.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 100; i++) {
        const reply = await postJson(server.url, { ...rex, name: `Rex ${i}` });
        if (reply.status === 201) answered++;
      }
      expect(answered).to.equal(100);
      expect(
        readers.every((socket) => !socket.readableEnded),
        'the slow readers are still reading',
      ).to.equal(true);
      // And a reader that does read gets the whole exposition.
      const text = (await send(server.url, { path: PATHS.metrics })).text;
      expect(text).to.include(`${SERVER_METRICS.requestDuration.name}_count`);
    } finally {
      for (const socket of readers) socket.destroy();
      await server.close();
    }
  });
});
