import { CLUSTER_ONLY_METRIC as M, TARGET_LABEL } from '@menagerie/contract';
import { containers, pods } from './scope.ts';

/**
 * The pods as Kubernetes sees them (kube-state-metrics and the kubelet's
 * cAdvisor, so only in the cluster): restarts, readiness and resources.
 */

const { pod } = TARGET_LABEL;

export const restarts = (window: string): string =>
  `sum(increase(${M.podRestarts.name}{${pods}}[${window}]))`;
export const podsReady = `sum(${M.podReady.name}{${pods}, condition="true"})`;
export const restartsByContainer = (window: string): string =>
  `sum by (${pod}, container) (increase(${M.podRestarts.name}{${pods}}[${window}]))`;
export const readinessByPod = `sum by (${pod}) (${M.podReady.name}{${pods}, condition="true"})`;

export const cpuUsed = (window: string): string =>
  `sum by (${pod}) (rate(${M.containerCpu.name}{${containers}}[${window}]))`;
export const memoryWorkingSet = `sum by (${pod}) (${M.containerMemory.name}{${containers}})`;

/** What the pods request of `resource` (cpu or memory). */
export const requested = (resource: 'cpu' | 'memory'): string =>
  `sum by (${pod}) (${M.resourceRequests.name}{${pods}, resource="${resource}"})`;
/** The pods' limits of `resource` (cpu or memory). */
export const limit = (resource: 'cpu' | 'memory'): string =>
  `sum by (${pod}) (${M.resourceLimits.name}{${pods}, resource="${resource}"})`;

/** Share of CFS periods in which the containers were throttled by their CPU limit. */
export const cpuThrottling = (window: string): string =>
  `sum by (${pod}) (rate(${M.cfsThrottledPeriods.name}{${containers}}[${window}])) / sum by (${pod}) (rate(${M.cfsPeriods.name}{${containers}}[${window}]))`;
