#!/usr/bin/env node
import { main } from '../ci/crd-schemas.ts';

process.exitCode = main(process.argv.slice(2));
