export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
export type { Counter, Gauge, Histogram, Registry } from 'prom-client';
export * from './line-batch-transport.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './start.ts';
export * from './tracing.ts';
