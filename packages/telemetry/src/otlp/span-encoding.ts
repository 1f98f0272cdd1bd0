import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ProtobufWriter } from './protobuf-writer.ts';

/*
 * OTLP's trace messages (opentelemetry/proto/trace/v1/trace.proto), written
 * straight from the SDK's finished spans with the field numbers and values
 * the stock protobuf serializer (@opentelemetry/otlp-transformer) writes, so
 * a collector cannot tell the two apart; a test decodes both and compares.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Span.flags: the W3C trace flags, and whether the parent's context was remote. */
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

/** ScopeSpans.spans: each encoded span is written with this key in front. */
const SCOPE_SPANS_SPAN_FIELD = 2;

/** Writes one Span message, its key (ScopeSpans.spans) in front, as the span ends. */
export function writeScopeSpan(writer: ProtobufWriter, span: ReadableSpan): void {
  writer.tag(SCOPE_SPANS_SPAN_FIELD, LENGTH_DELIMITED);
  const start = writer.begin();
  const context = span.spanContext();
  writeIds(writer, context);
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    writer.tag(4, LENGTH_DELIMITED);
    writer.hexBytes(parent.spanId);
  }
  writer.tag(5, LENGTH_DELIMITED);
  writer.string(span.name);
  // OTLP's SpanKind counts from 1 (0 is unspecified); the API's from 0.
  writer.tag(6, VARINT);
  writer.varint(span.kind + 1);
  writer.tag(7, FIXED64);
  writeTime(writer, span.startTime);
  writer.tag(8, FIXED64);
  writeTime(writer, span.endTime);
  writeAttributes(writer, 9, span.attributes);
  writer.tag(10, VARINT);
  writer.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(writer, event);
  writer.tag(12, VARINT);
  writer.varint(span.droppedEventsCount);
  for (const link of span.links) writeLink(writer, link);
  writer.tag(14, VARINT);
  writer.varint(span.droppedLinksCount);
  writer.tag(15, LENGTH_DELIMITED);
  const status = writer.begin();
  if (span.status.message) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(span.status.message);
  }
  writer.tag(3, VARINT);
  writer.varint(span.status.code);
  writer.end(status);
  writer.tag(16, FIXED32);
  writer.fixed32(flagsOf(context, parent?.isRemote));
  writer.end(start);
}

/** trace_id (1), span_id (2) and trace_state (3): the same fields in Span and in Span.Link. */
function writeIds(writer: ProtobufWriter, context: SpanContext): void {
  writer.tag(1, LENGTH_DELIMITED);
  writer.hexBytes(context.traceId);
  writer.tag(2, LENGTH_DELIMITED);
  writer.hexBytes(context.spanId);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    writer.tag(3, LENGTH_DELIMITED);
    writer.string(traceState);
  }
}

function flagsOf(context: SpanContext, remote: boolean | undefined): number {
  return (context.traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (remote ? FLAGS_IS_REMOTE : 0);
}

function writeEvent(writer: ProtobufWriter, event: TimedEvent): void {
  writer.tag(11, LENGTH_DELIMITED);
  const start = writer.begin();
  writer.tag(1, FIXED64);
  writeTime(writer, event.time);
  writer.tag(2, LENGTH_DELIMITED);
  writer.string(event.name);
  if (event.attributes) writeAttributes(writer, 3, event.attributes);
  writer.tag(4, VARINT);
  writer.varint(event.droppedAttributesCount ?? 0);
  writer.end(start);
}

function writeLink(writer: ProtobufWriter, link: Link): void {
  writer.tag(13, LENGTH_DELIMITED);
  const start = writer.begin();
  const { context } = link;
  writeIds(writer, context);
  if (link.attributes) writeAttributes(writer, 4, link.attributes);
  writer.tag(5, VARINT);
  writer.varint(link.droppedAttributesCount ?? 0);
  writer.tag(6, FIXED32);
  writer.fixed32(flagsOf(context, context.isRemote));
  writer.end(start);
}

/** An HrTime ([seconds, nanoseconds]) as fixed64 nanoseconds, exactly, without BigInt. */
function writeTime(writer: ProtobufWriter, [seconds, nanos]: HrTime): void {
  // seconds × 1e9 needs up to 62 bits: split the seconds at 2^16 so each
  // product stays below 2^53, where doubles are exact.
  const upper = Math.floor(seconds / 0x1_0000) * 1e9; // × 2^16 below
  const lower = (seconds % 0x1_0000) * 1e9 + nanos;
  const low = (upper % 0x1_0000) * 0x1_0000 + (lower % 0x1_0000_0000);
  const high =
    Math.floor(upper / 0x1_0000) + Math.floor(lower / 0x1_0000_0000) + Math.floor(low / 0x1_0000_0000);
  writer.fixed64(low % 0x1_0000_0000, high);
}

const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63;

/** Repeated KeyValue under `field`. */
function writeAttributes(writer: ProtobufWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    writer.tag(field, LENGTH_DELIMITED);
    const start = writer.begin();
    writer.tag(1, LENGTH_DELIMITED);
    writer.string(key);
    writer.tag(2, LENGTH_DELIMITED);
    const value = writer.begin();
    writeAnyValue(writer, attributes[key]);
    writer.end(value);
    writer.end(start);
  }
}

