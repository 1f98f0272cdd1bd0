import { startOtlpReceiver } from '@menagerie/test-support';
import { SpanKind, trace } from '@opentelemetry/api';
import { expect } from 'chai';
import {
  BATCHING_DEFAULTS,
  batchingFromEnv,
  type SpanDropReason,
  samplerFromEnv,
  startTracing,
} from '../src/index.ts';

describe('tracing', () => {
  it('sets nothing up without an endpoint, and says so', async () => {
    const tracing = startTracing({ defaultServiceName: 'svc', serviceVersion: '1', env: {} });
    expect(tracing.exportUrl).to.equal(undefined);
    const span = tracing.tracer.startSpan('x');
    expect(span.isRecording()).to.equal(false);
    span.end();
    await tracing.shutdown();
  });

  it('exports spans over OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT with the service name', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing({
      defaultServiceName: 'svc',
      serviceVersion: '1',
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/`,
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test',
      },
    });
    try {
      expect(tracing.exportUrl).to.equal(`${receiver.endpoint}/v1/traces`);
      const span = tracing.tracer.startSpan('work', { kind: SpanKind.SERVER, attributes: { answer: 42 } });
      span.end();
      await tracing.shutdown();
      expect(receiver.spans).to.have.length(1);
      expect(receiver.spans[0]).to.include({
        name: 'work',
        kind: 2,
        serviceName: 'svc',
        traceId: span.spanContext().traceId,
      });
      expect(receiver.spans[0]?.attributes.answer).to.equal(42);
    } finally {
      await receiver.close();
    }
  });

  it('uses OTEL_SERVICE_NAME over the default name', async () => {
    const tracing = startTracing({
      defaultServiceName: 'svc',
      serviceVersion: '1',
      env: { OTEL_SERVICE_NAME: 'renamed', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
    expect(tracing.serviceName).to.equal('renamed');
    await tracing.shutdown().catch(() => {});
  });

  it('counts spans dropped by a full queue and by failed exports', async () => {
    const receiver = await startOtlpReceiver({ failWithStatus: 400 });
    const dropped: Record<SpanDropReason, number> = { queue_full: 0, export_failed: 0 };
    const tracing = startTracing({
      defaultServiceName: 'svc',
      serviceVersion: '1',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      maxQueueSize: 3,
      scheduledDelayMillis: 60_000,
      onSpansDropped: (reason, count) => {
        dropped[reason] += count;
      },
    });
    try {
      // The first 3 fill a batch that goes out at once; while that export is
      // pending, 3 more fill the queue and the last 2 find it full.
      for (let i = 0; i < 8; i++) tracing.tracer.startSpan(`s${i}`).end();
      expect(dropped.queue_full).to.equal(2);
      await tracing.shutdown().catch(() => {});
      expect(dropped.export_failed).to.equal(6);
    } finally {
      await receiver.close();
    }
  });

  it('reads the batch processor settings from the standard OTEL_BSP_* variables, over its defaults', () => {
    expect(batchingFromEnv({})).to.deep.equal(BATCHING_DEFAULTS);
    expect(
      batchingFromEnv({
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
        OTEL_BSP_SCHEDULE_DELAY: '250',
      }),
    ).to.deep.equal({ maxQueueSize: 100, maxExportBatchSize: 50, scheduledDelayMillis: 250 });
    expect(
      batchingFromEnv({ OTEL_BSP_MAX_QUEUE_SIZE: '100' }).maxExportBatchSize,
      'never above the queue',
    ).to.equal(100);
    for (const [name, value] of [
      ['OTEL_BSP_MAX_QUEUE_SIZE', '0'],
      ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'many'],
      ['OTEL_BSP_SCHEDULE_DELAY', '-5'],
    ] as const) {
      expect(() => batchingFromEnv({ [name]: value }), name).to.throw(name);
    }
  });

  it('reads the sampler from OTEL_TRACES_SAMPLER and its argument', () => {
    expect(samplerFromEnv({}).toString()).to.match(/ParentBased\{root=AlwaysOnSampler/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).to.equal('AlwaysOffSampler');
    expect(
      samplerFromEnv({
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }).toString(),
    ).to.match(/TraceIdRatioBased\{0\.25\}/);
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: 'sometimes' })).to.throw(/not supported/);
    expect(() =>
      samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }),
    ).to.throw(/ratio between 0 and 1/);
  });

  after(() => trace.disable());
});
