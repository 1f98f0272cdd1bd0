import { removeTempDirs } from '@menagerie/tools/charts/charts';

/** Mocha root hooks (loaded by .mocharc.json): the tests' temp chart copies go when the run ends. */
export const mochaHooks = {
  afterAll(): void {
    removeTempDirs();
  },
};
