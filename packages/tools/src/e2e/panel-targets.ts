/**
 * Every panel target of every dashboard, as Grafana sends it: variables at
 * their defaults ("All", the automatic intervals). Only the targets that need
 * Kubernetes itself (kube-state-metrics, the kubelet's cAdvisor) are left out,
 * so that the same list serves the cluster and the local stack.
 */
import {
  KUBERNETES_METRIC_NAMES,
  listPanelQueries,
  substituteVariables,
} from '@menagerie/monitoring/inspect';
import type { PanelTarget } from './checks/grafana-panels.ts';

export const needsKubernetes = (metrics: readonly string[]): boolean =>
  metrics.some((metric) => KUBERNETES_METRIC_NAMES.has(metric));

export function dashboardPanelTargets(options: { includeKubernetes?: boolean } = {}): PanelTarget[] {
  return listPanelQueries()
    .filter((query) => options.includeKubernetes || !needsKubernetes(query.metrics))
    .map((query) => ({
      label: `${query.dashboardUid} / ${query.panelTitle} (${query.refId})`,
      datasource: query.datasource,
      query: substituteVariables(query.query),
      queryType: query.queryType,
      instant: query.instant,
    }));
}

/** The targets left out of dashboardPanelTargets() by default, by label. */
export const kubernetesOnlyTargets = (): string[] =>
  listPanelQueries()
    .filter((query) => needsKubernetes(query.metrics))
    .map((query) => `${query.dashboardUid} / ${query.panelTitle} (${query.refId})`);
