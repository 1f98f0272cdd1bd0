import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OTLP } from '@menagerie/contract';

/**
 * The local stack has no Tempo, but the services only record trace ids (in
 * their log lines and as exemplars) while they export spans. This endpoint
 * accepts OTLP/HTTP exports and drops them, counting the requests.
 */
export interface TraceSink {
  readonly endpoint: string;
  readonly exports: number;
  close(): Promise<void>;
}

export async function startTraceSink(host = '127.0.0.1'): Promise<TraceSink> {
  let exports = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && req.url === OTLP.tracesPath) {
        exports++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    get exports() {
      return exports;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
