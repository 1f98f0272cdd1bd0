/** Grafana dashboard uids: links between dashboards, alerts and the screenshots use them. */
export const DASHBOARD_UID = {
  overview: 'menagerie-overview',
  slos: 'menagerie-slos',
  client: 'menagerie-client',
  logs: 'menagerie-logs',
  traces: 'menagerie-traces',
  pods: 'menagerie-pods',
} as const;

/** Where the generated files go, relative to the repository root. */
export const OUTPUT_DIR = {
  dashboards: 'charts/menagerie/files/dashboards',
  rules: 'charts/menagerie/files/rules',
  /** promtool unit tests of the rules, next to them (outside rules/, which the chart loads whole). */
  ruleTests: 'charts/menagerie/files/rule-tests',
  alertmanager: 'charts/menagerie/files/alertmanager',
  /** prometheus-adapter's whole configuration: the custom and resource metrics the HPAs read. */
  prometheusAdapter: 'charts/menagerie/files/prometheus-adapter',
} as const;
