/**
 * kube-score on rendered objects, every default check except those
 * tools/kube-score.yaml leaves out (each with its reason there). The `helm test` pods are scored on
 * their own, so the checks left out only for them stay on for everything else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { parse } from 'yaml';
import { makeTempDir } from './charts.ts';
import { pinnedKubernetesVersion } from './kubernetes-schemas.ts';
import type { K8sObject } from './manifests.ts';
import { runTool, type ToolResult } from './tool.ts';

export const KUBE_SCORE_CONFIG = path.join(REPOSITORY_ROOT, 'tools/kube-score.yaml');

/** tools/kube-score.yaml: check or flag name -> why. */
export interface KubeScoreConfig {
  readonly ignore: Readonly<Record<string, string>>;
  readonly ignoreForHelmTestPods: Readonly<Record<string, string>>;
  readonly flags: Readonly<Record<string, string>>;
}

export function readKubeScoreConfig(file = KUBE_SCORE_CONFIG): KubeScoreConfig {
  const config = (parse(readFileSync(file, 'utf8')) ?? {}) as Partial<KubeScoreConfig>;
  return {
    ignore: config.ignore ?? {},
    ignoreForHelmTestPods: config.ignoreForHelmTestPods ?? {},
    flags: config.flags ?? {},
  };
}

export function kubeScoreArgs(files: readonly string[], config: KubeScoreConfig, ignore: readonly string[]) {
  const [major, minor] = pinnedKubernetesVersion().split('.');
  const args = ['score', '--output-format', 'ci', '--kubernetes-version', `v${major}.${minor}`];
  for (const test of ignore) args.push('--ignore-test', test);
  return [...args, ...Object.keys(config.flags), ...files];
}

const isHelmTest = (object: K8sObject) => object.metadata.annotations?.['helm.sh/hook'] === 'test';

/** The lines of kube-score's report that fail a run: its critical findings. */
export function criticalFindings(report: string): string[] {
  return report.split('\n').filter((line) => line.startsWith('[CRITICAL]'));
}

/**
 * kube-score on the objects; ok when it exits 0 (no critical finding). The
 * output holds both runs' reports.
 */
export async function kubeScore(
  objects: readonly K8sObject[],
  config: KubeScoreConfig = readKubeScoreConfig(),
): Promise<ToolResult> {
  const dir = makeTempDir('kube-score');
  const write = (name: string, list: readonly K8sObject[]) => {
    const file = path.join(dir, name);
    writeFileSync(file, list.map((object) => JSON.stringify(object)).join('\n---\n'));
    return file;
  };
  const everywhere = Object.keys(config.ignore);
  const rest = objects.filter((object) => !isHelmTest(object));
  const results = [
    await runTool('kube-score', kubeScoreArgs([write('objects.yaml', rest)], config, everywhere)),
  ];
  if (objects.some(isHelmTest)) {
    // Scored with everything they refer to (Services, NetworkPolicies), which
    // the first run has already scored with these checks on.
    const ignore = [...everywhere, ...Object.keys(config.ignoreForHelmTestPods)];
    results.push(await runTool('kube-score', kubeScoreArgs([write('all.yaml', objects)], config, ignore)));
  }
  return {
    ok: results.every((result) => result.ok),
    output: results.map((result) => result.output).join(''),
  };
}
