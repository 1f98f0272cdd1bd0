/**
 * The repository's GitHub Actions workflows as data: each file's parsed YAML,
 * its steps, the actions it uses (with the comment after each `uses:`), and
 * the shell scripts of its `run:` steps.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { parse } from 'yaml';

export const WORKFLOWS_DIR = join(REPOSITORY_ROOT, '.github/workflows');

export type Json = Record<string, unknown>;

export interface Step extends Json {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Json;
  readonly env?: Json;
}

export interface Job extends Json {
  readonly steps?: Step[];
  readonly permissions?: unknown;
  readonly strategy?: { matrix?: Json };
  readonly 'timeout-minutes'?: number;
}

export interface Workflow {
  readonly file: string;
  readonly path: string;
  readonly text: string;
  readonly doc: Json & {
    jobs: Record<string, Job>;
    permissions?: unknown;
    concurrency?: unknown;
    env?: Json;
  };
}

export interface ActionUse {
  readonly file: string;
  readonly line: number;
  /** owner/repo or owner/repo/path */
  readonly action: string;
  readonly ref: string;
  /** The comment after the reference, e.g. "v7.0.1". */
  readonly comment: string | undefined;
}

export function loadWorkflows(dir: string = WORKFLOWS_DIR): Workflow[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      return { file, path, text, doc: parse(text) as Workflow['doc'] };
    });
}

export function jobs(workflow: Workflow): [string, Job][] {
  return Object.entries(workflow.doc.jobs ?? {});
}

export function steps(workflow: Workflow): Step[] {
  return jobs(workflow).flatMap(([, job]) => job.steps ?? []);
}

const USES = /^\s*(?:-\s+)?uses:\s*['"]?([^\s'"#]+)['"]?\s*(?:#\s*(.*?))?\s*$/;

/** Every `uses:` of a step or job, read from the text so the version comment is kept. */
export function actionUses(workflow: Workflow): ActionUse[] {
  return workflow.text.split('\n').flatMap((text, i) => {
    const m = text.match(USES);
    if (!m?.[1]) return [];
    const [action, ref = ''] = m[1].split('@');
    return [{ file: workflow.file, line: i + 1, action: action ?? '', ref, comment: m[2] || undefined }];
  });
}

/** The steps that use an action, whatever ref they pin it to. */
export function stepsUsing(workflow: Workflow, action: string): Step[] {
  return steps(workflow).filter((s) => s.uses?.split('@')[0]?.toLowerCase() === action.toLowerCase());
}
