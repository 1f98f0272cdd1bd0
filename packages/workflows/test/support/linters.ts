/**
 * actionlint, the Go build .go-tools pins (scripts/test.sh installs it), on a
 * workflow given as text. With shellcheck on PATH it also runs shellcheck on
 * every `run:` script, blanking `${{ }}` expressions first.
 */
import { spawnSync } from 'node:child_process';

export interface Finding {
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

export function actionlint(text: string, path: string): Finding[] {
  const result = spawnSync('actionlint', ['-format', '{{json .}}', '-stdin-filename', path, '-'], {
    input: text,
    encoding: 'utf8',
  });
  if (result.error) {
    throw new Error(`actionlint did not run: ${result.error.message} (scripts/test.sh installs it)`);
  }
  // Exit 0: no finding; 1: findings (JSON on stdout); anything else is a failure of actionlint itself.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`actionlint failed (exit ${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout || '[]') as Finding[];
}
