/** The Prometheus rule-file format (what `promtool check rules` reads). */

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The annotations the rule files carry. `runbook_url` is not among them: the
 * chart adds it to every alert from one value, `alerting.runbookBaseUrl`, so a
 * fork links to its own runbooks (templates/prometheus-rules.yaml).
 */
export interface AlertAnnotations {
  readonly summary: string;
  readonly description: string;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: string };
  readonly annotations: AlertAnnotations;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

/** One file under charts/menagerie/files/rules, one PrometheusRule in the chart. */
export interface RuleFile {
  readonly name: string;
  readonly groups: readonly RuleGroup[];
}

export const isAlertingRule = (rule: Rule): rule is AlertingRule => 'alert' in rule;
