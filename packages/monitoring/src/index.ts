export {
  alertmanagerConfig,
  EXPLAINED_BY_SERVER_DOWN,
  PAGING_KEY_FILE,
  RECEIVER,
  SERVER_GONE,
  STACK_ALERT,
} from './alertmanager/config.ts';
export { type DashboardFile, dashboardFiles } from './dashboards/index.ts';
export { ALL_VALUE, DATASOURCE, VARIABLE } from './dashboards/kit.ts';
export { type RenderedFiles, renderAll } from './render.ts';
export { ruleFiles } from './rules/index.ts';
export {
  type AdapterConfig,
  type AdapterRule,
  prometheusAdapterConfig,
  requestsPerSecondRule,
  substituteAdapterQuery,
} from './rules/prometheus-adapter.ts';
export { RUNBOOK_DIR, runbookUrl } from './rules/runbooks.ts';
export type { AlertingRule, RecordingRule, Rule, RuleFile, RuleGroup } from './rules/types.ts';
export { isAlertingRule } from './rules/types.ts';
export {
  AVAILABILITY_SLI,
  LATENCY_SLI,
  SLIS,
  type SliDefinition,
  sliErrorRatio,
} from './slo.ts';
