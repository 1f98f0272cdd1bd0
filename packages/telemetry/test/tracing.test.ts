import { type OtlpReceiver, startOtlpGrpcReceiver, startOtlpReceiver } from '@menagerie/test-support';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { expect } from 'chai';
import {
  BATCHING_DEFAULTS,
  readBatching,
  readSampler,
  type SpanDropReason,
  startTracing,
  type Tracing,
  type TracingOptions,
  withOtelEnvironment,
} from '../src/index.ts';

const resource = resourceFromAttributes({ 'service.name': 'svc', 'service.version': '1' });

/** startTracing as a service starts it: inside the given OTEL_* environment, warnings collected. */
function start(
  env: NodeJS.ProcessEnv,
  options: Partial<TracingOptions> = {},
): { tracing: Tracing; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (warning: string) => warnings.push(warning);
  const tracing = startTracing({ env, resource, scope: { name: 'svc', version: '1' }, warn, ...options });
  return { tracing, warnings };
}

/** One span through the tracing, then everything flushed and the globals reset. */
async function oneSpan(tracing: Tracing, name = 'work'): Promise<string> {
  const span = tracing.tracer?.startSpan(name, { kind: SpanKind.SERVER, attributes: { answer: 42 } });
  expect(span, 'a tracer').to.not.equal(undefined);
  span?.end();
  await tracing.shutdown();
  return span?.spanContext().traceId ?? '';
}

/** The value of `read` inside an environment, with its warnings. */
function read<T>(
  env: NodeJS.ProcessEnv,
  reader: (warn: (w: string) => void) => T,
): { value: T; warnings: string[] } {
  const warnings: string[] = [];
  const warn = (warning: string) => warnings.push(warning);
  return { value: withOtelEnvironment(env, warn, () => reader(warn)), warnings };
}

