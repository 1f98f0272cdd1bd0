export * from './animal.ts';
export * from './species.ts';
