export * from './otlp-receiver.ts';
export { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
