export * from './client.ts';
export * from './config.ts';
export * from './open-loop.ts';
export * from './outcome.ts';
export * from './population.ts';
export * from './scenarios.ts';
export * from './sender.ts';
export * from './stats.ts';
