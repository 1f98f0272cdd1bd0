#!/usr/bin/env node
import { main } from './helm-repos.ts';

process.exitCode = main(process.argv.slice(2));
