/**
 * An open-model load schedule: request n is due at start + n / rate, whether
 * or not earlier requests have finished. A due request that would exceed the
 * in-flight cap is not sent and is reported as unsent, never silently
 * skipped or delayed (no coordinated omission).
 */
export interface OpenLoopOptions {
  rate: number;
  maxInFlight: number;
  /** Seconds of schedule; undefined for no end. */
  durationSeconds: number | undefined;
  /** Called for every due request that may be sent, with its scheduled time (performance.now() ms). */
  fire: (scheduledAt: number) => Promise<void>;
  onScheduled: () => void;
  onUnsent: (reason: UnsentReason) => void;
  /** Called once when the schedule has ended (DURATION reached). */
  onScheduleEnd?: () => void;
}

export const UNSENT_REASONS = ['max_in_flight'] as const;
export type UnsentReason = (typeof UNSENT_REASONS)[number];

export class OpenLoop {
  readonly #options: OpenLoopOptions;
  #start = 0;
  #scheduled = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #idle: (() => void)[] = [];

  constructor(options: OpenLoopOptions) {
    this.#options = options;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get scheduled(): number {
    return this.#scheduled;
  }

  start(): void {
    this.#start = performance.now();
    this.#tick();
  }

  /** Stops scheduling; requests in flight go on. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when no request is in flight. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #total(): number {
    const { durationSeconds, rate } = this.#options;
    return durationSeconds === undefined ? Number.POSITIVE_INFINITY : Math.floor(durationSeconds * rate);
  }

  #tick = (): void => {
    if (this.#stopped) return;
    const { rate, maxInFlight } = this.#options;
    const interval = 1000 / rate;
    const now = performance.now();
    const total = this.#total();
    const due = Math.min(total, Math.floor((now - this.#start) / interval) + 1);
    while (this.#scheduled < due) {
      const scheduledAt = this.#start + this.#scheduled * interval;
      this.#scheduled++;
      this.#options.onScheduled();
      if (this.#inFlight >= maxInFlight) {
        this.#options.onUnsent('max_in_flight');
        continue;
      }
      this.#inFlight++;
      this.#options.fire(scheduledAt).finally(() => {
        this.#inFlight--;
        if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
    if (this.#scheduled >= total) {
      this.stop();
      this.#options.onScheduleEnd?.();
      return;
    }
    const nextDue = this.#start + this.#scheduled * interval;
    this.#timer = setTimeout(this.#tick, Math.max(0, nextDue - performance.now()));
  };
}
