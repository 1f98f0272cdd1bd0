import type { LATENCY_BUCKETS_SECONDS } from './metrics.ts';

type Bucket = (typeof LATENCY_BUCKETS_SECONDS)[number];

import { ROUTE } from './services.ts';

/**
 * The SLIs count server requests on the API routes only (probes and scrapes
 * are not user traffic). A 4xx is a good event: the server answered correctly
 * to a request the caller got wrong. A 5xx is a bad event.
 */
export const SLI_ROUTES = [ROUTE.animals, ROUTE.animal] as const;

/**
 * Service level objectives over the server's request histogram. The latency
 * threshold must be one of the histogram's buckets (the type enforces it).
 */
export interface Slo {
  readonly name: string;
  readonly objective: number;
  readonly windowDays: number;
}

export const AVAILABILITY_SLO = {
  name: 'availability',
  objective: 0.995,
  windowDays: 30,
} as const satisfies Slo;

export const LATENCY_SLO = {
  name: 'latency',
  objective: 0.99,
  windowDays: 30,
  thresholdSeconds: 1 satisfies Bucket,
} as const satisfies Slo & { thresholdSeconds: Bucket };

/** Every window an SLI error ratio is recorded over. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number];

export interface BurnRateCondition {
  /** Multiple of the error budget's steady spend (1× spends it exactly over the SLO period). */
  readonly factor: number;
  readonly long: SliWindow;
  /** Confirms the burn is still going on, so the alert resets soon after it stops. */
  readonly short: SliWindow;
}

/**
 * The multi-window multi-burn-rate policy from the SRE workbook (chapter 5):
 * an alert fires when any of its conditions holds over both windows.
 */
export const BURN_RATE_POLICY = {
  page: [
    { factor: 14.4, long: '1h', short: '5m' },
    { factor: 6, long: '6h', short: '30m' },
  ],
  ticket: [
    { factor: 3, long: '1d', short: '2h' },
    { factor: 1, long: '3d', short: '6h' },
  ],
} as const satisfies Record<'page' | 'ticket', readonly BurnRateCondition[]>;

/** Recording-rule names, in the naming scheme Sloth made common. */
export const SLO_RECORD = {
  events: 'slo:sli_events:rate5m',
  badEvents: 'slo:sli_bad_events:rate5m',
  errorRatio: (window: string): string => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  periodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
} as const;
