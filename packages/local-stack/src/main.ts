#!/usr/bin/env node
import { supervise } from './processes.ts';
import { localStack } from './stack.ts';

const specs = localStack();
console.log('Menagerie, local stack (Ctrl-C stops it):');
for (const spec of specs) {
  for (const [what, url] of Object.entries(spec.urls ?? {})) console.log(`  ${what.padEnd(16)} ${url}`);
}
const stack = supervise(specs);
let stopping = false;
const stopOnce = () => {
  if (stopping) return;
  stopping = true;
  stack.stop('SIGTERM');
};
process.on('SIGINT', stopOnce);
process.on('SIGTERM', stopOnce);
process.exitCode = await stack.exited;
