import {
  ALERT,
  type AlertName,
  AVAILABILITY_SLO,
  LATENCY_SLO,
  RULE_GROUP,
  type Slo,
} from '@menagerie/contract';
import { num, orZeroLike } from './promql.ts';
import { apiRequestRate, apiServerErrorRate, apiSlowRequestRate } from './queries/sli.ts';

/**
 * The two SLIs, as PromQL over the server's request histogram. Their
 * objectives, windows and burn-rate policy are facts of the contract.
 */

export interface SliDefinition {
  readonly slo: Slo;
  /** What makes a request a bad event, in words. */
  readonly badEvent: string;
  readonly alerts: { readonly page: AlertName; readonly ticket: AlertName };
  readonly groups: { readonly sli: string; readonly meta: string; readonly alerts: string };
  readonly file: string;
  /** Requests per second on the SLI routes over `window`, by namespace and service. */
  totalRate(window: string): string;
  /** Bad requests per second over `window`; may have no series when there are none. */
  badRate(window: string): string;
}

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
  totalRate: apiRequestRate,
  badRate: apiServerErrorRate,
};

export const LATENCY_SLI: SliDefinition = {
  slo: LATENCY_SLO,
  badEvent: `slower than ${LATENCY_SLO.thresholdSeconds}s`,
  alerts: { page: ALERT.latencyFastBurn, ticket: ALERT.latencySlowBurn },
  groups: { sli: RULE_GROUP.latencySli, meta: RULE_GROUP.latencyMeta, alerts: RULE_GROUP.latencyAlerts },
  file: 'slo-latency',
  totalRate: apiRequestRate,
  badRate: apiSlowRequestRate,
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
