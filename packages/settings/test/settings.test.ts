import { expect } from 'chai';
import {
  ConfigError,
  logLevelEnv,
  numberEnv,
  onOffEnv,
  packageVersion,
  parseLogLevel,
} from '../src/index.ts';

describe('settings from the environment', () => {
  const range = { min: 1, max: 100 };

  it('falls back when a number is unset or blank, and reads one in range', () => {
    expect(numberEnv({}, 'N', 7, range)).to.equal(7);
    expect(numberEnv({ N: '  ' }, 'N', 7, range)).to.equal(7);
    expect(numberEnv({ N: ' 2.5 ' }, 'N', 7, range)).to.equal(2.5);
    expect(numberEnv({ N: '42' }, 'N', 7, { ...range, integer: true })).to.equal(42);
  });

  it('refuses out-of-range, non-finite and, for integers, anything but digits, naming the variable and range', () => {
    for (const raw of ['0', '101', 'NaN', 'Infinity', 'ten']) {
      expect(() => numberEnv({ N: raw }, 'N', 7, range), raw).to.throw(
        ConfigError,
        `N="${raw}" must be a number from 1 to 100`,
      );
    }
    for (const raw of ['2.5', '1e1', '+5', '0x10', '-3']) {
      expect(() => numberEnv({ N: raw }, 'N', 7, { ...range, integer: true }), raw).to.throw(
        ConfigError,
        `N="${raw}" must be an integer from 1 to 100`,
      );
    }
  });

  it('reads on/off switches case-insensitively, on by default, and refuses anything else', () => {
    expect(onOffEnv({}, 'S')).to.equal(true);
    expect(onOffEnv({ S: 'ON' }, 'S')).to.equal(true);
    expect(onOffEnv({ S: ' Off ' }, 'S')).to.equal(false);
    expect(() => onOffEnv({ S: 'false' }, 'S')).to.throw(ConfigError, 'S="false" must be "on" or "off"');
  });

  it('reads a log level, info by default, and refuses an unknown one as a ConfigError', () => {
    expect(logLevelEnv({}, 'L')).to.equal('info');
    expect(logLevelEnv({ L: 'DEBUG' }, 'L')).to.equal('debug');
    expect(() => logLevelEnv({ L: 'verbose' }, 'L')).to.throw(ConfigError, /^L: log level "verbose"/);
  });

  it('reads the version of the package.json it is pointed at', () => {
    const url = new URL('../package.json', import.meta.url);
    expect(packageVersion(url)).to.match(/^\d+\.\d+\.\d+/);
  });
  it('parses LOG_LEVEL and refuses unknown levels', () => {
    expect(parseLogLevel(undefined)).to.equal('info');
    expect(parseLogLevel('DEBUG')).to.equal('debug');
    expect(() => parseLogLevel('verbose')).to.throw(/not one of error, warn, info, debug/);
  });
});
