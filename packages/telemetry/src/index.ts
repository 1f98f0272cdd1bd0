export * from './contract/index.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './tracing.ts';
export type { Counter, Gauge, Histogram, Registry } from 'prom-client';
export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
