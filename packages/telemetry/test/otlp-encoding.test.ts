import { ExportTraceServiceRequest } from '@menagerie/test-support';
import {
  type Attributes,
  context,
  type Link,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { expect } from 'chai';
import protobuf from 'protobufjs';
import { ProtobufWriter } from '../src/otlp/protobuf-writer.ts';
import { exportTraceServiceRequest } from '../src/otlp/span-encoding.ts';
import { type EncodedBatch, StreamingSpanProcessor } from '../src/otlp/streaming-span-processor.ts';

/** A request decoded with every field, 64-bit numbers as strings so none is rounded. */
function decode(bytes: Uint8Array): unknown {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
    longs: String,
    bytes: String,
    defaults: false,
  });
}

/** A sender that keeps what it is given and answers as told. */
function capturingSender(answer: 'success' | 'failure' | 'never' = 'success') {
  const batches: EncodedBatch[] = [];
  const pending: (() => void)[] = [];
  return {
    batches,
    /** Answers the sends held back by `never`. */
    release: () => {
      for (const done of pending.splice(0)) done();
    },
    send(batch: EncodedBatch, done: (result: { code: number }) => void) {
      batches.push(batch);
      if (answer === 'never') pending.push(() => done({ code: 0 }));
      else done({ code: answer === 'success' ? 0 : 1 });
    },
    shutdown: async () => {},
  };
}

const resource = resourceFromAttributes({
  'service.name': 'menagerie-server',
  'service.version': '1.2.3',
  'host.cpus': 2,
});

function provider(processors: SpanProcessor[]): TracerProvider {
  return new TracerProvider({
    resource,
    spanProcessors: processors,
    spanLimits: {
      attributeCountLimit: 40,
      eventCountLimit: 2,
      linkCountLimit: 1,
      attributeValueLengthLimit: 30_000,
    },
  });
}

const every: Attributes = {
  ascii: 'POST /animals',
  unicode: 'zèbre 🦓 キリン',
  long: 'x'.repeat(200),
  huge: 'y'.repeat(20_000),
  zero: 0,
  answer: 42,
  port: 8080,
  minusOne: -1,
  negative: -(2 ** 40),
  maxSafe: Number.MAX_SAFE_INTEGER,
  huge_int: 2 ** 60,
  beyond_int64: 2 ** 64,
  pi: Math.PI,
  negative_half: -0.5,
  infinite: Number.POSITIVE_INFINITY,
  yes: true,
  no: false,
  strings: ['a', 'bé', ''],
  numbers: [1, 2.5, -3],
  booleans: [true, false],
};

/** Spans with every field the encoder writes: kinds, parents, remote parents, trace state, events, links, statuses, dropped counts. */
function makeSpans(tracerProvider: TracerProvider): void {
  const tracer = tracerProvider.getTracer('menagerie-server', '1.2.3');
  const other = tracerProvider.getTracer('other-scope');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=1'),
  });
  const server = tracer.startSpan('POST /animals', { kind: SpanKind.SERVER, attributes: every }, remote);
  const inside = trace.setSpan(context.active(), server);
  const link: Link = {
    context: {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
      traceState: new TraceState('k=v'),
    },
    attributes: { why: 'follows' },
  };
  const child = tracer.startSpan('validate animal', { links: [link, link] }, inside);
  child.addEvent('checked', { rule: 'legs', count: 4 });
  child.addEvent('second', [1700000000, 123456789]);
  child.addEvent('dropped');
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'horses have 4 legs, not 3' });
  child.end();
  for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    other
      .startSpan(`kind ${kind}`, { kind, startTime: [1, 999_999_999] }, inside)
      .end([4294967295, 999_999_999]);
  }
  const many: Attributes = {};
  for (let i = 0; i < 50; i++) many[`a${i}`] = i;
  tracer.startSpan('too many attributes', { attributes: many }, inside).end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
}

