import { KNOWN_METHODS, LOG_FIELD, OTHER_METHOD, SPAN_ATTRIBUTE, UNMATCHED_ROUTE } from '@menagerie/contract';
import type { Logger } from '@menagerie/telemetry';
import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Context, Middleware } from 'koa';

import type { ServerMetrics } from '../telemetry.ts';
import { serverAddressParser } from './server-address.ts';

const knownMethods = new Set<string>(KNOWN_METHODS);

/** The `method` label: a known method, or OTHER_METHOD for anything else. */
export function methodLabel(method: string): string {
  return knownMethods.has(method) ? method : OTHER_METHOD;
}

/**
 * The method in a span name: the method, or `HTTP` when it is folded into
 * OTHER_METHOD, as the HTTP semantic conventions name such spans.
 */
export function spanNameMethod(method: string): string {
  return method === OTHER_METHOD ? 'HTTP' : method;
}

/** The `route` label: the matched route template, never the raw path. */
export function routeLabel(ctx: Context): string {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : UNMATCHED_ROUTE;
}

/** What handlers leave on ctx.state for the request's span and log line. */
export interface RequestState {
  species?: string;
  faultKind?: string;
}

export interface RequestSignals {
  /** Undefined when traces are off. */
  tracer: Tracer | undefined;
  /** Undefined when metrics are off. */
  metrics: ServerMetrics | undefined;
  /** Undefined when per-request log lines are off. */
  log: Logger | undefined;
}

/**
 * One server span, one duration observation, the in-flight gauge and one log
 * line per request, each only when its signal is on. Attributes are set
 * once, at the end, when the route and status are known.
 */
export function instrumentRequests({ tracer, metrics, log }: RequestSignals): Middleware {
  const inFlight = metrics?.inFlight;
  // The headers the propagator reads (traceparent, tracestate): most requests
  // carry none, and then there is nothing to parse.
  const contextHeaders = tracer ? propagation.fields().map((field) => field.toLowerCase()) : [];
  const parentOf = (headers: Record<string, unknown>) =>
    contextHeaders.some((field) => headers[field] !== undefined)
      ? propagation.extract(ROOT_CONTEXT, headers)
      : ROOT_CONTEXT;
  const serverAddress = serverAddressParser();
  return async (ctx, next) => {
    const started = performance.now();
    if (inFlight) inFlight.requests++;
    const parent = tracer ? parentOf(ctx.headers) : undefined;
    const span = tracer?.startSpan(ctx.method, { kind: SpanKind.SERVER }, parent);
    const finish = () => {
      const seconds = (performance.now() - started) / 1000;
      const method = methodLabel(ctx.method);
      const route = routeLabel(ctx);
      const status = ctx.status;
      let traceId: string | undefined;
      if (span) {
        const state = ctx.state as RequestState;
        const { req } = ctx;
        const attributes: Attributes = {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
          [ATTR_URL_PATH]: ctx.path,
          [ATTR_URL_SCHEME]: ctx.protocol,
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
        };
        if (method === OTHER_METHOD) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = ctx.method;
        const server = serverAddress(req.headers.host, ctx.protocol);
        if (server) {
          attributes[ATTR_SERVER_ADDRESS] = server.address;
          attributes[ATTR_SERVER_PORT] = server.port;
        }
        const client = req.socket.remoteAddress;
        if (client) attributes[ATTR_CLIENT_ADDRESS] = client;
        if (route !== UNMATCHED_ROUTE) attributes[ATTR_HTTP_ROUTE] = route;
        const userAgent = ctx.get('User-Agent');
        if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
        if (state.species) attributes[SPAN_ATTRIBUTE.species] = state.species;
        if (state.faultKind) attributes[SPAN_ATTRIBUTE.faultKind] = state.faultKind;
        if (status >= 500) {
          attributes[ATTR_ERROR_TYPE] = String(status);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        // Read before end(): an ended span no longer records.
        traceId = span.isRecording() ? span.spanContext().traceId : undefined;
        span.setAttributes(attributes);
        const nameMethod = spanNameMethod(method);
        span.updateName(route === UNMATCHED_ROUTE ? nameMethod : `${nameMethod} ${route}`);
        span.end();
      }
      if (metrics) {
        metrics.requestDuration.observe([method, route, String(status)], seconds, traceId);
        if (inFlight) inFlight.requests--;
      }
      log?.info('request', {
        [LOG_FIELD.method]: method,
        [LOG_FIELD.route]: route,
        [LOG_FIELD.statusCode]: status,
        [LOG_FIELD.durationMs]: Math.round(seconds * 1e4) / 10,
      });
    };
    if (!span) {
      try {
        await next();
      } finally {
        finish();
      }
      return;
    }
    await context.with(trace.setSpan(parent ?? ROOT_CONTEXT, span), async () => {
      try {
        await next();
      } finally {
        finish();
      }
    });
  };
}
