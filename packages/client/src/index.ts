export * from './client.ts';
export * from './config.ts';
export * from './known-ids.ts';
export * from './open-loop.ts';
export * from './outcome.ts';
export * from './scenarios.ts';
export * from './sender.ts';
export * from './stats.ts';
