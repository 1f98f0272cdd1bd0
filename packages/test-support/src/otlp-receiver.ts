import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLP } from '@menagerie/contract';
import protobuf from 'protobufjs';

/** The part of OTLP's trace protobuf the tests read; protobufjs skips the rest. */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { repeated Span spans = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  repeated KeyValue attributes = 9; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
}
`;

const ExportRequest = protobuf
  .parse(OTLP_TRACE_PROTO, { keepCase: true })
  .root.lookupType('ExportTraceServiceRequest');

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  serviceName: string;
}

export interface OtlpReceiver {
  /** The base endpoint to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** How many export requests arrived (whatever their content). */
  readonly requests: number;
  /** Resolves once `predicate` holds for the spans received, or rejects after `timeoutMs`. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface DecodedKeyValue {
  key: string;
  value?: { string_value?: string; bool_value?: boolean; int_value?: number; double_value?: number };
}

function attributesOf(list: DecodedKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    if (!value) continue;
    out[key] = value.string_value ?? value.bool_value ?? value.int_value ?? value.double_value ?? '';
  }
  return out;
}

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

/** An OTLP/HTTP protobuf trace receiver on 127.0.0.1, for tests. */
export async function startOtlpReceiver(options: { failWithStatus?: number } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method !== 'POST' || req.url !== OTLP.tracesPath) {
        res.writeHead(404).end();
        return;
      }
      if (options.failWithStatus) {
        res.writeHead(options.failWithStatus).end();
        return;
      }
      const decoded = ExportRequest.toObject(ExportRequest.decode(Buffer.concat(chunks)), {
        longs: Number,
        defaults: false,
      }) as {
        resource_spans?: {
          resource?: { attributes?: DecodedKeyValue[] };
          scope_spans?: {
            spans?: {
              trace_id?: Uint8Array;
              span_id?: Uint8Array;
              parent_span_id?: Uint8Array;
              name?: string;
              kind?: number;
              attributes?: DecodedKeyValue[];
              status?: { code?: number };
            }[];
          }[];
        }[];
      };
      for (const rs of decoded.resource_spans ?? []) {
        const serviceName = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
        for (const ss of rs.scope_spans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              traceId: hex(s.trace_id),
              spanId: hex(s.span_id),
              parentSpanId: hex(s.parent_span_id),
              name: s.name ?? '',
              kind: s.kind ?? 0,
              attributes: attributesOf(s.attributes),
              statusCode: s.status?.code ?? 0,
              serviceName,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
