import type { Logger } from '@menagerie/telemetry';
import Joi from 'joi';
import type { Middleware } from 'koa';
import { boundDetails, echo, withOmitted } from './echo-bounds.ts';

/** Every error the server answers has this body, whatever its status. */
export interface ErrorBody {
  error: {
    status: number;
    code: string;
    message: string;
    details?: unknown;
  };
}

/**
 * The error body as a schema: what the OpenAPI document publishes and the
 * tests hold every error answer to. `details`, when present, lists the
 * problems with the request, one per field or parameter.
 */
export const errorBodySchema = Joi.object({
  error: Joi.object({
    status: Joi.number().integer().min(400).max(599).required(),
    code: Joi.string()
      .pattern(/^[a-z][a-z0-9_]*$/)
      .required(),
    message: Joi.string().required(),
    details: Joi.array().items(
      Joi.object({
        field: Joi.string().allow('').required(),
        reason: Joi.string().required(),
        message: Joi.string().required(),
      }),
    ),
  }).required(),
});

/** An error meant for the caller: its status, code and message are sent as they are. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/**
 * The error body, with what it echoes from the request bounded: at most
 * MAX_ECHOED_DETAILS details (the message counts the rest) and no string
 * longer than MAX_ECHOED_CHARS, whatever the request's size.
 */
export function errorBody(status: number, code: string, message: string, details?: unknown): ErrorBody {
  if (details === undefined) return { error: { status, code, message } };
  const bounded = boundDetails(details);
  return {
    error: { status, code, message: withOmitted(message, bounded.omitted), details: bounded.details },
  };
}

const CODE_FOR_STATUS: Record<number, [string, string]> = {
  400: ['bad_request', 'the request is malformed'],
  404: ['not_found', 'no such resource'],
  405: ['method_not_allowed', 'this method is not allowed on this resource'],
  413: ['payload_too_large', 'the request body is too large'],
  415: ['unsupported_media_type', 'the request body has an unsupported media type'],
  500: ['internal_error', 'the server failed to handle the request'],
};

/** Status and code for an error that did not come from our own handlers. */
function fromForeignError(error: unknown): { status: number; code: string; message: string } {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const [code, message] = CODE_FOR_STATUS[status] ?? ['bad_request', 'the request cannot be handled'];
    return { status, code, message };
  }
  const [code, message] = CODE_FOR_STATUS[500] as [string, string];
  return { status: 500, code, message };
}

/**
 * Turns every failure into a JSON error body: problems thrown by handlers,
 * errors thrown by libraries (4xx keep their status; anything else is a 500
 * whose details stay in the log), and responses nobody wrote (404).
 */
export function errorHandler(log: Logger, unmatched: (method: string, path: string) => string[]): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body == null && ctx.status === 404) {
        const allowed = unmatched(ctx.method, ctx.path);
        if (allowed.length > 0) {
          throw new HttpProblem(
            405,
            'method_not_allowed',
            `${echo(ctx.method)} is not allowed on ${echo(ctx.path)}`,
            {
              headers: { Allow: allowed.join(', ') },
            },
          );
        }
        throw new HttpProblem(404, 'not_found', 'no such resource');
      }
    } catch (error) {
      let body: ErrorBody;
      if (error instanceof HttpProblem) {
        body = errorBody(error.status, error.code, error.message, error.details);
        for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      } else {
        const { status, code, message } = fromForeignError(error);
        body = errorBody(status, code, message);
        if (status >= 500) {
          log.error('unhandled error', { error: String((error as Error)?.stack ?? error) });
        }
      }
      ctx.status = body.error.status;
      ctx.body = body;
    }
  };
}
