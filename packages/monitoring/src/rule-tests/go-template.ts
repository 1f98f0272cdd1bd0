/**
 * Renders the few Go template forms our alert annotations use, the way
 * Prometheus does, so unit tests can state the exact annotations they expect.
 * Anything else in a template is an error: annotations stay this simple.
 */

/** Go's `%.4g`: four significant digits, trailing zeros dropped. */
const fourSignificant = (v: number): string => String(Number(v.toPrecision(4)));

export function humanizePercentage(v: number): string {
  return `${fourSignificant(v * 100)}%`;
}

/** Prometheus' humanizeDuration for values under a minute. */
export function humanizeDuration(v: number): string {
  if (v === 0) return '0s';
  if (Math.abs(v) >= 60) throw new Error('durations of a minute or more are not rendered here');
  if (Math.abs(v) >= 1) return `${fourSignificant(v)}s`;
  let scaled = v;
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p']) {
    if (Math.abs(scaled) >= 1) break;
    prefix = p;
    scaled *= 1000;
  }
  return `${fourSignificant(scaled)}${prefix}s`;
}

const ACTION = /\{\{\s*(.*?)\s*\}\}/g;

export function renderAnnotation(
  template: string,
  labels: Readonly<Record<string, string>>,
  value: number,
): string {
  return template.replace(ACTION, (_whole, action: string) => {
    const label = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(action);
    if (label) return labels[label[1] as string] ?? '';
    if (action === '$value | humanizePercentage') return humanizePercentage(value);
    if (action === '$value | humanizeDuration') return humanizeDuration(value);
    throw new Error(`unsupported template action {{ ${action} }}`);
  });
}