describe('OTLP span encoding', () => {
  it('writes what the stock protobuf serializer writes, field for field', async () => {
    const sender = capturingSender();
    const kept = new InMemorySpanExporter();
    const tracerProvider = provider([
      new StreamingSpanProcessor({
        sender,
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 60_000,
      }),
      new SimpleSpanProcessor({ exporter: kept }),
    ]);
    makeSpans(tracerProvider);
    await tracerProvider.forceFlush();
    const spans: ReadableSpan[] = kept.getFinishedSpans();
    expect(spans).to.have.length(7);
    expect(sender.batches).to.have.length(1);
    const ours = exportTraceServiceRequest(sender.batches[0]?.groups ?? []);
    const stock = ProtobufTraceSerializer.serializeRequest(spans);
    expect(stock).to.not.equal(undefined);
    const expected = decode(stock as Uint8Array) as { resource_spans: { scope_spans: unknown[] }[] };
    // The fixture reaches every part: two scopes, dropped events, links and attributes.
    expect(expected.resource_spans[0]?.scope_spans).to.have.length(2);
    expect(JSON.stringify(expected))
      .to.include('"dropped_events_count":1')
      .and.include('"dropped_links_count":1');
    expect(decode(ours)).to.deep.equal(expected);
    await tracerProvider.shutdown();
  });

  it('writes nested lengths of one, two and three bytes', () => {
    for (const size of [0, 127, 128, 16_383, 16_384, 70_000]) {
      const writer = new ProtobufWriter(16);
      writer.tag(1, 2);
      const start = writer.begin();
      writer.append(Buffer.alloc(size, 7));
      writer.end(start);
      const reader = protobuf.Reader.create(writer.bytes());
      expect(reader.uint32()).to.equal((1 << 3) | 2);
      const bytes = reader.bytes();
      expect(bytes.length, String(size)).to.equal(size);
      expect(bytes.every((b) => b === 7)).to.equal(true);
      expect(reader.pos).to.equal(writer.position);
    }
  });

  it('writes varints as protobuf reads them, negative integers as 64-bit two’s complement', () => {
    const values = [
      0,
      1,
      127,
      128,
      300,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -300,
      -(2 ** 32),
      -(2 ** 53 - 1),
    ];
    const writer = new ProtobufWriter(1);
    for (const value of values) writer.varint(value);
    const reader = protobuf.Reader.create(writer.bytes());
    for (const value of values) expect(String(reader.int64()), String(value)).to.equal(String(value));
    expect(reader.pos).to.equal(writer.position);
  });
});

describe('the streaming span processor', () => {
  const spansOf = (batch: EncodedBatch | undefined) => {
    const decoded = decode(exportTraceServiceRequest(batch?.groups ?? [])) as {
      resource_spans: { scope_spans: { spans: { name: string }[] }[] }[];
    };
    return decoded.resource_spans.flatMap((r) =>
      r.scope_spans.flatMap((s) => s.spans.map((span) => span.name)),
    );
  };

  it('sends full batches at once, one at a time, in order, and the rest on a flush', async () => {
    const sender = capturingSender('never');
    const processor = new StreamingSpanProcessor({
      sender,
      maxQueueSize: 100,
      maxExportBatchSize: 2,
      scheduledDelayMillis: 60_000,
    });
    const tracer = provider([processor]).getTracer('t');
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    // The first full batch went at once; the second waits for it.
    expect(sender.batches.map(spansOf)).to.deep.equal([['s0', 's1']]);
    const flushed = processor.forceFlush();
    sender.release();
    await new Promise((resolve) => setImmediate(resolve));
    sender.release();
    await new Promise((resolve) => setImmediate(resolve));
    sender.release();
    await flushed;
    expect(sender.batches.map(spansOf)).to.deep.equal([['s0', 's1'], ['s2', 's3'], ['s4']]);
    expect(sender.batches.map((b) => b.spanCount)).to.deep.equal([2, 2, 1]);
  });

  it('sends a partial batch once OTEL_BSP_SCHEDULE_DELAY has passed', async () => {
    const sender = capturingSender();
    const tracer = provider([
      new StreamingSpanProcessor({
        sender,
        maxQueueSize: 100,
        maxExportBatchSize: 50,
        scheduledDelayMillis: 20,
      }),
    ]).getTracer('t');
    tracer.startSpan('alone').end();
    expect(sender.batches).to.have.length(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sender.batches.map(spansOf)).to.deep.equal([['alone']]);
  });

  it('holds at most the queue while a send hangs, counting every span it drops', async () => {
    const sender = capturingSender('never');
    const dropped = { queue_full: 0, export_failed: 0 };
    const processor = new StreamingSpanProcessor({
      sender,
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      scheduledDelayMillis: 60_000,
      onSpansDropped: (reason, count) => {
        dropped[reason] += count;
      },
    });
    const tracer = provider([processor]).getTracer('t');
    for (let i = 0; i < 1000; i++) tracer.startSpan(`s${i}`).end();
    // 5 in the send that hangs, 10 queued, the rest dropped.
    expect(sender.batches).to.have.length(1);
    expect(dropped).to.deep.equal({ queue_full: 985, export_failed: 0 });
  });

  it('counts a failed batch’s spans as export_failed and goes on with the next', async () => {
    const sender = capturingSender('failure');
    const dropped = { queue_full: 0, export_failed: 0 };
    const processor = new StreamingSpanProcessor({
      sender,
      maxQueueSize: 100,
      maxExportBatchSize: 3,
      scheduledDelayMillis: 60_000,
      onSpansDropped: (reason, count) => {
        dropped[reason] += count;
      },
    });
    const tracer = provider([processor]).getTracer('t');
    for (let i = 0; i < 7; i++) tracer.startSpan(`s${i}`).end();
    await processor.forceFlush();
    expect(sender.batches.map((b) => b.spanCount)).to.deep.equal([3, 3, 1]);
    expect(dropped).to.deep.equal({ queue_full: 0, export_failed: 7 });
  });
});
