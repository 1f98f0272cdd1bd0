import { context, TraceFlags } from '@opentelemetry/api';
import {
  type ExportResult,
  ExportResultCode,
  type InstrumentationScope,
  suppressTracing,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanDropReason } from '../tracing.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import { type EncodedSpans, writeScopeSpan } from './span-encoding.ts';

/** Finished spans, already encoded, waiting to be sent together. */
export interface EncodedBatch {
  readonly groups: readonly EncodedSpans[];
  readonly spanCount: number;
}

/** Sends one batch; calls `done` once, when it is delivered or given up on. */
export interface BatchSender {
  send(batch: EncodedBatch, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface StreamingSpanProcessorOptions {
  readonly sender: BatchSender;
  /** Finished spans held at most, besides the batch being sent (OTEL_BSP_MAX_QUEUE_SIZE). */
  readonly maxQueueSize: number;
  /** Spans per request (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). */
  readonly maxExportBatchSize: number;
  /** How long the first span of a batch waits for more (OTEL_BSP_SCHEDULE_DELAY). */
  readonly scheduledDelayMillis: number;
  readonly onSpansDropped?: ((reason: SpanDropReason, count: number) => void) | undefined;
}

/** Bytes first reserved for a batch; a span of ours takes about 300–500. */
const BYTES_PER_SPAN_GUESS = 512;

/**
 * A span processor with the batch processor's contract (a bounded queue,
 * batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE sent one at a time, at most
 * OTEL_BSP_SCHEDULE_DELAY after their first span, a drop counted for every
 * span that does not fit or whose batch fails), that encodes each sampled
 * span to OTLP protobuf the moment it ends instead of holding the span
 * objects until the batch is sent.
 *
 * What that buys: a span is garbage as soon as its request is done, so it
 * dies young instead of surviving a second in the old generation with its
 * attributes, and the queue holds a few hundred bytes per span instead of
 * the objects; the export only wraps the bytes in their resource and scope.
 */
export class StreamingSpanProcessor implements SpanProcessor {
  readonly #options: StreamingSpanProcessorOptions;
  /** Sealed batches, oldest first. */
  readonly #queue: EncodedBatch[] = [];
  /** Spans in #queue and in the open batch. */
  #queued = 0;
  #open: OpenBatch | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sending = false;
  #idle: (() => void)[] = [];
  #shutDown = false;

  constructor(options: StreamingSpanProcessorOptions) {
    this.#options = options;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#shutDown) return;
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#queued >= this.#options.maxQueueSize) {
      this.#options.onSpansDropped?.('queue_full', 1);
      return;
    }
    this.#open ??= new OpenBatch(this.#options.maxExportBatchSize);
    const open = this.#open;
    open.add(span);
    this.#queued++;
    if (open.spanCount >= this.#options.maxExportBatchSize) {
      this.#seal();
      this.#sendNext();
    } else if (!this.#timer) {
      this.#timer = setTimeout(this.#onTimer, this.#options.scheduledDelayMillis);
      this.#timer.unref();
    }
  }

  /** Sends everything finished so far and resolves when it is delivered or given up on. */
  async forceFlush(): Promise<void> {
    this.#seal();
    this.#sendNext();
    if (!this.#sending && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    await this.forceFlush();
    this.#shutDown = true;
    await this.#options.sender.shutdown();
  }

  #onTimer = (): void => {
    this.#timer = undefined;
    this.#seal();
    this.#sendNext();
  };

  #seal(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (!this.#open || this.#open.spanCount === 0) return;
    this.#queue.push(this.#open.seal());
    this.#open = undefined;
  }

  #sendNext(): void {
    if (this.#sending) return;
    const batch = this.#queue.shift();
    if (!batch) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#queued -= batch.spanCount;
    this.#sending = true;
    // The export's own HTTP request must not be traced (it would trace itself).
    context.with(suppressTracing(context.active()), () => {
      this.#options.sender.send(batch, (result) => {
        this.#sending = false;
        if (result.code !== ExportResultCode.SUCCESS) {
          this.#options.onSpansDropped?.('export_failed', batch.spanCount);
        }
        // A full batch waiting goes at once; a partial one waits for its timer or a flush.
        this.#sendNext();
      });
    });
  }
}

/** The batch spans are being added to: one writer per resource and scope (one, for a single tracer). */
class OpenBatch {
  readonly #groups: { resource: Resource; scope: InstrumentationScope; writer: ProtobufWriter }[] = [];
  readonly #bytesGuess: number;
  spanCount = 0;

  constructor(maxSpans: number) {
    this.#bytesGuess = Math.min(maxSpans, 64) * BYTES_PER_SPAN_GUESS;
  }

  add(span: ReadableSpan): void {
    const { resource, instrumentationScope: scope } = span;
    let group = this.#groups.find((g) => g.scope === scope && g.resource === resource);
    if (!group) {
      group = { resource, scope, writer: new ProtobufWriter(this.#bytesGuess) };
      this.#groups.push(group);
    }
    writeScopeSpan(group.writer, span);
    this.spanCount++;
  }

  seal(): EncodedBatch {
    return {
      groups: this.#groups.map(({ resource, scope, writer }) => ({ resource, scope, spans: writer.bytes() })),
      spanCount: this.spanCount,
    };
  }
}
