import { echo, MAX_ECHOED_DETAILS, withOmitted } from './echo-bounds.ts';
import { HttpProblem } from './errors.ts';

/** Reason of a query parameter the route does not document (joi's word for an unknown key). */
export const UNKNOWN_PARAMETER = 'object.unknown';
/** Reason of a documented parameter given more than once. */
export const REPEATED_PARAMETER = 'query.repeated';

interface QueryIssue {
  field: string;
  reason: string;
  message: string;
}

/**
 * The query string's parameters, when every one is named in `allowed` and
 * given at most once; otherwise a 400 `invalid_query` naming the offenders
 * (each once, at most MAX_ECHOED_DETAILS of them, the rest counted).
 *
 * Not Koa's `ctx.query`: it calls `getAll(key)` once per key, which is
 * quadratic in repeated keys (8,000 `a&` held the event loop for close to a
 * second and allocated tens of MB). URLSearchParams parses in one pass and
 * this walks its entries once, keeping no more than the bounded details, so
 * the cost is linear in the query's length however it is dressed.
 */
export function readQuery(querystring: string, allowed: readonly string[]): Record<string, string> {
  const values = new Map<string, string>();
  const reported = new Set<string>();
  const issues: QueryIssue[] = [];
  let problems = 0;
  const report = (key: string, reason: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    problems++;
    if (issues.length < MAX_ECHOED_DETAILS) issues.push({ field: echo(key), reason, message });
  };
  for (const [key, value] of new URLSearchParams(querystring)) {
    if (!allowed.includes(key)) {
      report(key, UNKNOWN_PARAMETER, `"${echo(key)}" is not a parameter of this route`);
    } else if (values.has(key)) {
      report(key, REPEATED_PARAMETER, `"${key}" may be given only once`);
    } else {
      values.set(key, value);
    }
  }
  if (problems > 0) {
    throw new HttpProblem(
      400,
      'invalid_query',
      withOmitted('the query is not valid', problems - issues.length),
      {
        details: issues,
      },
    );
  }
  return Object.fromEntries(values);
}
