import { CLIENT_OUTCOMES, type ClientOutcome, type Expectation } from '@menagerie/contract';

/** Counts and latencies of one stretch of a run. */
interface Tally {
  sent: number;
  unsent: number;
  outcomes: Record<ClientOutcome, number>;
  /** Answers (or failures) that were not what their scenario expects. */
  unmet: number;
  /** Seconds, sampled (reservoir) so a long run stays bounded in memory. */
  latencies: number[];
  seen: number;
  startedAt: number;
}

const RESERVOIR = 10_000;

function emptyTally(now: number): Tally {
  const outcomes = Object.fromEntries(CLIENT_OUTCOMES.map((o) => [o, 0])) as Record<ClientOutcome, number>;
  return { sent: 0, unsent: 0, outcomes, unmet: 0, latencies: [], seen: 0, startedAt: now };
}

export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

export interface Summary {
  seconds: number;
  sent: number;
  unsent: number;
  achievedRate: number;
  outcomes: Record<ClientOutcome, number>;
  /** Requests whose outcome was not what their scenario expects. */
  unmet: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

/** The progress lines' and the final summary's numbers. */
export class RunStats {
  #interval: Tally;
  #total: Tally;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(now: () => number = () => performance.now(), random: () => number = Math.random) {
    this.#now = now;
    this.#random = random;
    this.#interval = emptyTally(now());
    this.#total = emptyTally(now());
  }

  unsent(): void {
    this.#interval.unsent++;
    this.#total.unsent++;
  }

  answered(outcome: ClientOutcome, expectation: Expectation, seconds: number): void {
    for (const tally of [this.#interval, this.#total]) {
      tally.sent++;
      tally.outcomes[outcome]++;
      if (expectation === 'unmet') tally.unmet++;
      tally.seen++;
      if (tally.latencies.length < RESERVOIR) tally.latencies.push(seconds);
      else {
        const slot = Math.floor(this.#random() * tally.seen);
        if (slot < RESERVOIR) tally.latencies[slot] = seconds;
      }
    }
  }

  /** The stretch since the last call, then starts a new one. */
  takeInterval(): Summary {
    const summary = this.#summarise(this.#interval);
    this.#interval = emptyTally(this.#now());
    return summary;
  }

  total(): Summary {
    return this.#summarise(this.#total);
  }

  #summarise(tally: Tally): Summary {
    const seconds = Math.max(1e-3, (this.#now() - tally.startedAt) / 1000);
    const sorted = [...tally.latencies].sort((a, b) => a - b);
    const ms = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1e4) / 10);
    return {
      seconds: Math.round(seconds * 10) / 10,
      sent: tally.sent,
      unsent: tally.unsent,
      achievedRate: Math.round((tally.sent / seconds) * 100) / 100,
      outcomes: { ...tally.outcomes },
      unmet: tally.unmet,
      p50Ms: ms(percentile(sorted, 0.5)),
      p99Ms: ms(percentile(sorted, 0.99)),
    };
  }
}

/** A summary as flat log fields. */
export function summaryFields(summary: Summary, targetRate: number): Record<string, number | undefined> {
  const fields: Record<string, number | undefined> = {
    seconds: summary.seconds,
    target_rps: targetRate,
    achieved_rps: summary.achievedRate,
    answered_or_failed: summary.sent,
    unsent: summary.unsent,
    unexpected: summary.unmet,
    p50_ms: summary.p50Ms,
    p99_ms: summary.p99Ms,
  };
  for (const [outcome, count] of Object.entries(summary.outcomes)) fields[outcome] = count;
  return fields;
}
