import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PATHS } from '@menagerie/contract';
import { samples, send } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The server as a process of its own (main.ts), its JSON log lines collected. */
export interface ChildServer {
  process: ChildProcess;
  url: string;
  port: number;
  lines: Record<string, unknown>[];
  /** Value of one sample of the server's /metrics (0 when absent). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startChild(env: Record<string, string>, killAfterMs = 30_000): Promise<ChildServer> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (!part) continue;
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (typeof line.port === 'number') resolve(line.port);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  child.once('exit', () => clearTimeout(killer));
  const url = `http://127.0.0.1:${port}`;
  return {
    process: child,
    url,
    port,
    lines,
    async metric(name, labels = {}) {
      const text = (await send(url, { path: PATHS.metrics })).text;
      const found = samples(text, name).find((s) =>
        Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      return found?.value ?? 0;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** A TCP listener that accepts connections and never reads or answers them. */
export async function startBlackHole(): Promise<{
  endpoint: string;
  accepted: () => number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Polls until `check` holds, or fails naming `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `workers` loops of `request` concurrently until `stop()` says so; resolves with what each got. */
export async function load<T>(
  workers: number,
  request: (i: number) => Promise<T>,
  stop: () => boolean,
): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!stop()) results.push(await request(next++));
    }),
  );
  return results;
}
