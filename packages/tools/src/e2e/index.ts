export { buildChecks, EXIT, runFromCommandLine, serverTrafficQuery } from './cli.ts';
export { readDashboards, readRuleGroups } from './expectations.ts';
export { type E2eOptions, ENV, parseOptions } from './options.ts';
export { type Check, type CheckResult, formatResult, runChecks } from './runner.ts';
