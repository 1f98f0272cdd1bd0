import { ALL_VALUE, AUTO_INTERVAL, RANGE, RATE_INTERVAL, VARIABLE } from '../dashboards/kit.ts';

/**
 * Grafana expands variables and interval macros before a query reaches the
 * datasource. Checks that parse or evaluate dashboard queries do the same.
 */

export type Substitutions = Readonly<Record<string, string>>;

/** What Grafana would send with every variable at "All" and a 1-hour range. */
export const DEFAULT_SUBSTITUTIONS: Substitutions = {
  [RATE_INTERVAL.slice(1)]: '1m',
  [AUTO_INTERVAL.slice(1)]: '1m',
  [RANGE.slice(1)]: '1h',
  __interval: '30s',
  [VARIABLE.namespace]: ALL_VALUE,
  [VARIABLE.service]: ALL_VALUE,
  [VARIABLE.pod]: ALL_VALUE,
};

/** Replaces `$name` and `${name}`; fails on any variable it has no value for. */
export function substituteVariables(query: string, values: Substitutions = DEFAULT_SUBSTITUTIONS): string {
  return query.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = values[name];
      if (value === undefined) throw new Error(`no value for ${whole} in: ${query}`);
      return value;
    },
  );
}
