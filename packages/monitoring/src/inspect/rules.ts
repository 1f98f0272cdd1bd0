import { ruleFiles } from '../rules/index.ts';
import { isAlertingRule, type Rule } from '../rules/types.ts';

export interface ListedRule {
  readonly file: string;
  readonly group: string;
  readonly kind: 'record' | 'alert';
  /** The recorded series or the alert name. */
  readonly name: string;
  readonly rule: Rule;
}

/** Every rule of every file, for checks and for the live test. */
export const listRules = (): ListedRule[] =>
  ruleFiles().flatMap((file) =>
    file.groups.flatMap((group) =>
      group.rules.map((rule) => ({
        file: file.name,
        group: group.name,
        kind: isAlertingRule(rule) ? ('alert' as const) : ('record' as const),
        name: isAlertingRule(rule) ? rule.alert : rule.record,
        rule,
      })),
    ),
  );
