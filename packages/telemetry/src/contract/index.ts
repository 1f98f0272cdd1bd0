export * from './alerting.ts';
export * from './env.ts';
export * from './logs.ts';
export * from './metrics.ts';
export * from './services.ts';
export * from './slo.ts';
export * from './stack.ts';
export * from './traces.ts';
