/**
 * The stock OpenTelemetry set-up, loaded with `node --import` before the
 * server: the Node SDK with the http and koa auto-instrumentations, 100%
 * sampling (OTEL_TRACES_SAMPLER) and the OTLP HTTP/protobuf exporter
 * (OTEL_EXPORTER_OTLP_ENDPOINT), as their documentation sets them up for an
 * ES module application. Only the benchmark loads it.
 */
import { register } from 'node:module';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { NodeSDK } from '@opentelemetry/sdk-node';

// ES modules are instrumented through import-in-the-middle's loader hook.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

export const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  instrumentations: [new HttpInstrumentation(), new KoaInstrumentation()],
});
sdk.start();
