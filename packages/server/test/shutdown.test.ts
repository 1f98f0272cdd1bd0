import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS, SERVER_METRICS } from '@menagerie/telemetry';
import { expect } from 'chai';
import { postJson, samples, send } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'menagerie-shutdown-'));
const slowDogs = join(dir, 'slow.yaml');
writeFileSync(slowDogs, 'species:\n  dog: { latency: { medianMs: 600, p99Ms: 700 } }\n');

interface Child {
  process: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
}

async function startChild(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  let resolveUrl: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      if (typeof line.port === 'number') resolveUrl(`http://127.0.0.1:${line.port}`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  child.once('exit', () => clearTimeout(timer));
  return { process: child, url: await url, lines };
}

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
    const child = await startChild({ BEHAVIOUR_PROFILE: slowDogs, SHUTDOWN_GRACE_SECONDS: '5' });
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

  it('closes what is still open when the grace period is over, and still exits 0', async () => {
    const child = await startChild({ BEHAVIOUR_PROFILE: slowDogs, SHUTDOWN_GRACE_SECONDS: '0' });
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
