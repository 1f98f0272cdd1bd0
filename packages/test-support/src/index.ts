export * from './otlp-decode.ts';
export * from './otlp-grpc-receiver.ts';
export * from './otlp-http-receiver.ts';
export * from './received.ts';
