export { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
export * from './otlp-receiver.ts';
