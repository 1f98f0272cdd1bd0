import { type ClientOutcome, LOG_FIELD, ROUTE, SPAN_ATTRIBUTE } from '@menagerie/contract';
import type { Logger } from '@menagerie/telemetry';
import { context, propagation, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import got, { type Got } from 'got';
import { outcomeOfError, outcomeOfStatus } from './outcome.ts';
import type { RequestPlan } from './scenarios.ts';

export interface SendResult {
  outcome: ClientOutcome;
  /** Undefined when no answer came. */
  status: number | undefined;
  /** The id of a stored animal, from a 201. */
  createdId: string | undefined;
  /** Trace id of the request's span, when tracing records. */
  traceId: string | undefined;
}

export type Send = (plan: RequestPlan) => Promise<SendResult>;

/** Network errors worth another try; a timeout is not retried (the server may still be working on it). */
export const RETRY_ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'ENETUNREACH',
  'EAI_AGAIN',
];
export const RETRY_STATUS_CODES = [503];
export const RETRY_LIMIT = 2;

export function createHttpClient(baseUrl: string, timeoutMs: number): Got {
  return got.extend({
    prefixUrl: baseUrl,
    throwHttpErrors: false,
    followRedirect: false,
    timeout: { request: timeoutMs },
    retry: {
      limit: RETRY_LIMIT,
      methods: ['GET', 'POST', 'DELETE'],
      statusCodes: RETRY_STATUS_CODES,
      errorCodes: RETRY_ERROR_CODES,
      backoffLimit: 1000,
      noise: 100,
    },
  });
}

/** The route template a plan's path belongs to (span names and attributes never carry ids). */
function routeOf(plan: RequestPlan): string {
  return plan.path.startsWith(`${ROUTE.animals}/`) ? ROUTE.animal : ROUTE.animals;
}

export function createSender(options: {
  baseUrl: string;
  timeoutMs: number;
  tracer: Tracer | undefined;
  /** Per-request debug lines; undefined when TELEMETRY leaves logs out. */
  log: Logger | undefined;
}): Send {
  const http = createHttpClient(options.baseUrl, options.timeoutMs);
  const server = new URL(options.baseUrl);
  const serverPort = Number(server.port || (server.protocol === 'https:' ? 443 : 80));

  const request = async (plan: RequestPlan, headers: Record<string, string>) => {
    if (plan.contentType) headers['content-type'] = plan.contentType;
    const response = await http(plan.path.slice(1), {
      method: plan.method,
      headers,
      ...(plan.body === undefined ? {} : { body: plan.body }),
    });
    let createdId: string | undefined;
    if (response.statusCode === 201) {
      try {
        createdId = (JSON.parse(response.body) as { id?: string }).id;
      } catch {
        createdId = undefined;
      }
    }
    return { status: response.statusCode, createdId };
  };

  const { tracer, log } = options;
  if (!tracer) {
    return async (plan) => {
      try {
        const { status, createdId } = await request(plan, {});
        return { outcome: outcomeOfStatus(status), status, createdId, traceId: undefined };
      } catch (error) {
        return {
          outcome: outcomeOfError(error),
          status: undefined,
          createdId: undefined,
          traceId: undefined,
        };
      }
    };
  }

  return (plan) => {
    const route = routeOf(plan);
    const span = tracer.startSpan(`${plan.method} ${route}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: plan.method,
        [ATTR_URL_FULL]: `${options.baseUrl}${plan.path}`,
        [ATTR_SERVER_ADDRESS]: server.hostname,
        [ATTR_SERVER_PORT]: serverPort,
        [SPAN_ATTRIBUTE.scenario]: plan.scenario,
        ...(plan.species ? { [SPAN_ATTRIBUTE.species]: plan.species } : {}),
      },
    });
    const traceId = span.isRecording() ? span.spanContext().traceId : undefined;
    const spanContext = trace.setSpan(context.active(), span);
    return context.with(spanContext, async (): Promise<SendResult> => {
      const headers: Record<string, string> = {};
      propagation.inject(spanContext, headers);
      let result: SendResult;
      try {
        const { status, createdId } = await request(plan, headers);
        result = { outcome: outcomeOfStatus(status), status, createdId, traceId };
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (status >= 400) span.setAttribute(ATTR_ERROR_TYPE, String(status));
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      } catch (error) {
        result = { outcome: outcomeOfError(error), status: undefined, createdId: undefined, traceId };
        span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: string }).code ?? result.outcome);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      span.end();
      log?.debug('request', {
        scenario: plan.scenario,
        [LOG_FIELD.method]: plan.method,
        [LOG_FIELD.route]: route,
        [LOG_FIELD.statusCode]: result.status,
        outcome: result.outcome,
      });
      return result;
    });
  };
}
