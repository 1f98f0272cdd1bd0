/**
 * Runs checks against a stack that is still filling up: each check is tried
 * again until it passes or a deadline shared by all checks has passed, and the
 * last failure is what gets reported.
 */

export interface Check {
  readonly name: string;
  /** Resolves with a short description of what was seen; rejects with the reason it is not there (yet). */
  attempt(): Promise<string>;
}

/** A failure that waiting cannot fix (a missing input file, say): reported at once, never retried. */
export class FatalCheckError extends Error {
  override readonly name = 'FatalCheckError';
}

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly attempts: number;
}

export interface RunOptions {
  /** Epoch milliseconds after which no new attempt starts. */
  readonly deadline: number;
  readonly intervalMs: number;
  /** Told about every failed attempt that will be retried, so a long wait shows progress. */
  readonly onRetry?: (name: string, attempt: number, reason: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs every check concurrently (each one independent, so a slow Tempo does not
 * eat Prometheus's share of the deadline) and returns the results in the order given.
 */
export function runChecks(checks: readonly Check[], options: RunOptions): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runOne(check, options)));
}

async function runOne(check: Check, options: RunOptions): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const detail = await check.attempt();
      return { name: check.name, passed: true, detail, attempts: attempt };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const fatal = error instanceof FatalCheckError;
      if (fatal || now() + options.intervalMs > options.deadline) {
        return { name: check.name, passed: false, detail: reason, attempts: attempt };
      }
      options.onRetry?.(check.name, attempt, reason);
      await sleep(options.intervalMs);
    }
  }
}

/** One line per check, the same in a terminal and in a CI log. */
export function formatResult(result: CheckResult): string {
  const tries = result.attempts === 1 ? '' : ` (after ${result.attempts} attempts)`;
  return `${result.passed ? 'PASS' : 'FAIL'}  ${result.name}: ${result.detail}${tries}`;
}
