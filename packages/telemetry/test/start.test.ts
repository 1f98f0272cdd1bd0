import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { LOG_FIELD, TARGET_INFO } from '@menagerie/contract';
import { ALL_SIGNALS } from '@menagerie/settings';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { expect } from 'chai';
import {
  IGNORED_SETTING_MESSAGE,
  renderMetrics,
  startTelemetry,
  type TelemetryOptions,
  targetInfoLabels,
} from '../src/index.ts';

async function started(env: NodeJS.ProcessEnv, options: Partial<TelemetryOptions> = {}) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line));
  });
  const telemetry = startTelemetry({
    defaultServiceName: 'svc',
    build: { version: '1.2.3', revision: 'abc' },
    signals: ALL_SIGNALS,
    logLevel: 'info',
    env,
    logStream: stream,
    ...options,
  });
  await telemetry.flushSpans();
  await telemetry.log.close();
  return { telemetry, lines };
}

describe('startTelemetry', () => {
  it('logs one warn line for each OpenTelemetry setting it ignores, and starts', async () => {
    const { telemetry, lines } = await started({
      OTEL_TRACES_SAMPLER: 'foo',
      OTEL_PROPAGATORS: 'tracecontext,b3',
      OTEL_SDK_DISABLED: 'perhaps',
    });
    expect(telemetry.tracer).to.not.equal(undefined);
    const warnings = lines.filter((l) => l[LOG_FIELD.level] === 'warn');
    expect(warnings.map((l) => l[LOG_FIELD.message])).to.deep.equal(Array(3).fill(IGNORED_SETTING_MESSAGE));
    const details = warnings.map((l) => String(l.detail));
    for (const name of ['OTEL_TRACES_SAMPLER', 'OTEL_PROPAGATORS', 'OTEL_SDK_DISABLED']) {
      expect(
        details.filter((d) => d.includes(name)),
        name,
      ).to.have.length(1);
    }
  });

  it('logs nothing of the kind when every setting is valid', async () => {
    const { lines } = await started({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_PROPAGATORS: 'tracecontext' });
    expect(lines).to.deep.equal([]);
  });

  it('names the service by OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES, else its default', async () => {
    const name = async (env: NodeJS.ProcessEnv) => (await started(env)).telemetry.serviceName;
    expect(await name({})).to.equal('svc');
    expect(await name({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' })).to.equal(
      'from-attributes',
    );
    expect(
      await name({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes', OTEL_SERVICE_NAME: 'renamed' }),
    ).to.equal('renamed');
  });

  it('leaves tracing off, and says why, when TELEMETRY or OTEL_SDK_DISABLED turns it off', async () => {
    const off = await started({}, { signals: { ...ALL_SIGNALS, traces: false } });
    expect(off.telemetry.tracer).to.equal(undefined);
    expect(off.telemetry.tracesDestination).to.equal('off (TELEMETRY=metrics,logs)');
    const disabled = await started({ OTEL_SDK_DISABLED: 'TRUE' });
    expect(disabled.telemetry.tracer).to.equal(undefined);
    expect(disabled.telemetry.tracesDestination).to.equal('off (OTEL_SDK_DISABLED=true)');
  });

  it('exposes the resource as target_info, which promtool accepts', async () => {
    const { telemetry } = await started({
      OTEL_SERVICE_NAME: 'renamed',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=test,k8s.pod.name=p-1,service.instance.id=p-1-uid',
    });
    const { body } = await renderMetrics(telemetry.metrics?.registry as never, 'text');
    const line = body.split('\n').find((l) => l.startsWith(`${TARGET_INFO.name}{`));
    expect(line).to.equal(
      `${TARGET_INFO.name}{deployment_environment="test",k8s_pod_name="p-1",service_version="1.2.3"} 1`,
    );
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(promtool.error, 'promtool must be installed (scripts/test.sh installs it)').to.equal(undefined);
    expect(`${promtool.stdout}${promtool.stderr}`.trim()).to.equal('');
    const openMetrics = await renderMetrics(telemetry.metrics?.registry as never, 'openmetrics');
    expect(openMetrics.body).to.include(`${TARGET_INFO.name}{deployment_environment="test"`);
  });
});

describe('target_info labels', () => {
  it('turns attribute names into label names, joins the ones that collide, and leaves out job and instance', () => {
    const labels = targetInfoLabels(
      resourceFromAttributes({
        'service.name': 'svc',
        'service.namespace': 'ns',
        'service.instance.id': 'i',
        'a.b': 'dotted',
        a_b: 'underscored',
        '9lives': 'cat',
        'host.arch': 'amd64',
        'process.pid': 42,
        enabled: true,
      }),
    );
    expect(labels).to.deep.equal({
      key_9lives: 'cat',
      a_b: 'dotted;underscored',
      enabled: 'true',
      host_arch: 'amd64',
      process_pid: '42',
    });
  });
});
