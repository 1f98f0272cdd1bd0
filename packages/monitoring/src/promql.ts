/**
 * The few pieces of PromQL text the templates in queries/ and rules/ share:
 * matchers that need quoting or escaping, a bucket boundary as Prometheus 2
 * and 3 both spell it, numbers without float noise, and the zero-safe forms
 * of a ratio. The queries themselves are written out where they are used.
 */

/** One label matcher, e.g. `job="menagerie-server"`. */
export type Matcher = string;

const quote = (value: string): string => JSON.stringify(value);

export const eq = (label: string, value: string): Matcher => `${label}=${quote(value)}`;
export const re = (label: string, regex: string): Matcher => `${label}=~${quote(regex)}`;

/** Escapes regex metacharacters so a literal value can sit inside `=~`. */
export const regexLiteral = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A matcher that accepts exactly the given literal values. */
export const oneOf = (label: string, values: readonly string[]): Matcher =>
  re(label, values.map(regexLiteral).join('|'));

/**
 * Matches a histogram bucket boundary in both Prometheus 2 and 3: Prometheus 3
 * normalises `le="1"` to `le="1.0"` on ingestion, Prometheus 2 keeps what the
 * text format said, so integral boundaries need both spellings.
 */
export const leMatcher = (seconds: number): Matcher => {
  const spellings = new Set([String(seconds), Number.isInteger(seconds) ? `${seconds}.0` : String(seconds)]);
  return re('le', [...spellings].map(regexLiteral).join('|'));
};

export const selector = (metric: string, matchers: readonly Matcher[] = []): string =>
  matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;

/** Formats a float without binary noise (1 - 0.995 prints as 0.005). */
export const num = (value: number): string => String(Number(value.toPrecision(12)));

/**
 * Requests per second never drop this low while there is any traffic (one
 * request in three days is 4e-6/s), so flooring a denominator at it turns 0/0
 * into 0 instead of NaN without changing any real ratio.
 */
export const ZERO_TRAFFIC_FLOOR = 1e-9;

export const safeRatio = (numerator: string, denominator: string): string =>
  `(\n  ${numerator}\n)\n/\nclamp_min(\n  ${denominator},\n  ${num(ZERO_TRAFFIC_FLOOR)}\n)`;

/** `expr`, or 0 for each series of `shape` when `expr` has no series (e.g. no 5xx yet). */
export const orZeroLike = (expr: string, shape: string): string => `(${expr} or 0 * ${shape})`;
