import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One program of the local stack. Later additions (Prometheus, Alertmanager) are more of these. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Shown once at start: where to look. */
  urls?: Record<string, string>;
}

export interface Supervisor {
  /** Resolves with the exit code to use once every process has exited. */
  readonly exited: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WritableStream): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    out.write(`${prefix} ${line}\n`);
  });
}

/**
 * Starts every process with its output prefixed by its name. When one exits
 * the others are stopped; a stop() forwards the signal to all of them.
 */
export function supervise(
  specs: readonly ProcessSpec[],
  out: NodeJS.WritableStream = process.stdout,
): Supervisor {
  const width = Math.max(...specs.map((s) => s.name.length));
  const children: ChildProcess[] = [];
  let stopping = false;
  let exitCode = 0;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    stopping = true;
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const exits = specs.map((spec) => {
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    const prefix = `[${spec.name.padEnd(width)}]`;
    if (child.stdout) prefixLines(child.stdout, prefix, out);
    if (child.stderr) prefixLines(child.stderr, prefix, out);
    return new Promise<void>((resolve) => {
      child.on('error', (error) => {
        out.write(`${prefix} could not start: ${error.message}\n`);
        exitCode = 1;
        stop();
        resolve();
      });
      child.on('exit', (code, signal) => {
        out.write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
        if (!stopping && code !== 0) exitCode = 1;
        if (stopping && code !== 0 && code !== null) exitCode = code;
        stop();
        resolve();
      });
    });
  });
  return { exited: Promise.all(exits).then(() => exitCode), stop };
}
