import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Process facts read from Linux's /proc: CPU time (all threads, user +
 * system) and resident memory. Other systems have no /proc; the benchmark
 * then reports throughput and latency only.
 */
export const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

const clockTicks = (() => {
  if (!hasProc) return 100;
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds a process has used so far (utime + stime of every thread), or NaN without /proc. */
export function cpuSeconds(pid: number): number {
  if (!hasProc) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Resident set size in bytes, or NaN without /proc. */
export function rssBytes(pid: number): number {
  if (!hasProc) return Number.NaN;
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export interface CpuPlan {
  /** Core the servers under test run on; undefined when not pinned. */
  server: number | undefined;
  /** Core the load generator (this process) runs on. */
  load: number | undefined;
  /** Why nothing is pinned, as one word (the summary lines split on spaces). */
  note: string;
}

const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Pins this process (every thread: the load generator, the OTLP sink) to one
 * core and plans the servers on another, so they do not take turns on the
 * same core. Needs taskset and two cores.
 */
export function planCpus(wanted: boolean): CpuPlan {
  const none = (note: string): CpuPlan => ({ server: undefined, load: undefined, note });
  if (!wanted) return none('not-pinned:--no-pin');
  if (!hasTaskset) return none('not-pinned:no-taskset');
  if (availableParallelism() < 2) return none('not-pinned:one-core');
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  if (pinned.status !== 0) return none('not-pinned:taskset-failed');
  return { server: 1, load: 0, note: 'pinned' };
}

/** The command that runs `args` on `core` (taskset), or as is when no core is planned. */
export function onCore(core: number | undefined, command: string, args: string[]): [string, string[]] {
  return core === undefined ? [command, args] : ['taskset', ['-c', String(core), command, ...args]];
}
