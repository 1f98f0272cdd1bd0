import { OTEL_ENV, OTEL_SDK_ENV, OTLP, type OtlpProtocol } from '@menagerie/contract';
import { getStringFromEnv } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * The OTLP trace exporter for a protocol, built without options: it reads
 * its endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else
 * OTEL_EXPORTER_OTLP_ENDPOINT with /v1/traces for HTTP), headers, timeout
 * and compression (each the TRACES_ variable, else the general one) from
 * the environment itself. Built inside withOtelEnvironment.
 */
export function otlpExporter(protocol: OtlpProtocol): SpanExporter {
  switch (protocol) {
    case 'http/protobuf':
      return new ProtobufTraceExporter();
    case 'http/json':
      return new JsonTraceExporter();
    case 'grpc':
      return new GrpcTraceExporter();
  }
}

/** Prints each span on stdout (not as a JSON log line): for looking at spans by hand. */
export function consoleExporter(): SpanExporter {
  return new ConsoleSpanExporter();
}

/**
 * Where the OTLP exporter sends spans, for the start line, following the
 * rules the exporter applies (it does not expose the URL it settled on).
 */
export function describeOtlpDestination(protocol: OtlpProtocol): string {
  const specific = getStringFromEnv(OTEL_SDK_ENV.tracesEndpoint)?.trim();
  const general = getStringFromEnv(OTEL_ENV.endpoint)?.trim();
  if (protocol === 'grpc') {
    return `otlp grpc to ${specific ?? general ?? `http://localhost:${OTLP.grpcPort}`}`;
  }
  const url =
    specific ?? (general ? tracesUrl(general) : `http://localhost:${OTLP.httpPort}${OTLP.tracesPath}`);
  return `otlp ${protocol} to ${url}`;
}

/** The OTLP/HTTP traces URL under a base endpoint. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}${OTLP.tracesPath}`;
}
