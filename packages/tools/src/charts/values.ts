import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export type Values = Record<string, unknown>;

function isMap(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges values the way Helm layers values files: maps merge key by key,
 * anything else (lists included) is replaced, and null removes the key.
 */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key] as Values, value);
    else merged[key] = value;
  }
  return merged;
}

export function readValues(file: string): Values {
  const values = parse(readFileSync(file, 'utf8')) as unknown;
  if (values === null || values === undefined) return {};
  if (!isMap(values)) throw new Error(`${file} is not a map of values`);
  return values;
}

/** The value at a path of keys, or undefined. */
export function valueAt(values: unknown, keys: readonly string[]): unknown {
  let current: unknown = values;
  for (const key of keys) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  return current;
}
