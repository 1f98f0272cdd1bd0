import { PassThrough } from 'node:stream';
import { LOG_FIELD } from '@menagerie/contract';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { expect } from 'chai';
import { createLogger, LINE_BATCH_MAX_BYTES } from '../src/index.ts';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe('logger', () => {
  it('writes one flat JSON object per line with the contract fields', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ service: 'svc', stream });
    log.info('hello', { [LOG_FIELD.route]: '/animals', [LOG_FIELD.statusCode]: 201 });
    await log.close();
    expect(lines).to.have.length(1);
    const line = lines[0] as Record<string, unknown>;
    expect(line[LOG_FIELD.message]).to.equal('hello');
    expect(line[LOG_FIELD.level]).to.equal('info');
    expect(line[LOG_FIELD.service]).to.equal('svc');
    expect(new Date(String(line[LOG_FIELD.time])).toISOString()).to.equal(line[LOG_FIELD.time]);
    expect(line[LOG_FIELD.route]).to.equal('/animals');
    expect(line).not.to.have.property(LOG_FIELD.traceId);
  });

  it('writes each line as JSON.stringify writes the record, whatever the values, a field replacing a base one', async () => {
    const { stream, lines } = capture();
    const raw: string[] = [];
    stream.on('data', (chunk: Buffer) => raw.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const log = createLogger({ service: 'svc "quoted" ü', stream });
    const fields = {
      text: 'a "quote", a \\ backslash, a\nnewline, \u0001 and 🦓',
      integer: 201,
      float: 1.25,
      negativeZero: -0,
      notANumber: Number.NaN,
      infinite: Number.NEGATIVE_INFINITY,
      yes: true,
      list: ['a', 'b "c"'],
      missing: undefined,
      'odd "key"': 'x',
    };
    log.warn('message with "quotes"', fields);
    log.info('replaces a base field', { [LOG_FIELD.level]: 'custom', [LOG_FIELD.service]: 'other' });
    await log.close();
    const time = (i: number) => lines[i]?.[LOG_FIELD.time];
    expect(raw[0]).to.equal(
      JSON.stringify({
        [LOG_FIELD.time]: time(0),
        [LOG_FIELD.level]: 'warn',
        [LOG_FIELD.message]: 'message with "quotes"',
        [LOG_FIELD.service]: 'svc "quoted" ü',
        ...fields,
      }),
    );
    expect(raw[1]).to.equal(
      JSON.stringify({
        [LOG_FIELD.time]: time(1),
        [LOG_FIELD.level]: 'custom',
        [LOG_FIELD.message]: 'replaces a base field',
        [LOG_FIELD.service]: 'other',
      }),
    );
  });

  it('drops lines below the level', async () => {
    const { stream, lines } = capture();
    const log = createLogger({ service: 'svc', level: 'warn', stream });
    log.info('quiet');
    log.debug('quieter');
    log.warn('loud');
    log.error('louder');
    await log.close();
    expect(lines.map((l) => l[LOG_FIELD.message])).to.deep.equal(['loud', 'louder']);
  });

  it('adds trace_id and span_id while a span is active', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })],
    });
    try {
      const { stream, lines } = capture();
      const log = createLogger({ service: 'svc', stream });
      const span = provider.getTracer('t').startSpan('s');
      context.with(trace.setSpan(context.active(), span), () => log.warn('inside'));
      log.warn('outside');
      span.end();
      await log.close();
      expect(lines[0]?.[LOG_FIELD.traceId]).to.equal(span.spanContext().traceId);
      expect(lines[0]?.[LOG_FIELD.spanId]).to.equal(span.spanContext().spanId);
      expect(lines[1]).not.to.have.property(LOG_FIELD.traceId);
    } finally {
      context.disable();
      await provider.shutdown();
    }
  });

  it('writes the lines of one event-loop turn with one write, in order, and the rest on close', async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')));
    const log = createLogger({ service: 'svc', stream });
    for (let i = 0; i < 50; i++) log.info(`line ${i}`);
    expect(writes, 'nothing written before the turn ends').to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).to.have.length(1);
    const first = (writes[0] as string).split('\n').filter(Boolean);
    expect(first.map((l) => JSON.parse(l)[LOG_FIELD.message])).to.deep.equal(
      Array.from({ length: 50 }, (_, i) => `line ${i}`),
    );
    log.warn('last');
    await log.close();
    expect(writes).to.have.length(2);
    expect(JSON.parse(writes[1] as string)[LOG_FIELD.message]).to.equal('last');
  });

  it('writes at once when a turn logs more than the batch limit', async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')));
    const log = createLogger({ service: 'svc', stream });
    const big = 'x'.repeat(1024);
    for (let i = 0; i < 100; i++) log.info(big);
    // 100 lines of over 1 KiB are more than LINE_BATCH_MAX_BYTES: one write happened within the turn.
    await Promise.resolve();
    expect(writes.length).to.be.at.least(1);
    const written = writes.join('').split('\n').filter(Boolean).length;
    expect(written).to.be.at.least(Math.floor(LINE_BATCH_MAX_BYTES / 1100));
    await log.close();
    expect(writes.join('').split('\n').filter(Boolean)).to.have.length(100);
  });
});
