import {
  type handleUnaryCall,
  type Metadata,
  Server,
  ServerCredentials,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { decodeProtobufSpans } from './otlp-decode.ts';
import { type OtlpReceiver, Received } from './received.ts';

const same = (bytes: Buffer): Buffer => bytes;

/** OTLP's TraceService, with the messages left as bytes (decoded by decodeProtobufSpans). */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
    originalName: 'export',
  },
};

function metadataOf(metadata: Metadata): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.getMap())) headers[name] = String(value);
  return headers;
}

/** An OTLP/gRPC trace receiver on 127.0.0.1 (no TLS), for tests. */
export async function startOtlpGrpcReceiver(): Promise<OtlpReceiver> {
  const received = new Received();
  const server = new Server();
  const exportSpans: handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    received.requests++;
    const headers = metadataOf(call.metadata);
    received.add(decodeProtobufSpans(call.request), {
      protocol: 'grpc',
      headers,
      encoding: headers['grpc-encoding'] ?? 'identity',
    });
    // An empty ExportTraceServiceResponse: everything accepted.
    callback(null, Buffer.alloc(0));
  };
  server.addService(TRACE_SERVICE, { Export: exportSpans });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return received.receiver(
    port,
    () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 1000).unref();
      }),
  );
}
