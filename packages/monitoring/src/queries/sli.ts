import { LABEL, LATENCY_SLO, SERVER_METRICS, TARGET_LABEL } from '@menagerie/contract';
import { apiRoutes, serverJob, withinThreshold } from './scope.ts';

/**
 * The SLIs' events over the server's request histogram: API requests (the SLI
 * routes), one series per service in each namespace. The recording rules,
 * and through them the SLO dashboard and the burn-rate alerts, read these;
 * the rollback demo's watch asks Prometheus for the availability ratio as is.
 */

const { namespace, service } = TARGET_LABEL;
const requests = `${SERVER_METRICS.requestDuration.name}_count`;
const requestBuckets = `${SERVER_METRICS.requestDuration.name}_bucket`;

/** API requests per second over the window. */
export const apiRequestRate = (window: string): string =>
  `sum by (${namespace}, ${service}) (rate(${requests}{${serverJob}, ${apiRoutes}}[${window}]))`;

/** API requests answered with a 5xx, per second; no series while there is none. */
export const apiServerErrorRate = (window: string): string =>
  `sum by (${namespace}, ${service}) (rate(${requests}{${serverJob}, ${apiRoutes}, ${LABEL.statusCode}=~"5.."}[${window}]))`;

/** API requests slower than the latency SLO threshold, per second: counted, but not in the threshold's bucket. */
export const apiSlowRequestRate = (window: string): string =>
  `clamp_min(${apiRequestRate(window)} - sum by (${namespace}, ${service}) (rate(${requestBuckets}{${serverJob}, ${apiRoutes}, ${withinThreshold(LATENCY_SLO.thresholdSeconds)}}[${window}])), 0)`;
