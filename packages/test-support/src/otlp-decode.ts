import protobuf from 'protobufjs';

/**
 * OTLP's trace request, every field (opentelemetry-proto v1.5.0:
 * collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
 * common/v1/common.proto, resource/v1/resource.proto), in one schema: the
 * receivers read a few fields of it, the encoder's tests compare all of them.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14;
  Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

/** The ExportTraceServiceRequest message type (field names as in the .proto, snake_case). */
export const ExportTraceServiceRequest = protobuf
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
  statusMessage: string;
  serviceName: string;
  /** The attributes of the resource the span came with. */
  resource: Record<string, AttributeValue>;
}

/** An OTLP AnyValue, in the protobuf (snake_case) or the JSON (camelCase) encoding. */
interface DecodedValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: number;
  double_value?: number;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}

interface DecodedKeyValue {
  key: string;
  value?: DecodedValue;
}

interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name?: string;
  kind?: number;
  attributes?: DecodedKeyValue[];
  status?: { code?: number; message?: string };
}

interface DecodedRequest {
  resource: { attributes?: DecodedKeyValue[] } | undefined;
  spans: DecodedSpan[];
}

function attributeValueOf(value: DecodedValue): AttributeValue {
  const int = value.int_value ?? value.intValue;
  return (
    value.string_value ??
    value.stringValue ??
    value.bool_value ??
    value.boolValue ??
    (int === undefined ? undefined : Number(int)) ??
    value.double_value ??
    value.doubleValue ??
    ''
  );
}

function attributesOf(list: DecodedKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) if (value) out[key] = attributeValueOf(value);
  return out;
}

function spansOf(requests: DecodedRequest[]): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const { resource, spans: decoded } of requests) {
    const resourceAttributes = attributesOf(resource?.attributes);
    for (const s of decoded) {
      spans.push({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name ?? '',
        kind: s.kind ?? 0,
        attributes: attributesOf(s.attributes),
        statusCode: s.status?.code ?? 0,
        statusMessage: s.status?.message ?? '',
        serviceName: String(resourceAttributes['service.name'] ?? ''),
        resource: resourceAttributes,
      });
    }
  }
  return spans;
}

const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

/** The spans of an OTLP ExportTraceServiceRequest in protobuf (OTLP/HTTP protobuf and OTLP/gRPC). */
export function decodeProtobufSpans(body: Uint8Array): ReceivedSpan[] {
  type Raw = {
    trace_id?: Uint8Array;
    span_id?: Uint8Array;
    parent_span_id?: Uint8Array;
  } & Omit<DecodedSpan, 'traceId' | 'spanId' | 'parentSpanId'>;
  const decoded = ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(body), {
    longs: Number,
    defaults: false,
  }) as {
    resource_spans?: { resource?: DecodedRequest['resource']; scope_spans?: { spans?: Raw[] }[] }[];
  };
  return spansOf(
    (decoded.resource_spans ?? []).map((rs) => ({
      resource: rs.resource,
      spans: (rs.scope_spans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map(({ trace_id, span_id, parent_span_id, ...rest }) => ({
          ...rest,
          traceId: hex(trace_id),
          spanId: hex(span_id),
          parentSpanId: hex(parent_span_id),
        })),
      ),
    })),
  );
}

/** The spans of an OTLP/JSON ExportTraceServiceRequest (ids in hex, as OTLP/JSON encodes them). */
export function decodeJsonSpans(body: string): ReceivedSpan[] {
  type Raw = Partial<Pick<DecodedSpan, 'traceId' | 'spanId' | 'parentSpanId'>> &
    Omit<DecodedSpan, 'traceId' | 'spanId' | 'parentSpanId'>;
  const decoded = JSON.parse(body) as {
    resourceSpans?: { resource?: DecodedRequest['resource']; scopeSpans?: { spans?: Raw[] }[] }[];
  };
  return spansOf(
    (decoded.resourceSpans ?? []).map((rs) => ({
      resource: rs.resource,
      spans: (rs.scopeSpans ?? []).flatMap((ss) =>
        (ss.spans ?? []).map((s) => ({
          ...s,
          traceId: (s.traceId ?? '').toLowerCase(),
          spanId: (s.spanId ?? '').toLowerCase(),
          parentSpanId: (s.parentSpanId ?? '').toLowerCase(),
        })),
      ),
    })),
  );
}
