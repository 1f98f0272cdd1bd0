import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS, ROUTE, SERVER_METRICS } from '@menagerie/contract';
import { startOtlpReceiver } from '@menagerie/test-support';
import { expect } from 'chai';
import { load, startChild, until } from './children.ts';
import { postJson, samples, send } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'menagerie-shutdown-'));
const slowDogs = join(dir, 'slow.yaml');
writeFileSync(slowDogs, 'species:\n  dog: { latency: { medianMs: 600, p99Ms: 700 } }\n');

async function waitForInFlight(url: string, atLeast: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const text = (await send(url, { path: PATHS.metrics })).text;
    const inFlight = samples(text, SERVER_METRICS.requestsInFlight.name)[0]?.value ?? 0;
    if (inFlight >= atLeast) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('requests never got in flight');
}

describe('graceful shutdown', () => {
  it('on SIGTERM (even twice) finishes the requests in flight, refuses new ones and exits 0', async () => {
    const child = await startChild({ BEHAVIOUR_PROFILE: slowDogs, SHUTDOWN_GRACE_SECONDS: '5' }, 8000);
    const inFlight = Array.from({ length: 5 }, (_, i) =>
      postJson(child.url, { name: `Dog ${i}`, species: 'dog', legs: 4 }),
    );
    await waitForInFlight(child.url, 1 + 5);
    const exited = once(child.process, 'exit');
    child.process.kill('SIGTERM');
    // A terminal's Ctrl-C and a launcher's SIGTERM can both arrive.
    child.process.kill('SIGINT');
    const replies = await Promise.all(inFlight);
    expect(replies.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201]);
    const [code] = await exited;
    expect(code).to.equal(0);
    await send(child.url, { path: PATHS.liveness }).then(
      () => expect.fail('a stopped server answered'),
      (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ECONNREFUSED'),
    );
    const messages = child.lines.map((l) => l.msg);
    expect(messages.indexOf('shutting down: readiness off, finishing in-flight requests')).to.be.above(0);
    expect(child.lines.at(-1)).to.include({ msg: 'stopped', animals: 5 });
  });

  it('under load: readiness fails first, every request it took is answered, its spans are flushed, exit 0', async function () {
    this.timeout(30_000);
    const receiver = await startOtlpReceiver();
    const child = await startChild(
      {
        BEHAVIOUR_PROFILE: slowDogs,
        SHUTDOWN_GRACE_SECONDS: '5',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_TRACES_SAMPLER: 'always_on',
      },
      20_000,
    );
    try {
      // A readiness check whose headers are not complete yet: its connection is busy, so
      // it stays open through SIGTERM, and the check itself is answered after it.
      const probe = connect(child.port, '127.0.0.1');
      let probeAnswer = '';
      probe.on('data', (chunk: Buffer) => {
        probeAnswer += chunk.toString('utf8');
      });
      const probeClosed = once(probe, 'close');
      probe.write(`GET ${PATHS.readiness} HTTP/1.1\r\nHost: x\r\n`);

      const agent = new Agent({ keepAlive: true, maxSockets: 12 });
      let refused = 0;
      const outcomes = load(
        12,
        async (i) => {
          // One in four is a slow dog (600 ms), the rest cats, answered at once.
          const animal =
            i % 4 === 0
              ? { name: `Dog ${i}`, species: 'dog', legs: 4 }
              : { name: `Cat ${i}`, species: 'cat', legs: 4 };
          try {
            return { status: (await postJson(child.url, animal, {}, agent)).status };
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
            if (code === 'ECONNREFUSED') refused++;
            return { error: code };
          }
        },
        () => refused >= 12,
      );
      await waitForInFlight(child.url, 4);
      const exited = once(child.process, 'exit');
      child.process.kill('SIGTERM');
      await until('shutdown to begin', async () =>
        child.lines.some((l) => String(l.msg).startsWith('shutting down')),
      );
      probe.write('\r\n');
      const results = await outcomes;
      agent.destroy();
      const [code] = (await exited) as [number | null];
      await probeClosed;

      expect(code).to.equal(0);
      expect(probeAnswer, 'readiness answered 503 once shutdown began').to.match(/^HTTP\/1\.1 503 /);
      expect(probeAnswer).to.match(/connection: close/i);

      // Every registration the server handled (its request log line) was answered, with that status.
      const handled: Record<string, number> = {};
      for (const line of child.lines) {
        if (line.msg === 'request' && line.route === ROUTE.animals && line.method === 'POST') {
          const status = String(line.status_code);
          handled[status] = (handled[status] ?? 0) + 1;
        }
      }
      const answered: Record<string, number> = {};
      for (const result of results) {
        if ('status' in result) answered[String(result.status)] = (answered[String(result.status)] ?? 0) + 1;
      }
      expect(answered).to.deep.equal(handled);
      expect(handled['201'], 'registrations handled under load').to.be.above(20);
      // The rest never reached the server: refused, or sent on a connection it was closing.
      const errors = new Set(results.flatMap((r) => ('error' in r ? [r.error] : [])));
      for (const error of errors) expect(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']).to.include(error);

      // Their spans were exported before the exit.
      const serverSpans = receiver.spans.filter(
        (span) => span.kind === 2 && span.name === `POST ${ROUTE.animals}`,
      );
      expect(serverSpans.length).to.equal(Object.values(handled).reduce((a, b) => a + b, 0));
      const messages = child.lines.map((l) => l.msg);
      expect(messages).to.not.include('grace period over: closing the connections still open');
      expect(messages.at(-1)).to.equal('stopped');
    } finally {
      if (child.process.exitCode === null) await child.stop();
      await receiver.close();
    }
  });

  it('closes what is still open when the grace period is over, and still exits 0', async () => {
    const child = await startChild({ BEHAVIOUR_PROFILE: slowDogs, SHUTDOWN_GRACE_SECONDS: '0' }, 8000);
    const pending = postJson(child.url, { name: 'Late', species: 'dog', legs: 4 }).then(
      (r) => r.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    await waitForInFlight(child.url, 2);
    const exited = once(child.process, 'exit');
    child.process.kill('SIGTERM');
    const [code] = await exited;
    expect(code).to.equal(0);
    expect(await pending).to.equal('ECONNRESET');
    expect(child.lines.map((l) => l.msg)).to.include('grace period over: closing the connections still open');
  });

  it('refuses to start on an invalid behaviour profile, naming the problem', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'species: { dodo: { errors: { rate: 0.1, status: 500 } } }\n');
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, PORT: '0', BEHAVIOUR_PROFILE: bad },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const [code] = await once(child, 'exit');
    expect(code).to.equal(1);
    expect(stderr).to.match(/behaviour profile .*bad\.yaml is invalid: .*dodo.*not a known species/);
  });
});
