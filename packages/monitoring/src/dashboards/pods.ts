import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CLUSTER_ONLY_METRIC, DASHBOARD_UID, TARGET_LABEL } from '@menagerie/contract';
import { eq, ne, selector, sumBy } from '../promql.ts';
import { buildDashboard, prom, RANGE, RATE_INTERVAL, scope, statPanel, timeseriesPanel } from './kit.ts';
import { rateOf } from './selectors.ts';

/**
 * Pods: restarts, readiness and resources against requests and limits, from
 * what kube-prometheus-stack scrapes (kube-state-metrics and the kubelet's
 * cAdvisor). Every panel here is cluster-only.
 */

const { pod } = TARGET_LABEL;
const podScope = [scope.namespace, scope.pod];
const containers = [...podScope, ne('container', '')];
const M = CLUSTER_ONLY_METRIC;
const resource = (metric: string, name: 'cpu' | 'memory'): string =>
  sumBy([pod], selector(metric, [...podScope, eq('resource', name)]));

export const podsDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.pods,
    title: 'Menagerie / Pods',
    description:
      'Restarts, readiness and CPU/memory against requests and limits for the Menagerie pods, from kube-state-metrics and cAdvisor.',
    rows: [
      {
        title: 'Health',
        panels: [
          statPanel({
            title: 'Restarts in range',
            description:
              'Container restarts of the selected pods over the dashboard range. A restart empties the in-memory store.',
            unit: 'short',
            span: 12,
            thresholds: [
              ['green', null],
              ['red', 1],
            ],
            queries: [
              prom(`sum(increase(${selector(M.podRestarts.name, podScope)}[${RANGE}]))`, 'restarts', {
                instant: true,
              }),
            ],
          }),
          statPanel({
            title: 'Pods ready',
            description: 'Selected pods whose Ready condition is true.',
            unit: 'short',
            span: 12,
            queries: [
              prom(`sum(${selector(M.podReady.name, [...podScope, eq('condition', 'true')])})`, 'ready', {
                instant: true,
              }),
            ],
          }),
          timeseriesPanel({
            title: 'Container restarts',
            description: 'Restarts per container over each interval.',
            unit: 'short',
            queries: [
              prom(
                sumBy(
                  [pod, 'container'],
                  `increase(${selector(M.podRestarts.name, podScope)}[${RATE_INTERVAL}])`,
                ),
                '{{pod}} {{container}}',
              ),
            ],
          }),
          timeseriesPanel({
            title: 'Readiness',
            description:
              'Ready condition per pod (1 ready, 0 not ready): a readiness probe failing or a pod shutting down.',
            unit: 'short',
            min: 0,
            max: 1,
            queries: [
              prom(
                sumBy([pod], selector(M.podReady.name, [...podScope, eq('condition', 'true')])),
                '{{pod}}',
              ),
            ],
          }),
        ],
      },
      {
        title: 'Resources',
        panels: [
          timeseriesPanel({
            title: 'CPU: used vs requested vs limit',
            description:
              'CPU cores used per pod (cAdvisor) against the CPU requested and the limit (kube-state-metrics).',
            unit: 'short',
            span: 8,
            queries: [
              prom(sumBy([pod], rateOf(M.containerCpu.name, containers)), '{{pod}} used'),
              prom(resource(M.resourceRequests.name, 'cpu'), '{{pod}} requested'),
              prom(resource(M.resourceLimits.name, 'cpu'), '{{pod}} limit'),
            ],
          }),
          timeseriesPanel({
            title: 'Memory: working set vs requested vs limit',
            description:
              'Working-set memory per pod against the memory requested and the limit; at the limit the pod is OOM-killed.',
            unit: 'bytes',
            span: 8,
            queries: [
              prom(sumBy([pod], selector(M.containerMemory.name, containers)), '{{pod}} working set'),
              prom(resource(M.resourceRequests.name, 'memory'), '{{pod}} requested'),
              prom(resource(M.resourceLimits.name, 'memory'), '{{pod}} limit'),
            ],
          }),
          timeseriesPanel({
            title: 'CPU throttling',
            description: 'Share of CFS periods in which the containers were throttled by their CPU limit.',
            unit: 'percentunit',
            span: 8,
            queries: [
              prom(
                `${sumBy([pod], rateOf(M.cfsThrottledPeriods.name, containers))} / ${sumBy([pod], rateOf(M.cfsPeriods.name, containers))}`,
                '{{pod}}',
              ),
            ],
          }),
        ],
      },
    ],
  });
