import {
  BURN_RATE_POLICY,
  type BurnRateCondition,
  RULE_LABEL,
  SEVERITY,
  SLI_WINDOWS,
  SLO_RECORD,
  type Urgency,
} from '@menagerie/contract';
import { eq, num, orZeroLike, safeRatio, selector } from '../promql.ts';
import { burnThreshold, errorBudget, periodWindow, type SliDefinition } from '../slo.ts';
import type { AlertingRule, RecordingRule, RuleFile } from './types.ts';

/**
 * Recording rules and burn-rate alerts for one SLI. Every ratio is safe at
 * zero traffic: a missing bad-event series counts as 0 and the denominator is
 * floored, so the ratios read 0 (never NaN) and no alert fires.
 */

const pct = (ratio: number): string => `${num(ratio * 100)}%`;

function sliRecordings(sli: SliDefinition): RecordingRule[] {
  const sloLabel = { [RULE_LABEL.slo]: sli.slo.name };
  const only = [eq(RULE_LABEL.slo, sli.slo.name)];
  const period = periodWindow(sli.slo);
  return [
    { record: SLO_RECORD.events, expr: sli.totalRate('5m'), labels: sloLabel },
    {
      record: SLO_RECORD.badEvents,
      expr: orZeroLike(sli.badRate('5m'), sli.totalRate('5m')),
      labels: sloLabel,
    },
    ...SLI_WINDOWS.map((window) => ({
      record: SLO_RECORD.errorRatio(window),
      expr: safeRatio(orZeroLike(sli.badRate(window), sli.totalRate(window)), sli.totalRate(window)),
      labels: { ...sloLabel, [RULE_LABEL.sloWindow]: window },
    })),
    // Over the whole SLO period, weighted by traffic: all bad events over all events.
    {
      record: SLO_RECORD.errorRatio(period),
      expr: safeRatio(
        `sum_over_time(${selector(SLO_RECORD.badEvents, only)}[${period}])`,
        `sum_over_time(${selector(SLO_RECORD.events, only)}[${period}])`,
      ),
      labels: { ...sloLabel, [RULE_LABEL.sloWindow]: period },
    },
  ];
}

function metaRecordings(sli: SliDefinition): RecordingRule[] {
  const sloLabel = { [RULE_LABEL.slo]: sli.slo.name };
  const only = [eq(RULE_LABEL.slo, sli.slo.name)];
  const budget = num(errorBudget(sli.slo));
  return [
    { record: SLO_RECORD.objective, expr: `vector(${num(sli.slo.objective)})`, labels: sloLabel },
    { record: SLO_RECORD.errorBudget, expr: `vector(${budget})`, labels: sloLabel },
    { record: SLO_RECORD.periodDays, expr: `vector(${sli.slo.windowDays})`, labels: sloLabel },
    {
      record: SLO_RECORD.currentBurnRate,
      expr: `${selector(SLO_RECORD.errorRatio('5m'), only)} / ${budget}`,
      labels: sloLabel,
    },
    {
      record: SLO_RECORD.periodBurnRate,
      expr: `${selector(SLO_RECORD.errorRatio(periodWindow(sli.slo)), only)} / ${budget}`,
      labels: sloLabel,
    },
    {
      record: SLO_RECORD.budgetRemaining,
      expr: `1 - ${selector(SLO_RECORD.periodBurnRate, only)}`,
      labels: sloLabel,
    },
  ];
}

function burnCondition(sli: SliDefinition, condition: BurnRateCondition): string {
  const over = (window: string): string =>
    `max without (${RULE_LABEL.sloWindow}) (${selector(SLO_RECORD.errorRatio(window), [eq(RULE_LABEL.slo, sli.slo.name)])} > ${burnThreshold(sli.slo, condition.factor)})`;
  return `(\n  ${over(condition.short)}\n  and\n  ${over(condition.long)}\n)`;
}

const describeConditions = (sli: SliDefinition, conditions: readonly BurnRateCondition[]): string =>
  conditions
    .map(
      (c) =>
        `${num(c.factor)}× over ${c.long} and ${c.short} (budget gone in ${num(Number((sli.slo.windowDays / c.factor).toFixed(1)))} days)`,
    )
    .join(', or ');

function burnAlert(sli: SliDefinition, urgency: Extract<Urgency, 'page' | 'ticket'>): AlertingRule {
  const conditions = BURN_RATE_POLICY[urgency];
  const alert = sli.alerts[urgency];
  const speed = urgency === 'page' ? 'fast' : 'steadily';
  return {
    alert,
    expr: conditions.map((c) => burnCondition(sli, c)).join('\nor\n'),
    labels: { [RULE_LABEL.severity]: SEVERITY[urgency], [RULE_LABEL.slo]: sli.slo.name },
    annotations: {
      summary: `{{ $labels.service }} is burning its ${sli.slo.name} error budget ${speed}`,
      description:
        `{{ $value | humanizePercentage }} of API requests to {{ $labels.service }} in {{ $labels.namespace }} were ${sli.badEvent}. ` +
        `The ${sli.slo.name} SLO (${pct(sli.slo.objective)} over ${sli.slo.windowDays} days) allows ${pct(errorBudget(sli.slo))}; ` +
        `this alert fires at a burn rate of ${describeConditions(sli, conditions)}.`,
    },
  };
}

export function sloRuleFile(sli: SliDefinition): RuleFile {
  return {
    name: sli.file,
    groups: [
      { name: sli.groups.sli, rules: sliRecordings(sli) },
      { name: sli.groups.meta, rules: metaRecordings(sli) },
      { name: sli.groups.alerts, rules: [burnAlert(sli, 'page'), burnAlert(sli, 'ticket')] },
    ],
  };
}
