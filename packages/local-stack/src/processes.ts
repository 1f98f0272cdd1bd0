import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One program of the local stack. */
export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Shown once at start: where to look. */
  urls?: Record<string, string>;
  /** Every stdout line, unprefixed (the server's JSON log lines, for instance). */
  onStdoutLine?: (line: string) => void;
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** A planned stop: the group carries on without this process. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface ProcessGroup {
  start(spec: ProcessSpec): ManagedProcess;
  /** Stops every process still running and resolves once all have exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves with a reason as soon as a process exits without being asked to. */
  readonly failed: Promise<string>;
  /** 0 while everything went as planned; 1 once a process failed to start or died on its own. */
  readonly exitCode: number;
}

function prefixLines(
  stream: NodeJS.ReadableStream,
  prefix: string,
  out: NodeJS.WritableStream,
  onLine?: (line: string) => void,
): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    out.write(`${prefix} ${line}\n`);
    onLine?.(line);
  });
}

/** How long a process may take to exit after SIGTERM (the server's own grace is 10 s). */
const STOP_GRACE_MS = 15_000;

const isRunning = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

/**
 * Child processes with their output prefixed by name. A process that exits
 * on its own (or cannot start) fails the group, and the caller decides what
 * to do (the launcher stops everything); stop() on one process is planned.
 */
export function createProcessGroup(
  out: NodeJS.WritableStream = process.stdout,
  prefixWidth = 0,
): ProcessGroup {
  const running = new Set<ManagedProcess>();
  let stopping = false;
  let exitCode = 0;
  let reportFailure: (reason: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });

  const start = (spec: ProcessSpec): ManagedProcess => {
    const prefix = `[${spec.name.padEnd(prefixWidth)}]`;
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let planned = false;
    if (child.stdout) prefixLines(child.stdout, prefix, out, spec.onStdoutLine);
    if (child.stderr) prefixLines(child.stderr, prefix, out);
    const exited = new Promise<void>((resolve) => {
      child.on('error', (error) => {
        out.write(`${prefix} could not start: ${error.message}\n`);
        exitCode = 1;
        reportFailure(`${spec.name} could not start: ${error.message}`);
        resolve();
      });
      child.on('exit', (code, signal) => {
        out.write(`${prefix} exited (${signal ?? `code ${code}`})\n`);
        if (!planned && !stopping) {
          exitCode = 1;
          reportFailure(`${spec.name} exited on its own (${signal ?? `code ${code}`})`);
        } else if (code !== 0 && code !== null) {
          exitCode = code;
        }
        resolve();
      });
    });
    const managed: ManagedProcess = {
      name: spec.name,
      child,
      exited,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        planned = true;
        if (!isRunning(child)) return exited;
        child.kill(signal);
        // A process that ignores the signal is not allowed to hold up the others.
        const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(killer);
      },
    };
    running.add(managed);
    void exited.then(() => running.delete(managed));
    return managed;
  };

  return {
    start,
    failed,
    get exitCode() {
      return exitCode;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping = true;
      await Promise.all([...running].map((p) => p.stop(signal)));
    },
  };
}

export interface Supervisor {
  /** Resolves with the exit code to use once every process has exited. */
  readonly exited: Promise<number>;
  stop(signal?: NodeJS.Signals): void;
}

/**
 * Starts a fixed set of processes; when one exits on its own the others are
 * stopped, and stop() forwards the signal to all of them.
 */
export function supervise(
  specs: readonly ProcessSpec[],
  out: NodeJS.WritableStream = process.stdout,
): Supervisor {
  const group = createProcessGroup(out, Math.max(...specs.map((s) => s.name.length)));
  const processes = specs.map((spec) => group.start(spec));
  void group.failed.then(() => group.stop());
  const exited = Promise.all(processes.map((p) => p.exited)).then(() => group.exitCode);
  return { exited, stop: (signal) => void group.stop(signal) };
}
