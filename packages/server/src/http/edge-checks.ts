import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { HttpProblem } from './errors.ts';

/** Requests whose `Expect` Node could not meet (it emits `checkExpectation` for them). */
const unmetExpectations = new WeakSet<IncomingMessage>();

/** Marks a request whose `Expect` is not `100-continue`, for `edgeChecks` to answer 417. */
export function markUnmetExpectation(req: IncomingMessage): void {
  unmetExpectations.add(req);
}

/**
 * Refusals Node's HTTP layer would otherwise make itself, with an empty body
 * and none of the API's headers: a 417 for an `Expect` other than
 * `100-continue`, a 400 for an HTTP/1.1 request without `Host` (the server
 * turns Node's `requireHostHeader` off so the request reaches here), and a
 * 405 for CONNECT to an authority (this server is no proxy; CONNECT to a
 * path of the API is answered by the routes like any other method). Thrown
 * as HttpProblems, so they get the JSON error body and the security headers.
 */
export function edgeChecks(): Middleware {
  return async (ctx, next) => {
    // The body that may follow an unmet expectation or a malformed request
    // is not read: the connection is closed after the answer instead.
    const close = { Connection: 'close' };
    if (unmetExpectations.has(ctx.req)) {
      throw new HttpProblem(
        417,
        'expectation_failed',
        'the only expectation this server meets is 100-continue',
        {
          headers: close,
        },
      );
    }
    if (ctx.req.httpVersion === '1.1' && ctx.req.headers.host === undefined) {
      throw new HttpProblem(400, 'missing_host', 'an HTTP/1.1 request must have a Host header', {
        headers: close,
      });
    }
    if (ctx.method === 'CONNECT' && !ctx.url.startsWith('/')) {
      // An empty Allow: no method is allowed on a tunnel target (RFC 9110, 10.2.1).
      throw new HttpProblem(405, 'method_not_allowed', 'this server is not a proxy: CONNECT is not allowed', {
        headers: { ...close, Allow: '' },
      });
    }
    await next();
  };
}
