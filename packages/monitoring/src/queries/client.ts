import {
  CLIENT_METRICS,
  COMMON_METRICS,
  type Expectation,
  FAILED_OUTCOMES,
  LABEL,
  SERVER_METRICS,
  TARGET_LABEL,
} from '@menagerie/contract';
import { oneOf } from '../promql.ts';
import { anyService, client, server } from './scope.ts';

/**
 * What the traffic generator experiences, beside the server's own numbers
 * for the same traffic, as the client dashboard shows them.
 */

const { outcome, scenario, reason, expectation } = LABEL;
const { pod, service } = TARGET_LABEL;
const requests = `${CLIENT_METRICS.requestDuration.name}_count`;
const requestBuckets = `${CLIENT_METRICS.requestDuration.name}_bucket`;
const serverRequests = `${SERVER_METRICS.requestDuration.name}_count`;
const serverBuckets = `${SERVER_METRICS.requestDuration.name}_bucket`;

export const targetRate = `sum(${CLIENT_METRICS.targetRate.name}{${client}})`;
export const scheduledRate = (window: string): string =>
  `sum(rate(${CLIENT_METRICS.requestsScheduled.name}{${client}}[${window}]))`;
export const answeredRate = (window: string): string => `sum(rate(${requests}{${client}}[${window}]))`;
export const serverHandledRate = (window: string): string =>
  `sum(rate(${serverRequests}{${server}}[${window}]))`;

export const requestsByOutcome = (window: string): string =>
  `sum by (${outcome}) (rate(${requests}{${client}}[${window}]))`;

export const outcomeShare = (window: string): string =>
  `sum by (${outcome}) (rate(${requests}{${client}}[${window}])) / ignoring (${outcome}) group_left sum(rate(${requests}{${client}}[${window}]))`;

export const requestsByScenario = (window: string): string =>
  `sum by (${scenario}) (rate(${requests}{${client}}[${window}]))`;

export const unsentByReason = (window: string): string =>
  `(sum by (${reason}) (rate(${CLIENT_METRICS.requestsUnsent.name}{${client}}[${window}]))) or on () vector(0)`;

/** The q-quantile of caller-side duration, measured from the scheduled send time. */
export const callerLatencyQuantile = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${requestBuckets}{${client}}[${window}])))`;

export const serverLatencyQuantile = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${serverBuckets}{${server}}[${window}])))`;

export const callerLatencyQuantileByScenario = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le, ${scenario}) (rate(${requestBuckets}{${client}}[${window}])))`;

export const requestsInFlight = `sum by (${pod}) (${CLIENT_METRICS.requestsInFlight.name}{${client}})`;

/** Requests the service failed from the caller's side (5xx, network errors, timeouts), as a share; 0 while none. */
export const failedShare = (window: string): string =>
  `(sum(rate(${requests}{${client}, ${oneOf(outcome, FAILED_OUTCOMES)}}[${window}])) or 0 * sum(rate(${requests}{${client}}[${window}]))) / sum(rate(${requests}{${client}}[${window}]))`;

const checks = CLIENT_METRICS.expectations.name;
const unmet: Expectation = 'unmet';
const met: Expectation = 'met';

/** Share of the client's requests answered as their scenario expects (the server's correctness, seen from outside). */
export const expectedShare = (window: string): string =>
  `sum(rate(${checks}{${client}, ${expectation}="${met}"}[${window}])) / sum(rate(${checks}{${client}}[${window}]))`;

/** Requests whose outcome their scenario did not expect, per second, by scenario and outcome; 0 while there are none. */
export const unexpectedByScenario = (window: string): string =>
  `(sum by (${scenario}, ${outcome}) (rate(${checks}{${client}, ${expectation}="${unmet}"}[${window}]))) or on () vector(0)`;

/** Spans the services could not export, per second. */
export const spansDropped = (window: string): string =>
  `(sum by (${service}, ${reason}) (rate(${COMMON_METRICS.spansDropped.name}{${anyService}}[${window}]))) or on () vector(0)`;
