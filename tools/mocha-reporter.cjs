// The spec reporter, plus a .test-results.json in the package so the test
// script can add up passes and failures across every package.
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      fs.writeFileSync(
        path.join(process.cwd(), '.test-results.json'),
        `${JSON.stringify({ passes, failures, pending })}\n`,
      );
    });
  }
}

module.exports = CountingSpecReporter;
