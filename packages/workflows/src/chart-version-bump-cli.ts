#!/usr/bin/env node
import { main } from './chart-version-bump.ts';

process.exitCode = main(process.argv.slice(2));
