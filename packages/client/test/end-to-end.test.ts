import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SPECIES } from '@menagerie/animals';
import {
  CLIENT,
  CLIENT_LOG_MESSAGE,
  CLIENT_METRICS,
  LOG_FIELD,
  PATHS,
  SERVER,
  SERVER_METRICS,
  SPAN_ATTRIBUTE,
} from '@menagerie/contract';
import { startOtlpReceiver } from '@menagerie/test-support';
import { expect } from 'chai';
import {
  clientConfigFromEnv,
  DEFAULT_MAX_IN_FLIGHT,
  EXPECTED_STATUS,
  RETIRE_ANIMAL,
  type RunningClient,
  SCENARIOS,
  type Scenario,
  startClient,
} from '../src/index.ts';

const serverMain = fileURLToPath(new URL('./main.js', import.meta.resolve('@menagerie/server')));

interface ServerProcess {
  process: ChildProcess;
  url: string;
  lines: Record<string, unknown>[];
  stop(): Promise<number | null>;
}

function jsonLines(
  stream: NodeJS.ReadableStream,
  into: Record<string, unknown>[],
  onLine?: (l: Record<string, unknown>) => void,
) {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      if (!part) continue;
      const line = JSON.parse(part) as Record<string, unknown>;
      into.push(line);
      onLine?.(line);
    }
  });
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [serverMain], {
    env: { ...process.env, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', FAULTS: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    jsonLines(child.stdout as NodeJS.ReadableStream, lines, (l) => {
      if (typeof l.port === 'number') resolve(l.port);
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return {
    process: child,
    url: `http://127.0.0.1:${port}`,
    lines,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      clearTimeout(killer);
      return code as number | null;
    },
  };
}

async function runClient(serverUrl: string, env: Record<string, string>) {
  const stream = new PassThrough();
  const logs: Record<string, unknown>[] = [];
  jsonLines(stream, logs);
  const config = { ...clientConfigFromEnv({ SERVER_URL: serverUrl, RATE: '40', PORT: '0', ...env }) };
  const client = await startClient({
    config,
    host: '127.0.0.1',
    env,
    logStream: stream,
    progressIntervalMs: 400,
  });
  return { client, logs, metricsUrl: `http://127.0.0.1:${client.port}${PATHS.metrics}` };
}

