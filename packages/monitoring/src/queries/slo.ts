import { RULE_LABEL, SLO_RECORD, type Slo, STANDARD_METRIC, TARGET_LABEL } from '@menagerie/contract';
import { num } from '../promql.ts';
import { probe } from './scope.ts';

/**
 * The SLO dashboard's queries: they read the SLO recording rules, so the
 * panels show exactly what the burn-rate alerts see, for one SLO within the
 * selected namespace and service.
 */

const { namespace, service } = TARGET_LABEL;
const { slo: sloLabel } = RULE_LABEL;

/** The recordings of one SLO, in the selected namespace and service. */
const ofSlo = (slo: Slo): string =>
  `${sloLabel}="${slo.name}", ${namespace}=~"$${namespace}", ${service}=~"$${service}"`;

/** The SLI (share of good events) over a recorded window. */
export const sli = (slo: Slo, window: string): string =>
  `1 - ${SLO_RECORD.errorRatio(window)}{${ofSlo(slo)}}`;

/** The 5-minute SLI averaged over a Grafana range. */
export const sliOverRange = (slo: Slo, range: string): string =>
  `1 - avg_over_time(${SLO_RECORD.errorRatio('5m')}{${ofSlo(slo)}}[${range}])`;

/**
 * How much of the SLO period the recordings really cover, in seconds: from
 * the first 5-minute SLI sample within the period to now. A Prometheus that
 * keeps less than the period, or started recently, shows it here, and the
 * period figures beside it cover only that span. The period is searched at
 * hourly steps (cheap; the span comes out up to an hour short), and the
 * last hour at the evaluation interval, for a Prometheus younger than the
 * first hourly step.
 */
export const dataSpan = (slo: Slo, period: string): string => {
  const firstSample = (range: string) =>
    `min_over_time(timestamp(${SLO_RECORD.errorRatio('5m')}{${ofSlo(slo)}})[${range}])`;
  return `time() - ${firstSample(`${period}:1h`)}\nor\ntime() - ${firstSample('1h:')}`;
};

export const objective = (slo: Slo): string => `${SLO_RECORD.objective}{${sloLabel}="${slo.name}"}`;
export const budgetRemaining = (slo: Slo): string => `${SLO_RECORD.budgetRemaining}{${ofSlo(slo)}}`;
export const currentBurnRate = (slo: Slo): string => `${SLO_RECORD.currentBurnRate}{${ofSlo(slo)}}`;

/** The error ratio over a recorded window as a multiple of the error budget. */
export const burnRate = (slo: Slo, window: string, budget: number): string =>
  `${SLO_RECORD.errorRatio(window)}{${ofSlo(slo)}} / ${num(budget)}`;

export const alertsFiring = (slo: Slo): string =>
  `count(${STANDARD_METRIC.alerts.name}{${sloLabel}="${slo.name}", alertstate="firing"}) or on () vector(0)`;

/** The server's own view of availability in the selected namespace: the 5-minute SLI. */
export const serverAvailability = (slo: Slo): string =>
  `1 - ${SLO_RECORD.errorRatio('5m')}{${sloLabel}="${slo.name}", ${namespace}=~"$${namespace}"}`;

/** The blackbox probe's view of availability. */
export const probeAvailability = `avg(${STANDARD_METRIC.probeSuccess.name}{${probe}})`;
