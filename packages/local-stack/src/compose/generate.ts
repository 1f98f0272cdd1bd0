import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR } from '@menagerie/tools/charts/charts';
import type { K8sObject } from '@menagerie/tools/charts/manifests';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import type { Rhythm } from '../settings.ts';
import { type ComposeProject, GENERATED_DIR, imageProblems, mountProblems } from './compose-file.ts';
import { type ComposeFiles, composeFiles } from './files.ts';

/** The cluster's scrape and evaluation intervals, from the chart's values (the Prometheus resource's). */
export function clusterRhythm(): Rhythm {
  const spec = valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), [
    'kube-prometheus-stack',
    'prometheus',
    'prometheusSpec',
  ]) as { scrapeInterval: string; evaluationInterval: string };
  return { scrapeInterval: spec.scrapeInterval, evaluationInterval: spec.evaluationInterval };
}

/** The chart's rule files, by name, as compose mounts the folder. */
export const chartRuleFileNames = (): string[] =>
  readdirSync(path.join(REPOSITORY_ROOT, OUTPUT_DIR.rules))
    .filter((name) => name.endsWith('.yaml'))
    .sort();

export class ComposeMismatchError extends Error {}

/**
 * The files compose.yaml mounts, from the rendered release, after checking
 * that compose.yaml runs the images the release runs and mounts only what
 * exists or is generated here. Refuses (ComposeMismatchError) otherwise.
 */
export function generateComposeFiles(
  compose: ComposeProject,
  objects: readonly K8sObject[],
  pagingKey?: string,
): ComposeFiles {
  const files = composeFiles(objects, {
    project: compose.name,
    rhythm: clusterRhythm(),
    ruleFiles: chartRuleFileNames(),
    pagingKey,
  });
  const problems = [...imageProblems(compose, objects), ...mountProblems(compose, files)];
  if (problems.length > 0) {
    throw new ComposeMismatchError(`compose.yaml disagrees with the chart:\n  ${problems.join('\n  ')}`);
  }
  return files;
}

/** Replaces `dir` (the repository's .compose/ by default) with exactly these files. */
export function writeComposeFiles(
  files: ComposeFiles,
  dir = path.join(REPOSITORY_ROOT, GENERATED_DIR),
): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
