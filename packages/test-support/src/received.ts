import type { ReceivedSpan } from './otlp-decode.ts';

/** How one export request arrived. */
export interface ReceivedExport {
  /** `http/protobuf`, `http/json` or `grpc`. */
  protocol: string;
  /** The request's headers (gRPC: its metadata), names in lower case. */
  headers: Record<string, string>;
  /** The HTTP Content-Encoding, or gRPC's grpc-encoding; `identity` when none. */
  encoding: string;
  spans: number;
}

export interface OtlpReceiver {
  /** The base endpoint to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Every export request with spans that was accepted, in order. */
  readonly exports: ReceivedExport[];
  /** How many export requests arrived (whatever their content or answer). */
  readonly requests: number;
  /** Resolves once `predicate` holds for the spans received, or rejects after `timeoutMs`. */
  waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/** What both receivers keep, and the wait on it. */
export class Received {
  readonly spans: ReceivedSpan[] = [];
  readonly exports: ReceivedExport[] = [];
  requests = 0;

  add(spans: ReceivedSpan[], received: Omit<ReceivedExport, 'spans'>): void {
    this.spans.push(...spans);
    this.exports.push({ ...received, spans: spans.length });
  }

  async waitFor(predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs = 5000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.spans)) {
      if (Date.now() > deadline) throw new Error(`OTLP receiver: condition not met after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.spans;
  }

  /** The receiver a server hands its tests: what it received, at `port`, closed by `close`. */
  receiver(port: number, close: () => Promise<void>): OtlpReceiver {
    const received = this;
    return {
      endpoint: `http://127.0.0.1:${port}`,
      spans: this.spans,
      exports: this.exports,
      get requests() {
        return received.requests;
      },
      waitFor: (predicate, timeoutMs) => this.waitFor(predicate, timeoutMs),
      close,
    };
  }
}
