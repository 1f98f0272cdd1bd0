import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { CLIENT_LOG_MESSAGE, CLIENT_METRICS, LOG_FIELD, ROUTE, SPAN_ATTRIBUTE } from '@menagerie/contract';
import { ALL_SIGNALS } from '@menagerie/settings';
import {
  createRegistry,
  type ReadableSpan,
  type SpanExporter,
  startTelemetry,
  type Telemetry,
} from '@menagerie/telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { expect } from 'chai';
import {
  createSender,
  expectationOf,
  logLevelOf,
  RETRY_LIMIT,
  type RequestPlan,
  type Send,
  type SendResult,
} from '../src/index.ts';
import { clientTelemetry } from '../src/telemetry.ts';

/** A server that answers each request with the next status of a script (the last one repeats), or never. */
async function scriptedServer(statuses: (number | 'hang')[]): Promise<{
  url: string;
  traceparents: string[];
  close(): Promise<void>;
}> {
  const traceparents: string[] = [];
  let next = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    traceparents.push(String(req.headers.traceparent ?? ''));
    req.resume();
    const status = statuses[Math.min(next++, statuses.length - 1)];
    if (status === 'hang') return;
    res.writeHead(status as number, { 'content-type': 'application/json' }).end('{"id":"a1"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    traceparents,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const plan = (scenario: RequestPlan['scenario'], method: RequestPlan['method'] = 'POST'): RequestPlan =>
  method === 'GET'
    ? { scenario, method, path: ROUTE.animals }
    : {
        scenario,
        method,
        path: ROUTE.animals,
        body: '{"name":"Rex","species":"dog","legs":4}',
        contentType: 'application/json',
        species: 'dog',
      };

interface Traced {
  telemetry: Telemetry;
  send: Send;
  spans: ReadableSpan[];
  lines: Record<string, unknown>[];
  /** Flushes spans and log lines. */
  done(): Promise<void>;
}

/** The sender as the client builds it, with a span collector and its log lines at debug. */
function tracedSender(url: string, timeoutMs = 2000, traced = true): Traced {
  const spans: ReadableSpan[] = [];
  const collector: SpanExporter = {
    export: (batch, done) => {
      spans.push(...batch);
      done({ code: 0 });
    },
    shutdown: async () => {},
  };
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
  });
  const telemetry = startTelemetry({
    defaultServiceName: 'client',
    build: { version: '1', revision: 'r' },
    signals: traced ? ALL_SIGNALS : { ...ALL_SIGNALS, traces: false },
    logLevel: 'debug',
    env: {},
    spanExporter: collector,
    logStream: stream,
  });
  const send = createSender({ baseUrl: url, timeoutMs, tracer: telemetry.tracer, log: telemetry.requestLog });
  return {
    telemetry,
    send,
    spans,
    lines,
    done: async () => {
      await telemetry.flushSpans();
      await telemetry.log.close();
    },
  };
}

const attemptsOf = (spans: ReadableSpan[]) =>
  spans
    .filter((s) => s.kind === SpanKind.CLIENT)
    .sort(
      (a, b) =>
        Number(a.attributes['http.request.resend_count'] ?? 0) -
        Number(b.attributes['http.request.resend_count'] ?? 0),
    );

