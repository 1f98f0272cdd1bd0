import {
  ALERT,
  type AlertName,
  AVAILABILITY_SLO,
  LABEL,
  LATENCY_SLO,
  RULE_GROUP,
  SERVER,
  SERVER_METRICS,
  SLI_ROUTES,
  type Slo,
  TARGET_LABEL,
} from '@menagerie/contract';
import { eq, leMatcher, num, oneOf, orZeroLike, rate, re, selector, sumBy } from './promql.ts';

/**
 * The two SLIs, as PromQL over the server's request histogram. Their
 * objectives, windows and burn-rate policy are facts of the contract.
 */

/** SLI series keep these labels: one SLI per service in each namespace. */
export const SLI_AGGREGATION = [TARGET_LABEL.namespace, TARGET_LABEL.service] as const;

export interface SliDefinition {
  readonly slo: Slo;
  /** What makes a request a bad event, in words. */
  readonly badEvent: string;
  readonly alerts: { readonly page: AlertName; readonly ticket: AlertName };
  readonly groups: { readonly sli: string; readonly meta: string; readonly alerts: string };
  readonly file: string;
  /** Requests per second on the SLI routes over `window`, by SLI_AGGREGATION. */
  totalRate(window: string): string;
  /** Bad requests per second over `window`; may have no series when there are none. */
  badRate(window: string): string;
}

const duration = SERVER_METRICS.requestDuration.name;
const apiRequests = [eq(TARGET_LABEL.job, SERVER.name), oneOf(LABEL.route, SLI_ROUTES)];
const requestsOver = (window: string, extra: string[] = []): string =>
  sumBy(SLI_AGGREGATION, rate(selector(`${duration}_count`, [...apiRequests, ...extra]), window));

export const AVAILABILITY_SLI: SliDefinition = {
  slo: AVAILABILITY_SLO,
  badEvent: 'answered with a 5xx status',
  alerts: { page: ALERT.availabilityFastBurn, ticket: ALERT.availabilitySlowBurn },
  groups: {
    sli: RULE_GROUP.availabilitySli,
    meta: RULE_GROUP.availabilityMeta,
    alerts: RULE_GROUP.availabilityAlerts,
  },
  file: 'slo-availability',
  totalRate: (window) => requestsOver(window),
  badRate: (window) => requestsOver(window, [re(LABEL.statusCode, '5..')]),
};

export const LATENCY_SLI: SliDefinition = {
  slo: LATENCY_SLO,
  badEvent: `slower than ${LATENCY_SLO.thresholdSeconds}s`,
  alerts: { page: ALERT.latencyFastBurn, ticket: ALERT.latencySlowBurn },
  groups: { sli: RULE_GROUP.latencySli, meta: RULE_GROUP.latencyMeta, alerts: RULE_GROUP.latencyAlerts },
  file: 'slo-latency',
  totalRate: (window) => requestsOver(window),
  // A request is slow when it is counted but not in the threshold's bucket.
  badRate: (window) => {
    const fast = sumBy(
      SLI_AGGREGATION,
      rate(selector(`${duration}_bucket`, [...apiRequests, leMatcher(LATENCY_SLO.thresholdSeconds)]), window),
    );
    return `clamp_min(${requestsOver(window)} - ${fast}, 0)`;
  },
};

export const SLIS: readonly SliDefinition[] = [AVAILABILITY_SLI, LATENCY_SLI];

/**
 * The SLI's error ratio over `window`, straight from the histogram: 0 when no
 * request was bad, no value (NaN) when there was no request at all. The
 * recording rules floor the denominator on top of this; a watcher that must
 * tell "no traffic" from "no errors" uses it as is.
 */
export const sliErrorRatio = (sli: SliDefinition, window: string): string =>
  `${orZeroLike(sli.badRate(window), sli.totalRate(window))} / ${sli.totalRate(window)}`;

export const errorBudget = (slo: Slo): number => Number((1 - slo.objective).toPrecision(12));
export const periodWindow = (slo: Slo): string => `${slo.windowDays}d`;
export const burnThreshold = (slo: Slo, factor: number): string =>
  `(${num(factor)} * ${num(errorBudget(slo))})`;
