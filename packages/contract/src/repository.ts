import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root on this machine, for the generator, the tools and the
 * tests that read or write the repository's files (paths relative to it, such
 * as OUTPUT_DIR, are in the contract's index). Its own entry point, so the
 * services never compute it. This file is in packages/contract/src or dist.
 */
export const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
