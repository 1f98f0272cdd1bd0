#!/usr/bin/env node
import { main } from '../ci/helm-repos.ts';

process.exitCode = main(process.argv.slice(2));
