import {
  type Attributes,
  type Context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PROTOCOL_VERSION,
} from '@opentelemetry/semantic-conventions';
import type { Hooks, RequestError } from 'got';

/**
 * One HTTP CLIENT span per attempt, as the HTTP semantic conventions ask,
 * so got's retries show in the trace: every attempt is a child of the
 * request's own span, carries `http.request.resend_count` from the first
 * resend on, and sends its own traceparent, so the server span of each
 * attempt is that attempt's child. An answer of 400 or more, or none at
 * all, marks the attempt as an error (for a client a 4xx is a failure).
 */
export class AttemptSpans {
  readonly #tracer: Tracer;
  readonly #parent: Context;
  readonly #name: string;
  readonly #attributes: Attributes;
  #open: Span | undefined;
  #attempts = 0;

  constructor(tracer: Tracer, parent: Context, name: string, attributes: Attributes) {
    this.#tracer = tracer;
    this.#parent = parent;
    this.#name = name;
    this.#attributes = attributes;
  }

  /** How many attempts were made. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Starts the span of an attempt and puts its traceparent in the attempt's headers. */
  started(resendCount: number, headers: Record<string, string | string[] | undefined>): void {
    this.#end({ code: SpanStatusCode.ERROR, message: 'superseded by another attempt' });
    const span = this.#tracer.startSpan(
      this.#name,
      {
        kind: SpanKind.CLIENT,
        attributes:
          resendCount > 0
            ? { ...this.#attributes, [ATTR_HTTP_REQUEST_RESEND_COUNT]: resendCount }
            : this.#attributes,
      },
      this.#parent,
    );
    this.#open = span;
    this.#attempts++;
    propagation.inject(trace.setSpan(this.#parent, span), headers);
  }

  /** The attempt got an answer. */
  answered(status: number, httpVersion: string): void {
    const span = this.#open;
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    span.setAttribute(ATTR_NETWORK_PROTOCOL_VERSION, httpVersion);
    if (status >= 400) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      this.#end({ code: SpanStatusCode.ERROR });
    } else this.#end(undefined);
  }

  /** The attempt got no answer (a network error, a timeout). */
  failed(error: { code?: string; name?: string; message: string }): void {
    const span = this.#open;
    if (!span) return;
    span.setAttribute(ATTR_ERROR_TYPE, error.code ?? error.name ?? 'Error');
    this.#end({ code: SpanStatusCode.ERROR, message: error.message });
  }

  #end(status: { code: SpanStatusCode; message?: string } | undefined): void {
    const span = this.#open;
    if (!span) return;
    if (status) span.setStatus(status);
    span.end();
    this.#open = undefined;
  }
}

/** The key of a request's AttemptSpans in got's per-request `context`. */
export const ATTEMPT_SPANS = 'attemptSpans';

const spansOf = (context: Record<string, unknown> | undefined): AttemptSpans | undefined => {
  const spans = context?.[ATTEMPT_SPANS];
  return spans instanceof AttemptSpans ? spans : undefined;
};

const failedAttempt = (error: RequestError): void => {
  // An HTTP error already ended its attempt when the answer came.
  if (error.response === undefined) spansOf(error.options?.context)?.failed(error);
};

/**
 * got hooks that report each attempt of a request to the AttemptSpans in its
 * `context` (requests without one are left alone): beforeRequest runs
 * before every attempt, afterResponse on every answer (one that is then
 * retried included), beforeRetry and beforeError when an attempt got no
 * answer.
 */
export const attemptSpanHooks: Partial<Hooks> = {
  beforeRequest: [
    (options, { retryCount }) => {
      spansOf(options.context)?.started(retryCount, options.headers);
    },
  ],
  afterResponse: [
    (response) => {
      spansOf(response.request.options.context)?.answered(response.statusCode, response.httpVersion);
      return response;
    },
  ],
  beforeRetry: [(error) => failedAttempt(error)],
  beforeError: [
    (error) => {
      failedAttempt(error);
      return error;
    },
  ],
};
