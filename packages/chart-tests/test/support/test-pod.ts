import { spawn } from 'node:child_process';
import { envValue, type K8sObject } from '@menagerie/tools/charts/manifests';

export interface PodRun {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Runs a rendered `helm test` Pod's Node script here, with the Pod's own env
 * and the overrides given: the script that runs in the cluster, not a copy.
 */
export function runTestPodScript(pod: K8sObject, overrides: Record<string, string>): Promise<PodRun> {
  const container = pod.spec.containers[0];
  const [program, ...args] = container.command as string[];
  if (program !== 'node') throw new Error(`${pod.metadata.name} does not run node`);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const { name } of container.env as { name: string }[]) env[name] = envValue(container, name) ?? '';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...env, ...overrides } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