describe('tracing from the standard OpenTelemetry variables', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('exports over OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, with the resource', async () => {
    const { tracing, warnings } = start({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/` });
    expect(tracing.destination).to.equal(`otlp http/protobuf to ${receiver.endpoint}/v1/traces`);
    const traceId = await oneSpan(tracing);
    expect(receiver.spans).to.have.length(1);
    expect(receiver.spans[0]).to.include({ name: 'work', kind: 2, serviceName: 'svc', traceId });
    expect(receiver.spans[0]?.attributes.answer).to.equal(42);
    expect(receiver.exports.map((e) => e.protocol)).to.deep.equal(['http/protobuf']);
    expect(warnings).to.deep.equal([]);
  });

  it('exports to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT on its own, used as given', async () => {
    const { tracing } = start({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces` });
    expect(tracing.destination).to.equal(`otlp http/protobuf to ${receiver.endpoint}/v1/traces`);
    const traceId = await oneSpan(tracing);
    // The receiver answers 404 anywhere else, so a path appended twice would lose the span.
    expect(receiver.spans.map((s) => s.traceId)).to.deep.equal([traceId]);
  });

  it('prefers the TRACES_ endpoint over the general one', async () => {
    const { tracing } = start({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
    });
    await oneSpan(tracing);
    expect(receiver.spans).to.have.length(1);
  });

  it('speaks OTLP/HTTP JSON when OTEL_EXPORTER_OTLP_PROTOCOL says http/json', async () => {
    const { tracing } = start({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    expect(tracing.destination).to.equal(`otlp http/json to ${receiver.endpoint}/v1/traces`);
    const traceId = await oneSpan(tracing);
    expect(receiver.exports.map((e) => e.protocol)).to.deep.equal(['http/json']);
    expect(receiver.spans[0]).to.include({ name: 'work', kind: 2, serviceName: 'svc', traceId });
  });

  it('speaks OTLP/gRPC when OTEL_EXPORTER_OTLP_TRACES_PROTOCOL says grpc, over the general protocol, with the headers as metadata', async () => {
    const grpc = await startOtlpGrpcReceiver();
    try {
      const { tracing, warnings } = start({
        OTEL_EXPORTER_OTLP_ENDPOINT: grpc.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=menagerie',
      });
      expect(tracing.destination).to.equal(`otlp grpc to ${grpc.endpoint}`);
      const traceId = await oneSpan(tracing);
      expect(grpc.spans.map((s) => [s.name, s.traceId, s.serviceName])).to.deep.equal([
        ['work', traceId, 'svc'],
      ]);
      expect(grpc.exports[0]?.protocol).to.equal('grpc');
      expect(grpc.exports[0]?.headers['x-tenant']).to.equal('menagerie');
      expect(warnings).to.deep.equal([]);
    } finally {
      await grpc.close();
    }
  });

  it('sends the *_HEADERS (the TRACES_ ones over the general ones) and gzips when *_COMPRESSION says so', async () => {
    const { tracing } = start({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=menagerie,x-team=general',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
    });
    await oneSpan(tracing);
    expect(receiver.spans).to.have.length(1);
    expect(receiver.exports[0]?.headers).to.include({ 'x-tenant': 'menagerie', 'x-team': 'traces' });
    expect(receiver.exports[0]?.encoding).to.equal('gzip');
  });

  it('gives up on an export after OTEL_EXPORTER_OTLP_TIMEOUT and counts its spans as failed', async () => {
    const slow = await startOtlpReceiver({ delayMs: 3000 });
    const dropped: Record<SpanDropReason, number> = { queue_full: 0, export_failed: 0 };
    try {
      const { tracing } = start(
        { OTEL_EXPORTER_OTLP_ENDPOINT: slow.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '300' },
        { onSpansDropped: (reason, count) => (dropped[reason] += count) },
      );
      const started = performance.now();
      await oneSpan(tracing).catch(() => '');
      expect(performance.now() - started, 'within the timeout, not the collector').to.be.below(2000);
      expect(dropped.export_failed).to.equal(1);
    } finally {
      await slow.close();
    }
  });

  it('exports nothing but still records, propagates and continues traces without an endpoint or with OTEL_TRACES_EXPORTER=none', async () => {
    for (const env of [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_EXPORTER: 'none' },
    ]) {
      const { tracing } = start(env);
      expect(tracing.destination, JSON.stringify(env)).to.match(/^not exported \(/);
      const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const parent = propagation.extract(context.active(), { traceparent: incoming });
      const span = tracing.tracer?.startSpan('continued', {}, parent);
      expect(span?.isRecording()).to.equal(true);
      expect(span?.spanContext().traceId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span as never), headers);
      expect(headers.traceparent).to.match(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      span?.end();
      await tracing.shutdown();
    }
    expect(receiver.requests).to.equal(0);
  });

  it('writes spans to stdout with OTEL_TRACES_EXPORTER=console', async () => {
    const printed: unknown[] = [];
    const dir = console.dir;
    console.dir = (item: unknown) => printed.push(item);
    try {
      const { tracing } = start({ OTEL_TRACES_EXPORTER: 'console' });
      expect(tracing.destination).to.equal('console (stdout)');
      const traceId = await oneSpan(tracing, 'printed');
      expect(printed).to.have.length(1);
      expect(printed[0]).to.deep.include({ name: 'printed', traceId });
    } finally {
      console.dir = dir;
    }
  });

  it('sets nothing up with OTEL_SDK_DISABLED=true: no tracer, no export, no propagation', async () => {
    const { tracing } = start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SDK_DISABLED: 'true' });
    expect(tracing.tracer).to.equal(undefined);
    expect(tracing.destination).to.equal('off (OTEL_SDK_DISABLED=true)');
    expect(propagation.fields()).to.deep.equal([]);
    await tracing.shutdown();
    expect(receiver.requests).to.equal(0);
  });

  it('propagates what OTEL_PROPAGATORS names: tracecontext and baggage by default', async () => {
    const cases: [string | undefined, string[]][] = [
      [undefined, ['traceparent', 'tracestate', 'baggage']],
      ['tracecontext', ['traceparent', 'tracestate']],
      ['baggage', ['baggage']],
      ['baggage, tracecontext', ['baggage', 'traceparent', 'tracestate']],
      ['none', []],
    ];
    for (const [value, fields] of cases) {
      const { tracing } = start(value === undefined ? {} : { OTEL_PROPAGATORS: value });
      expect(propagation.fields(), String(value)).to.deep.equal(fields);
      await tracing.shutdown();
    }
  });

  it('counts spans dropped by a full queue and by failed exports', async () => {
    const failing = await startOtlpReceiver({ failWithStatus: 400 });
    const dropped: Record<SpanDropReason, number> = { queue_full: 0, export_failed: 0 };
    try {
      const { tracing } = start(
        { OTEL_EXPORTER_OTLP_ENDPOINT: failing.endpoint },
        {
          maxQueueSize: 3,
          scheduledDelayMillis: 60_000,
          onSpansDropped: (reason, count) => (dropped[reason] += count),
        },
      );
      // The first 3 fill a batch that goes out at once; while that export is
      // pending, 3 more fill the queue and the last 2 find it full.
      for (let i = 0; i < 8; i++) tracing.tracer?.startSpan(`s${i}`).end();
      expect(dropped.queue_full).to.equal(2);
      await tracing.shutdown().catch(() => {});
      expect(dropped.export_failed).to.equal(6);
    } finally {
      await failing.close();
    }
  });

  after(() => trace.disable());
});

