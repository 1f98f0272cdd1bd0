import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** What a program printed, and whether it exited 0. */
export interface ToolResult {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs a program from PATH (scripts/test.sh puts the pinned ones there) and
 * returns its output, stdout then stderr. A missing program throws: a test
 * must fail, never pass, without its tool.
 */
export async function runTool(command: string, args: readonly string[], cwd?: string): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(`${command} is not on PATH: run the tests through scripts/test.sh, which installs it`);
    }
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}