type Sample = { labels: Record<string, string>; value: number };
function samples(text: string, name: string): Sample[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((line) => {
      const [, inner = '', value] = /^[^{ ]+(?:\{(.*)\})? (\S+)/.exec(line) ?? [];
      const labels = Object.fromEntries([...inner.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
      return { labels: labels as Record<string, string>, value: Number(value) };
    });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const answered = async (metricsUrl: string, outcome?: string) => {
  const text = await (await fetch(metricsUrl)).text();
  return samples(text, `${CLIENT_METRICS.requestDuration.name}_count`)
    .filter((s) => outcome === undefined || s.labels.outcome === outcome)
    .reduce((sum, s) => sum + s.value, 0);
};

const EXPECTED_SERVER_STATUSES = ['201', '200', '400', '404', '415'];

describe('client against the real server', function () {
  this.timeout(45_000);

  it('sends the scenario mix, gets the outcomes each scenario expects, and traces across both', async () => {
    const receiver = await startOtlpReceiver();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
    const server = await startServerProcess(otel);
    let client: RunningClient | undefined;
    try {
      const run = await runClient(server.url, otel);
      client = run.client;
      // At least 150 answers, and every status the mix should draw: 415 comes from a scenario
      // of weight 2 in 100, missing from 150 draws about one run in twenty.
      const serverStatuses = async () =>
        new Set(
          samples(
            await (await fetch(`${server.url}${PATHS.metrics}`)).text(),
            `${SERVER_METRICS.requestDuration.name}_count`,
          ).map((s) => s.labels.status_code),
        );
      await until(
        '150 answers and every expected status',
        async () => {
          if ((await answered(run.metricsUrl)) < 150) return false;
          const seen = await serverStatuses();
          return EXPECTED_SERVER_STATUSES.every((status) => seen.has(status));
        },
        20_000,
      );
      const clientMetrics = await (await fetch(run.metricsUrl)).text();
      const serverMetrics = await (await fetch(`${server.url}${PATHS.metrics}`)).text();
      const summary = await client.stop();
      client = undefined;
      expect(await server.stop()).to.equal(0);

      // Every scenario got what it should, with faults off.
      const series = samples(clientMetrics, `${CLIENT_METRICS.requestDuration.name}_count`);
      const scenarios = new Set(series.map((s) => s.labels.scenario));
      expect(scenarios.size).to.be.at.least(8);
      for (const { labels } of series) {
        const expected = EXPECTED_STATUS[labels.scenario as Scenario] < 400 ? 'success' : 'client_error';
        expect(labels.outcome, labels.scenario).to.equal(expected);
      }
      // With faults off, every answer is the one its scenario expects: no unmet series, no line above debug.
      const checks = samples(clientMetrics, CLIENT_METRICS.expectations.name);
      expect(checks.filter((c) => c.labels.expectation === 'unmet')).to.deep.equal([]);
      const met = checks.reduce((sum, c) => sum + c.value, 0);
      expect(met).to.equal(series.reduce((sum, c) => sum + c.value, 0));
      expect(run.logs.filter((l) => l.level === 'warn' || l.level === 'error')).to.deep.equal([]);
      expect(summary.unmet).to.equal(0);
      expect(summary.outcomes.client_error).to.be.above(summary.sent * 0.2);
      expect(summary.outcomes.success).to.be.above(summary.sent * 0.4);
      expect(
        summary.outcomes.server_error + summary.outcomes.network_error + summary.outcomes.timeout,
      ).to.equal(0);
      expect(samples(clientMetrics, CLIENT_METRICS.targetRate.name)[0]?.value).to.equal(40);
      const statuses = new Set(
        samples(serverMetrics, `${SERVER_METRICS.requestDuration.name}_count`).map(
          (s) => s.labels.status_code,
        ),
      );
      for (const status of EXPECTED_SERVER_STATUSES) expect(statuses, status).to.include(status);

      // The client's /metrics passes promtool too.
      const promtool = spawnSync('promtool', ['check', 'metrics'], {
        input: clientMetrics,
        encoding: 'utf8',
      });
      expect(promtool.error, 'promtool must be installed (scripts/test.sh installs it)').to.equal(undefined);
      expect(`${promtool.stdout}${promtool.stderr}`.trim()).to.equal('');

      // Progress lines and a final summary.
      expect(run.logs.filter((l) => l.msg === 'progress').length).to.be.at.least(1);
      expect(run.logs.find((l) => l.msg === 'summary')).to.include({ service: CLIENT.name, target_rps: 40 });

      // Client spans are the parents of server spans.
      const spans = receiver.spans;
      const clientSpans = spans.filter((s) => s.serviceName === CLIENT.name && s.kind === 3);
      const serverSpans = spans.filter((s) => s.serviceName === SERVER.name && s.kind === 2);
      expect(clientSpans.length).to.be.at.least(150);
      const byId = new Map(clientSpans.map((s) => [s.spanId, s]));
      const linked = serverSpans.filter((s) => byId.get(s.parentSpanId)?.traceId === s.traceId);
      expect(linked.length).to.be.at.least(150);
      const sample = linked[0];
      expect(byId.get(sample?.parentSpanId ?? '')?.attributes[SPAN_ATTRIBUTE.scenario]).to.be.a('string');

      // Server log lines carry the ids of the exported server spans.
      const exported = new Set(serverSpans.map((s) => `${s.traceId}/${s.spanId}`));
      const requestLines = server.lines.filter((l) => l.msg === 'request');
      expect(requestLines.length).to.be.at.least(150);
      const matching = requestLines.filter((l) =>
        exported.has(`${l[LOG_FIELD.traceId]}/${l[LOG_FIELD.spanId]}`),
      );
      expect(matching.length).to.equal(requestLines.length);
    } finally {
      await client?.stop();
      if (server.process.exitCode === null) await server.stop();
      await receiver.close();
    }
  });

  it('keeps running while the server is down, counts the failures and recovers by itself', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const run = await runClient(`http://127.0.0.1:${port}`, {});
    let server: ServerProcess | undefined;
    try {
      await until('network errors', async () => (await answered(run.metricsUrl, 'network_error')) >= 5);
      server = await startServerProcess({ PORT: String(port) });
      await until(
        'successes after the server came up',
        async () => (await answered(run.metricsUrl, 'success')) >= 5,
      );
      const summary = await run.client.stop();
      expect(summary.outcomes.network_error).to.be.at.least(5);
      expect(summary.outcomes.success).to.be.at.least(5);
    } finally {
      await run.client.stop();
      if (server) await server.stop();
    }
  });

  it('survives the server being killed mid-run and recovers when it is back on the same port', async () => {
    const first = await startServerProcess({});
    const port = new URL(first.url).port;
    const run = await runClient(first.url, { RATE: '50' });
    let second: ServerProcess | undefined;
    try {
      await until('answers before the kill', async () => (await answered(run.metricsUrl, 'success')) >= 20);
      const exited = once(first.process, 'exit');
      first.process.kill('SIGKILL');
      await exited;
      await until(
        'network errors while it is down',
        async () => (await answered(run.metricsUrl, 'network_error')) >= 3,
      );
      const successesBefore = await answered(run.metricsUrl, 'success');
      second = await startServerProcess({ PORT: port });
      await until(
        'successes from the restarted server',
        async () => (await answered(run.metricsUrl, 'success')) >= successesBefore + 20,
      );
      const summary = await run.client.stop();
      expect(summary.outcomes.network_error).to.be.at.least(3);
      // Its animals died with the first server: reading or retiring them is a 404, never a crash.
      expect(summary.outcomes.server_error).to.equal(0);
      expect(run.logs.find((l) => l.msg === 'summary')).to.not.equal(undefined);
      // Every request the server could not answer (down, or too slow on a loaded machine) is an
      // error line, with its trace id, and nothing else is: the lost animals' 404s are warnings.
      const errors = run.logs.filter((l) => l.level === 'error');
      expect(errors).to.have.length(summary.outcomes.network_error + summary.outcomes.timeout);
      for (const line of errors) {
        expect(line.msg).to.equal(CLIENT_LOG_MESSAGE.unexpected);
        expect(line[LOG_FIELD.outcome]).to.be.oneOf(['network_error', 'timeout']);
        expect(line[LOG_FIELD.traceId]).to.match(/^[0-9a-f]{32}$/);
      }
      const warnings = run.logs.filter((l) => l.level === 'warn');
      expect(warnings.every((l) => l[LOG_FIELD.outcome] === 'client_error')).to.equal(true);
      expect(warnings.length + errors.length).to.equal(summary.unmet);
    } finally {
      await run.client.stop();
      if (first.process.exitCode === null && first.process.signalCode === null) await first.stop();
      await second?.stop();
    }
  });

  it('against a slow server, caps requests in flight, counts the rest as unsent, and times from the schedule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-client-'));
    const profile = join(dir, 'slow.json');
    const latency = { medianMs: 200, p99Ms: 250 };
    writeFileSync(
      profile,
      JSON.stringify({ species: Object.fromEntries(SPECIES.map((s) => [s, { latency }])) }),
    );
    const server = await startServerProcess({ FAULTS: 'on', BEHAVIOUR_PROFILE: profile });
    const onlyRegistrations = Object.fromEntries(SCENARIOS.map((s) => [s, s === 'valid_animal' ? 1 : 0]));
    const run = await runClient(server.url, {
      RATE: '200',
      MAX_IN_FLIGHT: '10',
      SCENARIO_WEIGHTS: JSON.stringify(onlyRegistrations),
    });
    try {
      const inFlight: number[] = [];
      const deadline = Date.now() + 2000;
      while (Date.now() < deadline) {
        const text = await (await fetch(run.metricsUrl)).text();
        inFlight.push(samples(text, CLIENT_METRICS.requestsInFlight.name)[0]?.value ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
      const text = await (await fetch(run.metricsUrl)).text();
      const unsent = samples(text, CLIENT_METRICS.requestsUnsent.name)[0]?.value ?? 0;
      const summary = await run.client.stop();
      expect(Math.max(...inFlight)).to.be.at.most(10);
      expect(Math.max(...inFlight), 'the cap was reached').to.equal(10);
      // About 200/s × 0.2 s = 40 needed in flight, 10 allowed: most are unsent, and counted.
      // The counter and the summary agree (the schedule ran on a little after the scrape).
      expect(unsent).to.be.above(0);
      expect(summary.unsent).to.be.at.least(unsent);
      expect(summary.unsent).to.be.above(summary.sent);
      expect(summary.outcomes.success).to.equal(summary.sent);
      // Measured from the scheduled time: never below the server's own delay.
      expect(summary.p50Ms).to.be.at.least(latency.medianMs * 0.8);
    } finally {
      await run.client.stop();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps its population bounded: over POPULATION_LIMIT it retires its oldest animals', async () => {
    const server = await startServerProcess({});
    let client: RunningClient | undefined;
    try {
      const onlyRegistrations = Object.fromEntries(SCENARIOS.map((s) => [s, s === 'valid_animal' ? 1 : 0]));
      const run = await runClient(server.url, {
        POPULATION_LIMIT: '5',
        RATE: '100',
        SCENARIO_WEIGHTS: JSON.stringify(onlyRegistrations),
      });
      client = run.client;
      const retired = async () => {
        const text = await (await fetch(run.metricsUrl)).text();
        return samples(text, `${CLIENT_METRICS.requestDuration.name}_count`)
          .filter((s) => s.labels.scenario === RETIRE_ANIMAL && s.labels.outcome === 'success')
          .reduce((sum, s) => sum + s.value, 0);
      };
      await until('30 retirements', async () => (await retired()) >= 30);
      const summary = await client.stop();
      client = undefined;
      const stored = samples(
        await (await fetch(`${server.url}${PATHS.metrics}`)).text(),
        SERVER_METRICS.storeAnimals.name,
      )[0]?.value;
      const line = run.logs.find((l) => l.msg === 'summary');
      // Every answer has arrived: the server holds exactly what the client still owns.
      expect(stored).to.equal(line?.population);
      // The documented bound: the limit plus registrations answered before the next retirement.
      expect(stored).to.be.within(5, 5 + DEFAULT_MAX_IN_FLIGHT);
      expect(line?.population_forgotten).to.equal(0);
      expect(summary.outcomes.client_error + summary.outcomes.server_error).to.equal(0);
    } finally {
      await client?.stop();
      await server.stop();
    }
  });

  it('logs each registration the server fails with its trace id, the trace the server logged and exported, with or without its own exporter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-client-'));
    const profile = join(dir, 'failing.json');
    writeFileSync(profile, JSON.stringify({ species: { dog: { errors: { rate: 1, status: 500 } } } }));
    const receiver = await startOtlpReceiver();
    const server = await startServerProcess({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      FAULTS: 'on',
      BEHAVIOUR_PROFILE: profile,
    });
    const onlyRegistrations = JSON.stringify(
      Object.fromEntries(SCENARIOS.map((s) => [s, s === 'valid_animal' ? 1 : 0])),
    );
    const failureTraces: string[] = [];
    try {
      for (const clientOtel of [{ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }, {}]) {
        const run = await runClient(server.url, { ...clientOtel, SCENARIO_WEIGHTS: onlyRegistrations });
        const failed = async () =>
          samples(await (await fetch(run.metricsUrl)).text(), CLIENT_METRICS.expectations.name)
            .filter((c) => c.labels.expectation === 'unmet')
            .reduce((sum, c) => sum + c.value, 0);
        await until('five registrations the server failed', async () => (await failed()) >= 5);
        const counted = await failed();
        const summary = await run.client.stop();
        const failures = run.logs.filter((l) => l.msg === CLIENT_LOG_MESSAGE.unexpected);
        expect(failures.length, JSON.stringify(clientOtel)).to.equal(summary.unmet).and.be.at.least(counted);
        for (const line of failures) {
          expect(line).to.include({
            level: 'error',
            [LOG_FIELD.scenario]: 'valid_animal',
            [LOG_FIELD.method]: 'POST',
            [LOG_FIELD.route]: '/animals',
            [LOG_FIELD.statusCode]: 500,
            [LOG_FIELD.expectedStatus]: 201,
          });
          expect(line[LOG_FIELD.durationMs]).to.be.a('number');
        }
        for (const line of failures) failureTraces.push(String(line[LOG_FIELD.traceId]));
      }
      // Stopped, the server has written every line and exported every span.
      expect(await server.stop()).to.equal(0);
      // Each failure's trace is the one the server continued, whether or not the client
      // exports its own spans: the server's injected-fault line carries the same trace id...
      const faultTraces = new Set(
        server.lines.filter((l) => l.msg === 'injected fault').map((l) => String(l[LOG_FIELD.traceId])),
      );
      expect(
        failureTraces.filter((id) => !faultTraces.has(id)),
        'not in a server line',
      ).to.deep.equal([]);
      // ... and its exported server span is in it.
      const exportedServerTraces = new Set(
        receiver.spans.filter((s) => s.serviceName === SERVER.name && s.kind === 2).map((s) => s.traceId),
      );
      expect(failureTraces.filter((id) => !exportedServerTraces.has(id))).to.deep.equal([]);
      // The client's own request spans (exported in the first run) are errors, unmet, in those traces.
      const clientRequests = receiver.spans.filter(
        (s) => s.serviceName === CLIENT.name && s.kind === 1 && s.statusCode === 2,
      );
      expect(clientRequests.length).to.be.at.least(5);
      for (const span of clientRequests) {
        expect(span.attributes[SPAN_ATTRIBUTE.expectation]).to.equal('unmet');
        expect(exportedServerTraces.has(span.traceId)).to.equal(true);
      }
    } finally {
      if (server.process.exitCode === null) await server.stop();
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
