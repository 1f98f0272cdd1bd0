/** Prometheus HTTP API: our scrape targets are up and our rule groups are loaded and healthy. */
import { TARGET_LABEL } from '@menagerie/contract';
import type { RuleGroupExpectation } from '../expectations.ts';
import { endpoint, isRecord, requestJson, unexpectedAnswer } from '../http.ts';
import type { Check } from '../runner.ts';

/** The `data` of a successful Prometheus API answer. */
async function prometheusData(base: URL, path: string, query: Record<string, string> = {}) {
  const url = endpoint(base, path, query);
  const response = await requestJson(url);
  const { status, body } = response;
  if (status !== 200 || !isRecord(body) || body.status !== 'success' || !isRecord(body.data)) {
    throw unexpectedAnswer(url, response);
  }
  return body.data;
}

interface Target {
  readonly labels: Record<string, unknown>;
  readonly health: unknown;
  readonly lastError: unknown;
}

export function targetsUpCheck(prometheus: URL, namespace: string, jobs: readonly string[]): Check {
  return {
    name: 'prometheus targets',
    async attempt() {
      const data = await prometheusData(prometheus, '/api/v1/targets', { state: 'active' });
      const targets = (Array.isArray(data.activeTargets) ? data.activeTargets : []).filter(
        (t): t is Target => isRecord(t) && isRecord(t.labels),
      );
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
          const why = typeof down?.lastError === 'string' && down.lastError ? ` (${down.lastError})` : '';
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
      const data = await prometheusData(prometheus, '/api/v1/rules');
      const groups = (Array.isArray(data.groups) ? data.groups : []).filter(isRecord);
      const problems: string[] = [];
      let alerts = 0;
      let records = 0;
      for (const want of wanted) {
        const group = groups.find((g) => g.name === want.name);
        if (!group) {
          problems.push(`group ${want.name} not loaded`);
          continue;
        }
        const rules = (Array.isArray(group.rules) ? group.rules : []).filter(isRecord);
        const has = (type: string, name: string) => rules.some((r) => r.type === type && r.name === name);
        const missing = [
          ...want.alerts.filter((name) => !has('alerting', name)).map((name) => `alert ${name}`),
          ...want.records.filter((name) => !has('recording', name)).map((name) => `record ${name}`),
        ];
        if (missing.length > 0) problems.push(`group ${want.name} lacks ${missing.join(', ')}`);
        for (const rule of rules) {
          if (rule.health === 'err')
            problems.push(`rule ${String(rule.name)} fails: ${String(rule.lastError)}`);
        }
        alerts += want.alerts.length;
        records += want.records.length;
      }
      if (problems.length > 0) throw new Error(problems.join('; '));
      return `${wanted.length} groups loaded (${alerts} alerts, ${records} recording rules)`;
    },
  };
}