/** An AnyValue's content: integers as int_value, other numbers as double_value, as the stock encoder does. */
function writeAnyValue(writer: ProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      writer.tag(1, LENGTH_DELIMITED);
      writer.string(value);
      return;
    case 'boolean':
      writer.tag(2, VARINT);
      writer.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_MAX) {
        writer.tag(3, VARINT);
        writer.varint(value);
      } else {
        writer.tag(4, FIXED64);
        writer.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    writer.tag(7, LENGTH_DELIMITED);
    writer.rawBytes(value);
  } else if (Array.isArray(value)) {
    writer.tag(5, LENGTH_DELIMITED);
    const array = writer.begin();
    for (const item of value) {
      writer.tag(1, LENGTH_DELIMITED);
      const start = writer.begin();
      writeAnyValue(writer, item);
      writer.end(start);
    }
    writer.end(array);
  } else if (typeof value === 'object' && value !== null) {
    writer.tag(6, LENGTH_DELIMITED);
    const list = writer.begin();
    writeAttributes(writer, 1, value as Attributes);
    writer.end(list);
  }
}

/** Spans of one resource and instrumentation scope, already written as ScopeSpans.spans fields. */
export interface EncodedSpans {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly spans: Uint8Array;
}

/**
 * An ExportTraceServiceRequest around spans already encoded: a ResourceSpans
 * per resource, a ScopeSpans per scope, the span bytes copied in as they are.
 */
export function exportTraceServiceRequest(groups: readonly EncodedSpans[]): Uint8Array {
  const size = groups.reduce((sum, group) => sum + group.spans.length, 0);
  const writer = new ProtobufWriter(size + 1024);
  const byResource = new Map<Resource, EncodedSpans[]>();
  for (const group of groups) {
    const list = byResource.get(group.resource);
    if (list) list.push(group);
    else byResource.set(group.resource, [group]);
  }
  for (const [resource, list] of byResource) {
    writer.tag(1, LENGTH_DELIMITED);
    const resourceSpans = writer.begin();
    writer.tag(1, LENGTH_DELIMITED);
    const resourceStart = writer.begin();
    writeAttributes(writer, 1, resource.attributes);
    writer.tag(2, VARINT);
    writer.varint(0);
    writer.end(resourceStart);
    for (const { scope, spans } of list) {
      writer.tag(2, LENGTH_DELIMITED);
      const scopeSpans = writer.begin();
      writeScope(writer, scope);
      writer.append(spans);
      if (scope.schemaUrl) {
        writer.tag(3, LENGTH_DELIMITED);
        writer.string(scope.schemaUrl);
      }
      writer.end(scopeSpans);
    }
    if (resource.schemaUrl) {
      writer.tag(3, LENGTH_DELIMITED);
      writer.string(resource.schemaUrl);
    }
    writer.end(resourceSpans);
  }
  return writer.bytes();
}

function writeScope(writer: ProtobufWriter, scope: InstrumentationScope): void {
  writer.tag(1, LENGTH_DELIMITED);
  const start = writer.begin();
  writer.tag(1, LENGTH_DELIMITED);
  writer.string(scope.name);
  if (scope.version) {
    writer.tag(2, LENGTH_DELIMITED);
    writer.string(scope.version);
  }
  const { attributes, droppedAttributesCount } = scope as InstrumentationScope & {
    attributes?: Attributes;
    droppedAttributesCount?: number;
  };
  if (attributes) writeAttributes(writer, 3, attributes);
  if (droppedAttributesCount) {
    writer.tag(4, VARINT);
    writer.varint(droppedAttributesCount);
  }
  writer.end(start);
}
