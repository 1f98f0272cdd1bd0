#!/usr/bin/env node
import { runFromCommandLine } from '../e2e/cli.ts';

process.exitCode = await runFromCommandLine(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
