#!/usr/bin/env node
import { main } from '../ci/chart-version-bump.ts';

process.exitCode = main(process.argv.slice(2));
