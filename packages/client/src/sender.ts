import {
  CLIENT_LOG_MESSAGE,
  type ClientOutcome,
  type Expectation,
  LOG_FIELD,
  ROUTE,
  SPAN_ATTRIBUTE,
} from '@menagerie/contract';
import type { Logger } from '@menagerie/telemetry';
import { type Attributes, context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import type { Got } from 'got';
import { ATTEMPT_SPANS, AttemptSpans, attemptSpanHooks } from './attempt-spans.ts';
import { expectationOf, logLevelOf } from './expectation.ts';
import { createHttpClient } from './http-client.ts';
import { outcomeOfError, outcomeOfStatus } from './outcome.ts';
import { EXPECTED_STATUS, type RequestPlan } from './scenarios.ts';

export interface SendResult {
  outcome: ClientOutcome;
  /** Whether the answer is what the plan's scenario expects. */
  expectation: Expectation;
  /** Undefined when no answer came. */
  status: number | undefined;
  /** The id of a stored animal, from a 201. */
  createdId: string | undefined;
  /** Trace id of the request's span, when tracing records. */
  traceId: string | undefined;
}

export type Send = (plan: RequestPlan) => Promise<SendResult>;

/** The route template a plan's path belongs to (span names and attributes never carry ids). */
function routeOf(plan: RequestPlan): string {
  return plan.path.startsWith(`${ROUTE.animals}/`) ? ROUTE.animal : ROUTE.animals;
}

interface Exchange {
  status: number;
  httpVersion: string;
  createdId: string | undefined;
}

/** Sends a plan's request (got retries it as configured) and reads the id a 201 carries. */
async function exchange(
  http: Got,
  plan: RequestPlan,
  gotContext?: Record<string, unknown>,
): Promise<Exchange> {
  const response = await http(plan.path.slice(1), {
    method: plan.method,
    headers: plan.contentType ? { 'content-type': plan.contentType } : {},
    ...(plan.body === undefined ? {} : { body: plan.body }),
    ...(gotContext ? { context: gotContext } : {}),
  });
  let createdId: string | undefined;
  if (response.statusCode === 201) {
    try {
      createdId = (JSON.parse(response.body) as { id?: string }).id;
    } catch {
      createdId = undefined;
    }
  }
  return { status: response.statusCode, httpVersion: response.httpVersion, createdId };
}

const errorCode = (error: unknown): string =>
  (error as { code?: string }).code ?? (error as { name?: string }).name ?? 'Error';

/**
 * Sends each plan and reports how it went: the request's line (at debug
 * when the outcome is what the scenario expects, else at warn or error),
 * with tracing a span for the whole request and one per attempt (see
 * AttemptSpans). The line is written inside the request's span, so it
 * carries its trace id.
 */
export function createSender(options: {
  baseUrl: string;
  timeoutMs: number;
  tracer: Tracer | undefined;
  /** Per-request lines; undefined when TELEMETRY leaves logs out. */
  log: Logger | undefined;
}): Send {
  const { tracer, log } = options;
  const http = createHttpClient(options.baseUrl, options.timeoutMs, tracer ? attemptSpanHooks : undefined);
  const server = new URL(options.baseUrl);
  const serverPort = Number(server.port || (server.protocol === 'https:' ? 443 : 80));

  const settle = (
    plan: RequestPlan,
    answer: Exchange | undefined,
    error: unknown,
    startedAt: number,
  ): SendResult => {
    const status = answer?.status;
    const outcome = answer ? outcomeOfStatus(answer.status) : outcomeOfError(error);
    const expectation = expectationOf(plan.scenario, status);
    const span = trace.getActiveSpan();
    if (log) {
      const level = logLevelOf(outcome, expectation);
      if (log.isLevelEnabled(level)) {
        log[level](expectation === 'met' ? CLIENT_LOG_MESSAGE.expected : CLIENT_LOG_MESSAGE.unexpected, {
          [LOG_FIELD.scenario]: plan.scenario,
          [LOG_FIELD.method]: plan.method,
          [LOG_FIELD.route]: routeOf(plan),
          [LOG_FIELD.statusCode]: status,
          [LOG_FIELD.expectedStatus]: EXPECTED_STATUS[plan.scenario],
          [LOG_FIELD.outcome]: outcome,
          [LOG_FIELD.durationMs]: Math.round((performance.now() - startedAt) * 10) / 10,
          ...(answer ? {} : { [LOG_FIELD.error]: errorCode(error) }),
        });
      }
    }
    return {
      outcome,
      expectation,
      status,
      createdId: answer?.createdId,
      traceId: span?.isRecording() ? span.spanContext().traceId : undefined,
    };
  };

  if (!tracer) {
    return async (plan) => {
      const startedAt = performance.now();
      try {
        return settle(plan, await exchange(http, plan), undefined, startedAt);
      } catch (error) {
        return settle(plan, undefined, error, startedAt);
      }
    };
  }

  return (plan) => {
    const startedAt = performance.now();
    const route = routeOf(plan);
    const scenario: Attributes = {
      [SPAN_ATTRIBUTE.scenario]: plan.scenario,
      ...(plan.species ? { [SPAN_ATTRIBUTE.species]: plan.species } : {}),
    };
    // The request as the scenario sees it, every attempt included.
    const request = tracer.startSpan(plan.scenario, {
      attributes: { ...scenario, [SPAN_ATTRIBUTE.expectedStatus]: EXPECTED_STATUS[plan.scenario] },
    });
    const requestContext = trace.setSpan(context.active(), request);
    const attempts = new AttemptSpans(tracer, requestContext, `${plan.method} ${route}`, {
      ...scenario,
      [ATTR_HTTP_REQUEST_METHOD]: plan.method,
      [ATTR_URL_FULL]: `${options.baseUrl}${plan.path}`,
      [ATTR_SERVER_ADDRESS]: server.hostname,
      [ATTR_SERVER_PORT]: serverPort,
    });
    return context.with(requestContext, async (): Promise<SendResult> => {
      let result: SendResult;
      try {
        const answer = await exchange(http, plan, { [ATTEMPT_SPANS]: attempts });
        attempts.answered(answer.status, answer.httpVersion);
        result = settle(plan, answer, undefined, startedAt);
      } catch (error) {
        attempts.failed(error as Error);
        result = settle(plan, undefined, error, startedAt);
      }
      request.setAttribute(SPAN_ATTRIBUTE.expectation, result.expectation);
      if (result.expectation === 'unmet') {
        request.setStatus({
          code: SpanStatusCode.ERROR,
          message: `expected ${EXPECTED_STATUS[plan.scenario]}, got ${result.status ?? result.outcome}`,
        });
      }
      request.end();
      return result;
    });
  };
}
