import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as NetServer, type Socket } from 'node:net';
import { OTLP } from '@menagerie/contract';
import { freePort } from './server-process.ts';

/**
 * The OTLP endpoints the benchmark points servers at. The sink accepts
 * traces and only counts them (decoding them here would take CPU from the
 * load generator on the same core; the tests decode spans with
 * @menagerie/test-support's receiver instead).
 */
export interface OtlpEndpoint {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  /** Export requests received so far, and their bytes. */
  readonly received: { requests: number; bytes: number };
  close(): Promise<void>;
}

/** Answers every POST to /v1/traces with 200 and an empty protobuf body. */
export async function startOtlpSink(): Promise<OtlpEndpoint> {
  const received = { requests: 0, bytes: 0 };
  const server = createHttpServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== OTLP.tracesPath) {
        res.writeHead(404).end();
        return;
      }
      received.requests++;
      received.bytes += bytes;
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
    });
  });
  return listenOnLoopback(server, received, () => server.closeAllConnections());
}

/**
 * A black hole: a TCP listener that accepts connections and never reads or
 * answers, like a collector whose process hangs. The exporter's own timeout
 * is all that ends its requests.
 */
export async function startBlackHole(): Promise<OtlpEndpoint> {
  const received = { requests: 0, bytes: 0 };
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    received.requests++;
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return listenOnLoopback(server, received, () => {
    for (const socket of sockets) socket.destroy();
  });
}

/** Listens on a port the kernel picks; closing first drops the open connections, so close() cannot hang. */
async function listenOnLoopback(
  server: NetServer,
  received: OtlpEndpoint['received'],
  dropConnections: () => void,
): Promise<OtlpEndpoint> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: every connection is refused. */
export async function closedPort(): Promise<OtlpEndpoint> {
  const port = await freePort();
  return { endpoint: `http://127.0.0.1:${port}`, received: { requests: 0, bytes: 0 }, close: async () => {} };
}
