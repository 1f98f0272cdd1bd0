import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { PATHS } from '@menagerie/contract';
import { cpuSeconds, onCore, rssBytes } from './proc.ts';

export interface ServerLaunch {
  /** The script node runs. */
  entry: string;
  /** Node options before the script (the stock peer's --import). */
  nodeArgs?: readonly string[];
  env: Readonly<Record<string, string>>;
}

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  cpuSeconds(): number;
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice, released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${url}${PATHS.readiness}`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`server at ${url} never became ready: ${stderr()}`);
}

/**
 * Starts a server on 127.0.0.1 and a free port, on `core` when given, with
 * its stdout (the JSON logs) going to /dev/null as a log shipper's file
 * would take them, and resolves once /readyz answers.
 */
export async function startServerProcess(
  launch: ServerLaunch,
  core: number | undefined,
): Promise<ServerProcess> {
  const port = await freePort();
  const [command, args] = onCore(core, process.execPath, [...(launch.nodeArgs ?? []), launch.entry]);
  const child = spawn(command, args, {
    env: { ...process.env, ...launch.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(url, child, () => stderr);
  const pid = child.pid as number;
  return {
    pid,
    url,
    cpuSeconds: () => cpuSeconds(pid),
    rssBytes: () => rssBytes(pid),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = (await exited) as [number | null];
      clearTimeout(killer);
      return code;
    },
  };
}
