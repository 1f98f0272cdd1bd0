import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DASHBOARD_UID } from '@menagerie/contract';
import * as q from '../queries/pods.ts';
import {
  buildDashboard,
  DATASOURCE,
  defaultStat,
  defaultTimeseries,
  neutral,
  promInstantQuery,
  promQuery,
  RANGE,
  RATE_INTERVAL,
  row,
  steps,
} from './kit.ts';

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
      row('Health', restartsStat(), podsReadyStat(), restartsByContainerPanel(), readinessPanel()),
      row('Resources', cpuPanel(), memoryPanel(), cpuThrottlingPanel()),
    ],
  });

// ---- Health -------------------------------------------------------------------

function restartsStat(): stat.PanelBuilder {
  return defaultStat()
    .title('Restarts in range')
    .description(
      'Container restarts of the selected pods over the dashboard range. A restart empties the in-memory store.',
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(5)
    .withTarget(promInstantQuery(q.restarts(RANGE), 'restarts').refId('A'))
    .thresholds(steps(['green', null], ['red', 1]));
}

function podsReadyStat(): stat.PanelBuilder {
  return defaultStat()
    .title('Pods ready')
    .description('Selected pods whose Ready condition is true.')
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(5)
    .withTarget(promInstantQuery(q.podsReady, 'ready').refId('A'))
    .thresholds(neutral());
}

function restartsByContainerPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Container restarts')
    .description('Restarts per container over each interval.')
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.restartsByContainer(RATE_INTERVAL), '{{pod}} {{container}}').refId('A'));
}

function readinessPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Readiness')
    .description(
      'Ready condition per pod (1 ready, 0 not ready): a readiness probe failing or a pod shutting down.',
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.readinessByPod, '{{pod}}').refId('A'))
    .min(0)
    .max(1);
}

// ---- Resources ----------------------------------------------------------------

function cpuPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('CPU: used vs requested vs limit')
    .description(
      'CPU cores used per pod (cAdvisor) against the CPU requested and the limit (kube-state-metrics).',
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.cpuUsed(RATE_INTERVAL), '{{pod}} used').refId('A'))
    .withTarget(promQuery(q.requested('cpu'), '{{pod}} requested').refId('B'))
    .withTarget(promQuery(q.limit('cpu'), '{{pod}} limit').refId('C'));
}

function memoryPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Memory: working set vs requested vs limit')
    .description(
      'Working-set memory per pod against the memory requested and the limit; at the limit the pod is OOM-killed.',
    )
    .unit('bytes')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.memoryWorkingSet, '{{pod}} working set').refId('A'))
    .withTarget(promQuery(q.requested('memory'), '{{pod}} requested').refId('B'))
    .withTarget(promQuery(q.limit('memory'), '{{pod}} limit').refId('C'));
}

function cpuThrottlingPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('CPU throttling')
    .description('Share of CFS periods in which the containers were throttled by their CPU limit.')
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(8)
    .height(8)
    .withTarget(promQuery(q.cpuThrottling(RATE_INTERVAL), '{{pod}}').refId('A'));
}
