import { SLIS } from '../slo.ts';
import { sloRuleFile } from './slo-rules.ts';
import { symptomsRuleFile } from './symptoms.ts';
import type { RuleFile } from './types.ts';

export const ruleFiles = (): RuleFile[] => [...SLIS.map(sloRuleFile), symptomsRuleFile];
