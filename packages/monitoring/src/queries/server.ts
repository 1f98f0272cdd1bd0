import {
  COMMON_METRICS,
  LABEL,
  LATENCY_SLO,
  SERVER_METRICS,
  STANDARD_METRIC,
  TARGET_LABEL,
} from '@menagerie/contract';
import { anyService, apiRoutes, builds, probe, server, withinThreshold } from './scope.ts';

/**
 * The server's traffic, errors, latency and saturation, as the overview
 * dashboard shows them. Each query is written out whole: the metric and label
 * names come from the contract, the matchers from scope.ts. `window` is a
 * Grafana interval such as $__rate_interval or $__range.
 */

const { route, statusCode, species, outcome, field, reason, kind, version, revision } = LABEL;
const { namespace, service, pod, instance } = TARGET_LABEL;

const requests = `${SERVER_METRICS.requestDuration.name}_count`;
const requestBuckets = `${SERVER_METRICS.requestDuration.name}_bucket`;
const registrations = `${SERVER_METRICS.animalDuration.name}_count`;
const registrationBuckets = `${SERVER_METRICS.animalDuration.name}_bucket`;
const buildInfo = COMMON_METRICS.buildInfo.name;

/** Requests per second over the window, all routes. */
export const requestRate = (window: string): string => `sum(rate(${requests}{${server}}[${window}]))`;

/**
 * Share of API requests answered with a status of `statusClass` (`5..`, `4..`)
 * over the window; 0, not nothing, while none was.
 */
export const apiStatusRatio = (statusClass: string, window: string): string =>
  `(sum(rate(${requests}{${server}, ${apiRoutes}, ${statusCode}=~"${statusClass}"}[${window}])) or 0 * sum(rate(${requests}{${server}, ${apiRoutes}}[${window}]))) / sum(rate(${requests}{${server}, ${apiRoutes}}[${window}]))`;

/** Share of API requests answered within the latency SLO threshold (an exact bucket) over the window. */
export const apiWithinThreshold = (window: string): string =>
  `sum(rate(${requestBuckets}{${server}, ${apiRoutes}, ${withinThreshold(LATENCY_SLO.thresholdSeconds)}}[${window}])) / sum(rate(${requests}{${server}, ${apiRoutes}}[${window}]))`;

/** Share of blackbox probes that succeeded over the window. */
export const probeSuccess = (window: string): string =>
  `avg(avg_over_time(${STANDARD_METRIC.probeSuccess.name}{${probe}}[${window}]))`;

export const targetsUp = `sum(${STANDARD_METRIC.up.name}{${anyService}})`;

export const requestsByRoute = (window: string): string =>
  `sum by (${route}) (rate(${requests}{${server}}[${window}]))`;

export const responsesByStatus = (window: string): string =>
  `sum by (${statusCode}) (rate(${requests}{${server}}[${window}]))`;

/** Each route's share of 5xx answers; 0 for a route without any. */
export const serverErrorRatioByRoute = (window: string): string =>
  `(sum by (${route}) (rate(${requests}{${server}, ${statusCode}=~"5.."}[${window}])) or 0 * sum by (${route}) (rate(${requests}{${server}}[${window}]))) / sum by (${route}) (rate(${requests}{${server}}[${window}]))`;

/** Each 4xx code's share of all requests. */
export const clientErrorRatioByStatus = (window: string): string =>
  `sum by (${statusCode}) (rate(${requests}{${server}, ${statusCode}=~"4.."}[${window}])) / ignoring (${statusCode}) group_left sum(rate(${requests}{${server}}[${window}]))`;

export const validationFailures = (window: string): string =>
  `(sum by (${field}, ${reason}) (rate(${SERVER_METRICS.validationFailures.name}{${server}}[${window}]))) or on () vector(0)`;

export const registrationsBySpeciesAndOutcome = (window: string): string =>
  `sum by (${species}, ${outcome}) (rate(${registrations}{${server}}[${window}]))`;

export const faultsInjected = (window: string): string =>
  `(sum by (${species}, ${kind}) (rate(${SERVER_METRICS.faultsInjected.name}{${server}}[${window}]))) or on () vector(0)`;

export const storeRejections = (window: string): string =>
  `(sum by (${pod}) (rate(${SERVER_METRICS.storeRejections.name}{${server}}[${window}]))) or on () vector(0)`;

/** The q-quantile of API request duration. */
export const apiLatencyQuantile = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le) (rate(${requestBuckets}{${server}, ${apiRoutes}}[${window}])))`;

export const latencyQuantileByRoute = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le, ${route}) (rate(${requestBuckets}{${server}}[${window}])))`;

export const registrationQuantileBySpecies = (q: number, window: string): string =>
  `histogram_quantile(${q}, sum by (le, ${species}) (rate(${registrationBuckets}{${server}}[${window}])))`;

export const requestsInFlight = `sum by (${pod}) (${SERVER_METRICS.requestsInFlight.name}{${server}})`;

export const cpu = (window: string): string =>
  `sum by (${pod}) (rate(${STANDARD_METRIC.cpuSeconds.name}{${anyService}}[${window}]))`;

export const residentMemory = `sum by (${pod}) (${STANDARD_METRIC.residentMemory.name}{${anyService}})`;
export const heapUsed = `sum by (${pod}) (${STANDARD_METRIC.heapUsed.name}{${anyService}})`;
export const eventLoopLagP99 = `sum by (${pod}) (${STANDARD_METRIC.eventLoopLagP99.name}{${anyService}})`;

/** Animals held as a share of the store's capacity, per pod. */
export const storeFill = `max by (${pod}) (${SERVER_METRICS.storeAnimals.name}{${server}} / ${SERVER_METRICS.storeCapacity.name}{${server}})`;

export const probeDuration = `max by (${instance}) (${STANDARD_METRIC.probeDuration.name}{${probe}})`;

/** Pods per service, version and revision. */
export const runningVersions = `count by (${service}, ${version}, ${revision}) (${buildInfo}{${anyService}})`;

/** A (version, revision) that was not there 5 minutes earlier: a release. */
export const releases = `group by (${namespace}, ${service}, ${version}, ${revision}) (${buildInfo}{${builds}}) unless group by (${namespace}, ${service}, ${version}, ${revision}) (${buildInfo}{${builds}} offset 5m)`;
