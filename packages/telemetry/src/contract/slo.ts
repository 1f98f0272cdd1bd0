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