describe('client spans: one per attempt', function () {
  this.timeout(20_000);

  it('retries a 503 under the request span, each attempt its own CLIENT span with http.request.resend_count and traceparent', async () => {
    const server = await scriptedServer([503, 503, 201]);
    const client = tracedSender(server.url);
    try {
      const result = await client.send(plan('valid_animal'));
      expect(result).to.include({ status: 201, outcome: 'success', expectation: 'met' });
    } finally {
      await client.done();
      await server.close();
    }
    const request = client.spans.find((s) => s.kind === SpanKind.INTERNAL);
    expect(request?.name).to.equal('valid_animal');
    expect(request?.attributes).to.include({
      [SPAN_ATTRIBUTE.scenario]: 'valid_animal',
      [SPAN_ATTRIBUTE.expectedStatus]: 201,
      [SPAN_ATTRIBUTE.expectation]: 'met',
    });
    expect(request?.status.code).to.equal(SpanStatusCode.UNSET);
    const attempts = attemptsOf(client.spans);
    expect(attempts).to.have.length(RETRY_LIMIT + 1);
    attempts.forEach((attempt, i) => {
      expect(attempt.name).to.equal(`POST ${ROUTE.animals}`);
      expect(attempt.parentSpanContext?.spanId).to.equal(request?.spanContext().spanId);
      expect(attempt.spanContext().traceId).to.equal(request?.spanContext().traceId);
      expect(attempt.attributes['http.request.resend_count']).to.equal(i === 0 ? undefined : i);
      expect(attempt.attributes).to.include({
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'network.protocol.version': '1.1',
        [SPAN_ATTRIBUTE.scenario]: 'valid_animal',
      });
      // Each attempt's traceparent names the attempt's own span as the parent.
      expect(server.traceparents[i]).to.equal(
        `00-${attempt.spanContext().traceId}-${attempt.spanContext().spanId}-01`,
      );
    });
    expect(attempts.map((a) => a.attributes['http.response.status_code'])).to.deep.equal([503, 503, 201]);
    expect(attempts.map((a) => a.status.code)).to.deep.equal([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.UNSET,
    ]);
    expect(attempts[0]?.attributes['error.type']).to.equal('503');
  });

  it('retries a refused connection, each attempt an error span with the error code', async () => {
    const server = await scriptedServer([201]);
    const url = server.url;
    await server.close();
    const client = tracedSender(url);
    try {
      const result = await client.send(plan('valid_animal'));
      expect(result).to.include({ outcome: 'network_error', expectation: 'unmet', status: undefined });
    } finally {
      await client.done();
    }
    const attempts = attemptsOf(client.spans);
    expect(attempts).to.have.length(RETRY_LIMIT + 1);
    for (const attempt of attempts) {
      expect(attempt.attributes['error.type']).to.equal('ECONNREFUSED');
      expect(attempt.status.code).to.equal(SpanStatusCode.ERROR);
    }
  });

  it('marks an attempt answered 4xx as an error, and the request as one only when its scenario expected otherwise', async () => {
    const server = await scriptedServer([400]);
    const client = tracedSender(server.url);
    try {
      expect((await client.send(plan('wrong_legs'))).expectation).to.equal('met');
      expect((await client.send(plan('valid_animal'))).expectation).to.equal('unmet');
    } finally {
      await client.done();
      await server.close();
    }
    const attempts = attemptsOf(client.spans);
    expect(attempts).to.have.length(2);
    for (const attempt of attempts) {
      expect(attempt.status.code).to.equal(SpanStatusCode.ERROR);
      expect(attempt.attributes['error.type']).to.equal('400');
    }
    const request = (scenario: string) =>
      client.spans.find((s) => s.kind === SpanKind.INTERNAL && s.name === scenario);
    expect(request('wrong_legs')?.status.code).to.equal(SpanStatusCode.UNSET);
    expect(request('valid_animal')?.status).to.deep.equal({
      code: SpanStatusCode.ERROR,
      message: 'expected 201, got 400',
    });
    expect(request('valid_animal')?.attributes[SPAN_ATTRIBUTE.expectation]).to.equal('unmet');
  });
});

