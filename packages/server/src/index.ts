export * from './config.ts';
export * from './profile/faults.ts';
export * from './profile/load.ts';
export * from './profile/profile.ts';
export * from './random.ts';
export * from './server.ts';
export * from './store.ts';
