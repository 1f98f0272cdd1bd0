/**
 * Prometheus' `replace` relabelling, the only action the log collector's
 * rules use (Alloy's discovery.relabel and promtail share Prometheus' code).
 * Any other action is refused, so a new kind of rule fails the check loudly.
 */
export interface RelabelRule {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: string;
}

export function relabel(labels: Readonly<Record<string, string>>, rules: readonly RelabelRule[]) {
  const out: Record<string, string> = { ...labels };
  for (const rule of rules) {
    const action = rule.action ?? 'replace';
    if (action !== 'replace') throw new Error(`relabel action ${action} is not implemented by this check`);
    if (!rule.target_label) throw new Error('a replace rule needs target_label');
    const value = (rule.source_labels ?? []).map((name) => out[name] ?? '').join(rule.separator ?? ';');
    // Prometheus anchors the regex at both ends.
    const match = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`, 's').exec(value);
    if (!match) continue;
    const result = (rule.replacement ?? '$1').replace(
      /\$\{?(\d+)\}?/g,
      (_, group: string) => match[Number(group)] ?? '',
    );
    if (result === '') delete out[rule.target_label];
    else out[rule.target_label] = result;
  }
  return out;
}

/** The labels a target keeps: those not starting with a double underscore. */
export const publicLabels = (labels: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith('__')));
