import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_UID } from '@menagerie/contract';
import * as q from '../queries/pods.ts';
import { buildDashboard, prom, RANGE, RATE_INTERVAL, statPanel, timeseriesPanel } from './kit.ts';

/**
 * Pods: restarts, readiness and resources against requests and limits, from
 * what kube-prometheus-stack scrapes (kube-state-metrics and the kubelet's
 * cAdvisor). Every panel here is cluster-only.
 */

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
            queries: [prom(q.restarts(RANGE), 'restarts', { instant: true })],
          }),
          statPanel({
            title: 'Pods ready',
            description: 'Selected pods whose Ready condition is true.',
            unit: 'short',
            span: 12,
            queries: [prom(q.podsReady, 'ready', { instant: true })],
          }),
          timeseriesPanel({
            title: 'Container restarts',
            description: 'Restarts per container over each interval.',
            unit: 'short',
            queries: [prom(q.restartsByContainer(RATE_INTERVAL), '{{pod}} {{container}}')],
          }),
          timeseriesPanel({
            title: 'Readiness',
            description:
              'Ready condition per pod (1 ready, 0 not ready): a readiness probe failing or a pod shutting down.',
            unit: 'short',
            min: 0,
            max: 1,
            queries: [prom(q.readinessByPod, '{{pod}}')],
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
              prom(q.cpuUsed(RATE_INTERVAL), '{{pod}} used'),
              prom(q.requested('cpu'), '{{pod}} requested'),
              prom(q.limit('cpu'), '{{pod}} limit'),
            ],
          }),
          timeseriesPanel({
            title: 'Memory: working set vs requested vs limit',
            description:
              'Working-set memory per pod against the memory requested and the limit; at the limit the pod is OOM-killed.',
            unit: 'bytes',
            span: 8,
            queries: [
              prom(q.memoryWorkingSet, '{{pod}} working set'),
              prom(q.requested('memory'), '{{pod}} requested'),
              prom(q.limit('memory'), '{{pod}} limit'),
            ],
          }),
          timeseriesPanel({
            title: 'CPU throttling',
            description: 'Share of CFS periods in which the containers were throttled by their CPU limit.',
            unit: 'percentunit',
            span: 8,
            queries: [prom(q.cpuThrottling(RATE_INTERVAL), '{{pod}}')],
          }),
        ],
      },
    ],
  });
