/**
 * Bounds on what an error body repeats back from the request. A body that
 * listed every unknown key, or quoted a whole path, would grow with the
 * request (2,000 query keys once gave a 154 KB answer): an amplifier for
 * anyone who can send requests. Every error body goes through these.
 */

/** Most problems an error body lists; the message says how many more there were. */
export const MAX_ECHOED_DETAILS = 10;
/** Most characters of any one string taken from the request (a key, a path, a joi message). */
export const MAX_ECHOED_CHARS = 100;

/** `text` cut to MAX_ECHOED_CHARS UTF-16 units, ending in an ellipsis when it was longer. */
export function echo(text: string): string {
  if (text.length <= MAX_ECHOED_CHARS) return text;
  let kept = text.slice(0, MAX_ECHOED_CHARS - 1);
  // Never end on half of a surrogate pair (the JSON would carry a lone surrogate).
  const last = kept.charCodeAt(kept.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1);
  return `${kept}…`;
}

/** Strings in a detail entry bounded by `echo`; anything else passes as it is. */
function boundEntry(entry: unknown): unknown {
  if (typeof entry === 'string') return echo(entry);
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
  return Object.fromEntries(
    Object.entries(entry).map(([key, value]) => [key, typeof value === 'string' ? echo(value) : value]),
  );
}

/**
 * An error's details with at most MAX_ECHOED_DETAILS entries, each string
 * bounded, and how many entries were left out.
 */
export function boundDetails(details: unknown): { details: unknown; omitted: number } {
  if (!Array.isArray(details)) return { details: boundEntry(details), omitted: 0 };
  return {
    details: details.slice(0, MAX_ECHOED_DETAILS).map(boundEntry),
    omitted: Math.max(0, details.length - MAX_ECHOED_DETAILS),
  };
}

/** `message`, saying how many problems were left out of the details when any were. */
export function withOmitted(message: string, omitted: number): string {
  return omitted > 0 ? `${message} (${omitted} more problems not listed)` : message;
}