describe('client logs: each request whose outcome its scenario did not expect', function () {
  this.timeout(20_000);

  it('is a warn or error line with method, route, status, scenario, latency and the trace id; the rest are debug', async () => {
    const server = await scriptedServer([201, 500, 400, 201, 'hang']);
    const client = tracedSender(server.url, 300);
    const results: SendResult[] = [];
    try {
      results.push(await client.send(plan('valid_animal'))); // 201: expected
      results.push(await client.send(plan('valid_animal'))); // 500: the server failed it
      results.push(await client.send(plan('valid_animal'))); // 400: a valid animal refused
      results.push(await client.send(plan('wrong_legs'))); // 201: an invalid animal accepted
      results.push(await client.send(plan('list_animals', 'GET'))); // no answer: timeout
    } finally {
      await client.done();
      await server.close();
    }
    expect(
      client.lines.map((l) => [l[LOG_FIELD.level], l[LOG_FIELD.message], l[LOG_FIELD.statusCode]]),
    ).to.deep.equal([
      ['debug', CLIENT_LOG_MESSAGE.expected, 201],
      ['error', CLIENT_LOG_MESSAGE.unexpected, 500],
      ['warn', CLIENT_LOG_MESSAGE.unexpected, 400],
      ['warn', CLIENT_LOG_MESSAGE.unexpected, 201],
      ['error', CLIENT_LOG_MESSAGE.unexpected, undefined],
    ]);
    client.lines.forEach((line, i) => {
      const result = results[i];
      expect(line[LOG_FIELD.traceId], `line ${i}`)
        .to.equal(result?.traceId)
        .and.match(/^[0-9a-f]{32}$/);
      expect(line[LOG_FIELD.durationMs]).to.be.a('number').and.at.least(0);
      expect(line).to.include({ [LOG_FIELD.outcome]: result?.outcome });
    });
    expect(client.lines[1]).to.include({
      [LOG_FIELD.method]: 'POST',
      [LOG_FIELD.route]: ROUTE.animals,
      [LOG_FIELD.scenario]: 'valid_animal',
      [LOG_FIELD.expectedStatus]: 201,
      [LOG_FIELD.outcome]: 'server_error',
    });
    expect(client.lines[3]).to.include({
      [LOG_FIELD.scenario]: 'wrong_legs',
      [LOG_FIELD.expectedStatus]: 400,
    });
    expect(client.lines[4]).to.include({
      [LOG_FIELD.method]: 'GET',
      [LOG_FIELD.outcome]: 'timeout',
      [LOG_FIELD.error]: 'ETIMEDOUT',
    });
    // The trace ids are those of the exported request spans.
    const exported = new Set(
      client.spans.filter((s) => s.kind === SpanKind.INTERNAL).map((s) => s.spanContext().traceId),
    );
    for (const result of results) expect(exported.has(result.traceId ?? '')).to.equal(true);
  });

  it('is logged without tracing too, then without a trace id', async () => {
    const server = await scriptedServer([500]);
    const client = tracedSender(server.url, 2000, false);
    try {
      // A 500 is not retried: one answer, one line.
      await client.send(plan('valid_animal'));
    } finally {
      await client.done();
      await server.close();
    }
    expect(client.lines).to.have.length(1);
    expect(client.lines[0]).to.include({
      [LOG_FIELD.level]: 'error',
      [LOG_FIELD.message]: CLIENT_LOG_MESSAGE.unexpected,
      [LOG_FIELD.statusCode]: 500,
    });
    expect(client.lines[0]).to.not.have.property(LOG_FIELD.traceId);
  });

  it('chooses the level from the outcome and the expectation', () => {
    expect(expectationOf('valid_animal', 201)).to.equal('met');
    expect(expectationOf('valid_animal', 507)).to.equal('unmet');
    expect(expectationOf('read_missing', 200)).to.equal('unmet');
    expect(expectationOf('wrong_content_type', 400)).to.equal('unmet');
    expect(expectationOf('retire_animal', undefined)).to.equal('unmet');
    expect(logLevelOf('success', 'met')).to.equal('debug');
    expect(logLevelOf('client_error', 'met')).to.equal('debug');
    expect(logLevelOf('client_error', 'unmet')).to.equal('warn');
    expect(logLevelOf('success', 'unmet')).to.equal('warn');
    for (const outcome of ['server_error', 'timeout', 'network_error'] as const) {
      expect(logLevelOf(outcome, 'unmet'), outcome).to.equal('error');
    }
  });
});

describe('client metrics: outcomes against expectations', () => {
  it('counts each answer by scenario, outcome and whether it was expected, every expected series from 0', async () => {
    const { registry } = createRegistry({ version: '1', revision: 'r' });
    const telemetry = clientTelemetry(registry, 10);
    const name = CLIENT_METRICS.expectations.name;
    const before = await registry.metrics();
    expect(before).to.include(`${name}{scenario="valid_animal",outcome="success",expectation="met"} 0`);
    expect(before).to.include(`${name}{scenario="wrong_legs",outcome="client_error",expectation="met"} 0`);
    telemetry.answered('valid_animal', 'success', 'met', 0.01, undefined);
    telemetry.answered('valid_animal', 'server_error', 'unmet', 0.01, undefined);
    telemetry.answered('valid_animal', 'server_error', 'unmet', 0.01, undefined);
    const after = await registry.metrics();
    expect(after).to.include(`${name}{scenario="valid_animal",outcome="success",expectation="met"} 1`);
    expect(after).to.include(`${name}{scenario="valid_animal",outcome="server_error",expectation="unmet"} 2`);
  });
});
