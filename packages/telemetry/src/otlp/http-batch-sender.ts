import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { exportTraceServiceRequest } from './span-encoding.ts';
import type { BatchSender, EncodedBatch } from './streaming-span-processor.ts';

/**
 * Sends encoded batches with the OTLP/HTTP exporter's own transport
 * (@opentelemetry/otlp-exporter-base): the same endpoint, headers,
 * timeout and gzip settings from OTEL_EXPORTER_OTLP_(TRACES_)*, the same
 * retries with back-off on 429/502/503/504 and Retry-After, the same
 * keep-alive agent and partial-success handling. Only the request body
 * comes from here: the spans' bytes wrapped in an ExportTraceServiceRequest.
 * Built inside withOtelEnvironment, since the transport reads the variables.
 */
export function otlpHttpProtobufSender(): BatchSender {
  const delegate = createOtlpHttpExportDelegate<
    EncodedBatch,
    ReturnType<typeof ProtobufTraceSerializer.deserializeResponse>
  >(
    convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }),
    {
      serializeRequest: (batch) => exportTraceServiceRequest(batch.groups),
      deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
    },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (batch) => batch.spanCount },
    undefined,
  );
  return {
    send: (batch, done) => delegate.export(batch, done),
    shutdown: () => delegate.shutdown(),
  };
}