describe('an OpenTelemetry setting that is not valid', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(async () => {
    await receiver.close();
    trace.disable();
  });

  // Each value gets exactly one warning naming its variable, and the
  // specification's default (or ours, for the batch processor) instead.
  const cases: [string, string, (tracing: Tracing) => void][] = [
    ['OTEL_TRACES_SAMPLER', 'foo', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_TRACES_EXPORTER', 'jaeger', (t) => expect(t.destination).to.match(/^not exported/)],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'smoke-signals',
      (t) => expect(t.destination).to.match(/^otlp http\/protobuf/),
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
      'udp',
      (t) => expect(t.destination).to.match(/^otlp http\/protobuf/),
    ],
    ['OTEL_PROPAGATORS', 'b3', () => expect(propagation.fields()).to.include('traceparent')],
    ['OTEL_SDK_DISABLED', 'maybe', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '0', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_BSP_SCHEDULE_DELAY', 'soon', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '-5', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'forever', (t) => expect(t.tracer).to.not.equal(undefined)],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', 'zip', (t) => expect(t.tracer).to.not.equal(undefined)],
  ];
  for (const [name, value, fallback] of cases) {
    it(`${name}=${value}: one warning, then the default`, async () => {
      const { tracing, warnings } = start({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, [name]: value });
      expect(warnings, warnings.join('\n')).to.have.length(1);
      expect(warnings[0]).to.include(name);
      fallback(tracing);
      const before = receiver.spans.length;
      if (tracing.destination.startsWith('otlp')) {
        await oneSpan(tracing);
        expect(receiver.spans.length, 'still exported').to.equal(before + 1);
      } else await tracing.shutdown();
    });
  }

  it('OTEL_TRACES_SAMPLER and its argument fall back to the specification defaults', () => {
    const sampler = (env: NodeJS.ProcessEnv) => read(env, readSampler);
    expect(sampler({}).value.toString()).to.match(/^ParentBased\{root=AlwaysOnSampler/);
    expect(sampler({ OTEL_TRACES_SAMPLER: 'always_off' }).value.toString()).to.equal('AlwaysOffSampler');
    expect(
      sampler({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).value.toString(),
    ).to.match(/TraceIdRatioBased\{0\.25\}/);
    const unknown = sampler({ OTEL_TRACES_SAMPLER: 'sometimes' });
    expect(unknown.value.toString()).to.match(/^ParentBased\{root=AlwaysOnSampler/);
    expect(unknown.warnings).to.have.length(1);
    for (const arg of ['2', 'half']) {
      const ratio = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg });
      expect(ratio.value.toString(), arg).to.equal('TraceIdRatioBased{1}');
      expect(ratio.warnings, arg).to.have.length(1);
    }
  });

  it('the batch processor settings fall back to our defaults, the batch never larger than the queue', () => {
    expect(read({}, readBatching).value).to.deep.equal(BATCHING_DEFAULTS);
    expect(
      read(
        {
          OTEL_BSP_MAX_QUEUE_SIZE: '100',
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
          OTEL_BSP_SCHEDULE_DELAY: '250',
        },
        readBatching,
      ).value,
    ).to.deep.equal({ maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMillis: 250 });
    expect(read({ OTEL_BSP_MAX_QUEUE_SIZE: '100' }, readBatching).value.maxExportBatchSize).to.equal(100);
    const invalid = read(
      { OTEL_BSP_MAX_QUEUE_SIZE: '0', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'many', OTEL_BSP_SCHEDULE_DELAY: '-5' },
      readBatching,
    );
    expect(invalid.value).to.deep.equal(BATCHING_DEFAULTS);
    expect(invalid.warnings).to.have.length(3);
  });
});

describe('withOtelEnvironment', () => {
  it('puts exactly the given OTEL_* variables in process.env while it runs, and restores them', () => {
    process.env.OTEL_SERVICE_NAME = 'outer';
    try {
      const seen = withOtelEnvironment(
        { OTEL_PROPAGATORS: 'none', PATH: '/nowhere' },
        () => {},
        () => ({
          service: process.env.OTEL_SERVICE_NAME,
          propagators: process.env.OTEL_PROPAGATORS,
          path: process.env.PATH,
        }),
      );
      expect(seen).to.deep.equal({ service: undefined, propagators: 'none', path: process.env.PATH });
      expect(process.env.OTEL_SERVICE_NAME).to.equal('outer');
      expect(process.env.OTEL_PROPAGATORS).to.equal(undefined);
    } finally {
      delete process.env.OTEL_SERVICE_NAME;
    }
  });
});
