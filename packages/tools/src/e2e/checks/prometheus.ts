/** Prometheus HTTP API: our scrape targets are up and our rule groups are loaded and healthy. */
import { TARGET_LABEL } from '@menagerie/contract';
import { prometheusApi } from '../../prometheus-api.ts';
import type { RuleGroupExpectation } from '../expectations.ts';
import type { Check } from '../runner.ts';

export function targetsUpCheck(prometheus: URL, namespace: string, jobs: readonly string[]): Check {
  return {
    name: 'prometheus targets',
    async attempt() {
      const targets = await prometheusApi(prometheus.href).targets();
      const problems: string[] = [];
      const seen: string[] = [];
      for (const job of jobs) {
        const ours = targets.filter(
          (t) => t.labels[TARGET_LABEL.job] === job && t.labels[TARGET_LABEL.namespace] === namespace,
        );
        const up = ours.filter((t) => t.health === 'up');
        if (ours.length === 0) problems.push(`${job}: no target (job="${job}", namespace="${namespace}")`);
        else if (up.length < ours.length) {
          const down = ours.find((t) => t.health !== 'up');
          const why = down?.lastError ? ` (${down.lastError})` : '';
          problems.push(`${job}: ${up.length}/${ours.length} up${why}`);
        } else seen.push(`${job} ${up.length}/${ours.length} up`);
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
      return seen.join(', ');
    },
  };
}

export function rulesLoadedCheck(prometheus: URL, expected: () => readonly RuleGroupExpectation[]): Check {
  return {
    name: 'prometheus rules',
    async attempt() {
      const wanted = expected();
      const groups = await prometheusApi(prometheus.href).rules();
      const problems: string[] = [];
      let alerts = 0;
      let records = 0;
      for (const want of wanted) {
        const group = groups.find((g) => g.name === want.name);
        if (!group) {
          problems.push(`group ${want.name} not loaded`);
          continue;
        }
        const { rules } = group;
        const has = (type: string, name: string) => rules.some((r) => r.type === type && r.name === name);
        const missing = [
          ...want.alerts.filter((name) => !has('alerting', name)).map((name) => `alert ${name}`),
          ...want.records.filter((name) => !has('recording', name)).map((name) => `record ${name}`),
        ];
        if (missing.length > 0) problems.push(`group ${want.name} lacks ${missing.join(', ')}`);
        for (const rule of rules) {
          if (rule.health === 'err') problems.push(`rule ${rule.name} fails: ${String(rule.lastError)}`);
        }
        alerts += want.alerts.length;
        records += want.records.length;
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
      return `${wanted.length} groups loaded (${alerts} alerts, ${records} recording rules)`;
    },
  };
}
