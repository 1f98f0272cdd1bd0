import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@menagerie/tools/charts/charts';

const execFileAsync = promisify(execFile);

/** The basic commands the scripts use, linked from the real PATH. */
const BASICS = [
  'bash',
  'dirname',
  'basename',
  'date',
  'uname',
  'grep',
  'sort',
  'head',
  'tail',
  'cat',
  'tr',
  'sed',
  'awk',
  'mktemp',
  'env',
  'id',
  'printf',
  'rm',
  'ls',
  'sleep',
];

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * A PATH holding only the basic commands, the real ones named in `real`, and
 * fake commands (shell snippets) that append their arguments to calls.log. A
 * script run with it cannot reach a real docker, kind or cluster.
 */
export function sandbox(fakes: Readonly<Record<string, string>> = {}, real: readonly string[] = []) {
  const root = makeTempDir('sandbox');
  const bin = path.join(root, 'bin');
  mkdirSync(bin);
  const log = path.join(root, 'calls.log');
  writeFileSync(log, '');
  for (const command of [...BASICS, ...real]) {
    const target = which(command);
    if (!target) throw new Error(`${command} is not on PATH`);
    symlinkSync(target, path.join(bin, command));
  }
  for (const [command, body] of Object.entries(fakes)) {
    const file = path.join(bin, command);
    writeFileSync(file, `#!/bin/bash\necho "${command} $*" >> "${log}"\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return {
    root,
    calls: () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean),
    run: async (script: string, args: string[] = [], env: Record<string, string> = {}) => {
      try {
        const { stdout, stderr } = await execFileAsync(path.join(bin, 'bash'), [script, ...args], {
          env: { PATH: bin, HOME: root, ...env },
          timeout: 20_000,
        });
        return { code: 0, output: stdout + stderr };
      } catch (error) {
        const failure = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failure.code ?? -1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
      }
    },
  };
}
