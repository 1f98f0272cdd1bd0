import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { OTLP } from '@menagerie/contract';
import { decodeJsonSpans, decodeProtobufSpans } from './otlp-decode.ts';
import { type OtlpReceiver, Received } from './received.ts';

export interface HttpReceiverOptions {
  /** Answer every export with this status instead of accepting it. */
  failWithStatus?: number;
  /** Answer every export this much later (a slow collector). */
  delayMs?: number;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** An OTLP/HTTP trace receiver on 127.0.0.1, protobuf or JSON, gzip or not, for tests. */
export async function startOtlpReceiver(options: HttpReceiverOptions = {}): Promise<OtlpReceiver> {
  const received = new Received();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.requests++;
      const answer = () => {
        if (req.method !== 'POST' || req.url !== OTLP.tracesPath) {
          res.writeHead(404).end();
          return;
        }
        if (options.failWithStatus) {
          res.writeHead(options.failWithStatus).end();
          return;
        }
        const encoding = req.headers['content-encoding'] ?? 'identity';
        const raw = Buffer.concat(chunks);
        const body = encoding === 'gzip' ? gunzipSync(raw) : raw;
        const json = (req.headers['content-type'] ?? '').startsWith('application/json');
        received.add(json ? decodeJsonSpans(body.toString('utf8')) : decodeProtobufSpans(body), {
          protocol: json ? 'http/json' : 'http/protobuf',
          headers: headersOf(req),
          encoding,
        });
        res
          .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
          .end(json ? '{}' : undefined);
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return received.receiver(
    port,
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}
