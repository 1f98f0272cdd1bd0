import { type Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { ALL_SIGNALS } from '@menagerie/settings';
import { type RunningServer, type ServerConfig, type StartOptions, startServer } from '../src/index.ts';

export const baseConfig: ServerConfig = {
  port: 0,
  faults: false,
  telemetry: ALL_SIGNALS,
  logLevel: 'debug',
  behaviourProfilePath: undefined,
  storeCapacity: 1000,
  shutdownGraceSeconds: 5,
  version: '9.9.9',
  revision: 'test',
};

export interface TestServer extends RunningServer {
  logs: Record<string, unknown>[];
}

/** The real server on 127.0.0.1 and an ephemeral port, logs captured. */
export async function startTestServer(
  config: Partial<ServerConfig> = {},
  options: Omit<StartOptions, 'config'> = {},
): Promise<TestServer> {
  const stream = new PassThrough();
  const logs: Record<string, unknown>[] = [];
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) logs.push(JSON.parse(line));
  });
  const server = await startServer({
    config: { ...baseConfig, ...config },
    host: '127.0.0.1',
    env: {},
    logStream: stream,
    ...options,
  });
  // Log lines are written when the event-loop turn ends.
  await new Promise((resolve) => setImmediate(resolve));
  return Object.assign(server, { logs });
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** An HTTP request with full control over method, headers and body bytes. */
export function send(
  url: string,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    agent?: Agent;
  } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${options.path ?? '/'}`,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.agent ? { agent: options.agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}, agent?: Agent) =>
  send(url, {
    method: 'POST',
    path: '/animals',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(agent ? { agent } : {}),
  });

/**
 * Raw bytes on a socket, for requests no HTTP client would send; `end`
 * half-closes the socket after them (the client has nothing more to send).
 */
export function sendRaw(port: number, bytes: string, options: { end?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => (options.end ? socket.end(bytes) : socket.write(bytes)));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
    socket.setTimeout(3000, () => socket.destroy(new Error('raw request timed out')));
  });
}

/** Sample values of one metric family from a plain-text exposition. */
export function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[k as string] = v as string;
    out.push({ labels, value: Number(match[2]) });
  }
  return out;
}
