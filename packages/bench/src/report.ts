import type { Spread } from './stats.ts';

export type FieldValue = string | number | Spread;

/** How many significant digits a figure keeps in a summary line. */
function round(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return String(Math.round(value));
  if (magnitude >= 1) return value.toFixed(2).replace(/\.?0+$/, '');
  return value
    .toPrecision(3)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/**
 * One summary line: `bench <figure>: key=value ...`. A spread prints as its
 * median, then `key_min`/`key_max` and the number of repetitions, so lines
 * from two runs can be compared field by field.
 */
export function summaryLine(figure: string, fields: Readonly<Record<string, FieldValue>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') parts.push(`${key}=${value}`);
    else if (typeof value === 'number') parts.push(`${key}=${round(value)}`);
    else
      parts.push(
        `${key}=${round(value.median)}`,
        `${key}_min=${round(value.min)}`,
        `${key}_max=${round(value.max)}`,
      );
  }
  return `bench ${figure}: ${parts.join(' ')}`;
}

/** Parses a summary line back (the smoke test and anyone comparing runs). */
export function parseSummaryLine(
  line: string,
): { figure: string; fields: Record<string, string> } | undefined {
  const match = /^bench ([a-z0-9 -]+): (.*)$/.exec(line);
  if (!match) return undefined;
  const fields: Record<string, string> = {};
  for (const part of (match[2] as string).split(' ')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { figure: match[1] as string, fields };
}
