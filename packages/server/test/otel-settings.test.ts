import { LOG_FIELD, ROUTE } from '@menagerie/contract';
import { IGNORED_SETTING_MESSAGE } from '@menagerie/telemetry';
import { startOtlpReceiver } from '@menagerie/test-support';
import { expect } from 'chai';
import { parseHostHeader } from '../src/http/server-address.ts';
import { startChild } from './children.ts';
import { postJson, send, startTestServer } from './helpers.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
const dog = { name: 'Rex', species: 'dog', legs: 4 };

describe('server spans: HTTP semantic conventions', () => {
  it('carry server.address, server.port, client.address and network.protocol.version', async () => {
    const receiver = await startOtlpReceiver();
    const server = await startTestServer({}, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
    try {
      expect((await postJson(server.url, dog, { traceparent })).status).to.equal(201);
      await send(server.url, { path: ROUTE.animals, headers: { host: 'registry.example:8443' } });
    } finally {
      await server.close();
      await receiver.close();
    }
    const serverSpans = receiver.spans.filter((s) => s.kind === 2);
    expect(serverSpans.find((s) => s.traceId === traceId)?.attributes).to.include({
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'client.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'url.scheme': 'http',
    });
    const named = serverSpans.find((s) => s.name === `GET ${ROUTE.animals}`);
    expect(named?.attributes).to.include({ 'server.address': 'registry.example', 'server.port': 8443 });
  });

  it('keep a method outside the known set in http.request.method_original, and name the span HTTP', async () => {
    const receiver = await startOtlpReceiver();
    const server = await startTestServer({}, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
    try {
      await send(server.url, { path: ROUTE.animals, method: 'PROPFIND' });
      await send(server.url, { path: ROUTE.animals, method: 'GET' });
    } finally {
      await server.close();
      await receiver.close();
    }
    const other = receiver.spans.find((s) => s.attributes['http.request.method'] === '_OTHER');
    expect(other?.attributes['http.request.method_original']).to.equal('PROPFIND');
    expect(other?.name).to.match(/^HTTP( |$)/);
    const known = receiver.spans.find((s) => s.attributes['http.request.method'] === 'GET');
    expect(known?.attributes).to.not.have.property('http.request.method_original');
  });

  it('read server.address and server.port from the Host header', () => {
    expect(parseHostHeader('example.com', 'http')).to.deep.equal({ address: 'example.com', port: 80 });
    expect(parseHostHeader('example.com', 'https')).to.deep.equal({ address: 'example.com', port: 443 });
    expect(parseHostHeader('example.com:8080', 'http')).to.deep.equal({ address: 'example.com', port: 8080 });
    expect(parseHostHeader('[::1]:8080', 'http')).to.deep.equal({ address: '::1', port: 8080 });
    expect(parseHostHeader('[::1]', 'http')).to.deep.equal({ address: '::1', port: 80 });
    for (const bad of [undefined, '', 'a b', 'host:99999', 'host:port', '[::1', 'user@host:80:80']) {
      expect(parseHostHeader(bad, 'http'), String(bad)).to.equal(undefined);
    }
  });
});

describe('server: propagation does not depend on export', () => {
  for (const [what, env] of [
    ['no OTLP endpoint', {}],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ] as const) {
    it(`with ${what}, continues an incoming traceparent and logs its trace id`, async () => {
      const receiver = await startOtlpReceiver();
      const server = await startTestServer(
        {},
        {
          env: {
            ...env,
            ...('OTEL_TRACES_EXPORTER' in env ? { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } : {}),
          },
        },
      );
      try {
        expect(server.logs[0]?.traces).to.match(/^not exported \(/);
        expect((await postJson(server.url, dog, { traceparent })).status).to.equal(201);
        expect((await postJson(server.url, dog)).status).to.equal(201);
      } finally {
        await server.close();
        await receiver.close();
      }
      expect(receiver.requests).to.equal(0);
      const lines = server.logs.filter((l) => l.msg === 'request');
      expect(lines).to.have.length(2);
      expect(lines[0]?.[LOG_FIELD.traceId]).to.equal(traceId);
      // A request without a caller's trace starts one of its own.
      expect(lines[1]?.[LOG_FIELD.traceId])
        .to.match(/^[0-9a-f]{32}$/)
        .and.not.equal(traceId);
    });
  }
});

describe('server process: the OpenTelemetry settings', function () {
  this.timeout(30_000);

  it('starts with an invalid OTEL_TRACES_SAMPLER, after one warning, with the default sampler', async () => {
    const receiver = await startOtlpReceiver();
    const child = await startChild({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_TRACES_SAMPLER: 'foo',
      FAULTS: 'off',
    });
    try {
      expect((await postJson(child.url, dog)).status).to.equal(201);
      expect(await child.stop()).to.equal(0);
      const warnings = child.lines.filter((l) => l.level === 'warn');
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.include({ msg: IGNORED_SETTING_MESSAGE });
      expect(String(warnings[0]?.detail)).to.include('OTEL_TRACES_SAMPLER');
      // parentbased_always_on: the root request is sampled and exported.
      expect(receiver.spans.filter((s) => s.kind === 2)).to.have.length(1);
    } finally {
      if (child.process.exitCode === null) await child.stop();
      await receiver.close();
    }
  });

  it('with OTEL_SDK_DISABLED=true records no spans, exports nothing and continues no trace', async () => {
    const receiver = await startOtlpReceiver();
    const child = await startChild({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_SDK_DISABLED: 'true',
      FAULTS: 'off',
    });
    try {
      expect(child.lines[0]?.traces).to.equal('off (OTEL_SDK_DISABLED=true)');
      expect((await postJson(child.url, dog, { traceparent })).status).to.equal(201);
      expect(await child.stop()).to.equal(0);
    } finally {
      if (child.process.exitCode === null) await child.stop();
      await receiver.close();
    }
    expect(receiver.requests).to.equal(0);
    const line = child.lines.find((l) => l.msg === 'request');
    expect(line).to.not.equal(undefined);
    expect(line).to.not.have.property(LOG_FIELD.traceId);
  });

  it('honours OTEL_EXPORTER_OTLP_TRACES_ENDPOINT on its own', async () => {
    const receiver = await startOtlpReceiver();
    const child = await startChild({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      FAULTS: 'off',
    });
    try {
      expect(child.lines[0]?.traces).to.equal(`otlp http/protobuf to ${receiver.endpoint}/v1/traces`);
      expect((await postJson(child.url, dog, { traceparent })).status).to.equal(201);
      expect(await child.stop()).to.equal(0);
    } finally {
      if (child.process.exitCode === null) await child.stop();
      await receiver.close();
    }
    expect(receiver.spans.filter((s) => s.kind === 2).map((s) => s.traceId)).to.deep.equal([traceId]);
  });
});
