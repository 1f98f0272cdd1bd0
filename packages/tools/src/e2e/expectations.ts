/**
 * What the stack must contain, read from the files the umbrella chart ships:
 * the dashboards' uids and the rule groups with their alert and recording
 * rule names. Reading them at run time keeps one source for each name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isRecord } from './http.ts';
import { FatalCheckError } from './runner.ts';

export interface DashboardExpectation {
  readonly uid: string;
  readonly title: string;
  readonly file: string;
}

export interface RuleGroupExpectation {
  readonly name: string;
  readonly alerts: readonly string[];
  readonly records: readonly string[];
  readonly file: string;
}

function filesIn(dir: string, pattern: RegExp, what: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new FatalCheckError(`cannot read the ${what} folder ${dir}`);
  }
  const files = names.filter((name) => pattern.test(name)).sort();
  if (files.length === 0) throw new FatalCheckError(`no ${what} in ${dir}: nothing to check against`);
  return files.map((name) => join(dir, name));
}

export function readDashboards(dir: string): DashboardExpectation[] {
  return filesIn(dir, /\.json$/, 'dashboard files (*.json)').map((file) => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new FatalCheckError(`${file} is not valid JSON: ${(error as Error).message}`);
    }
    // Provisioned dashboards are either the bare model or wrapped as {dashboard: …}.
    const model = isRecord(json) && isRecord(json.dashboard) ? json.dashboard : json;
    if (!isRecord(model) || typeof model.uid !== 'string' || model.uid === '') {
      throw new FatalCheckError(`${file} has no "uid": Grafana would give it a random one`);
    }
    return { uid: model.uid, title: typeof model.title === 'string' ? model.title : model.uid, file };
  });
}

export function readRuleGroups(dir: string): RuleGroupExpectation[] {
  return filesIn(dir, /\.ya?ml$/, 'rule files (*.yaml)').flatMap((file) => {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new FatalCheckError(`${file} is not valid YAML: ${(error as Error).message}`);
    }
    if (!isRecord(doc) || !Array.isArray(doc.groups)) {
      throw new FatalCheckError(`${file} is not a Prometheus rule file (no top-level "groups")`);
    }
    return doc.groups.map((group: unknown): RuleGroupExpectation => {
      if (!isRecord(group) || typeof group.name !== 'string' || !Array.isArray(group.rules)) {
        throw new FatalCheckError(`${file} has a group without a name or rules`);
      }
      const rules = group.rules.filter(isRecord);
      return {
        name: group.name,
        alerts: rules.flatMap((rule) => (typeof rule.alert === 'string' ? [rule.alert] : [])),
        records: rules.flatMap((rule) => (typeof rule.record === 'string' ? [rule.record] : [])),
        file,
      };
    });
  });
}
