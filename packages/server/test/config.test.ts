import { SERVER } from '@menagerie/telemetry';
import { expect } from 'chai';
import { ConfigError, DEFAULT_STORE_CAPACITY, packageVersion, serverConfigFromEnv } from '../src/index.ts';

describe('server configuration', () => {
  it('has the contract defaults', () => {
    const config = serverConfigFromEnv({});
    expect(config).to.deep.include({
      port: SERVER.port,
      faults: true,
      telemetry: true,
      logLevel: 'info',
      behaviourProfilePath: undefined,
      storeCapacity: DEFAULT_STORE_CAPACITY,
      version: packageVersion(),
      revision: 'unknown',
    });
    expect(DEFAULT_STORE_CAPACITY).to.equal(100_000);
  });

  it('reads every variable', () => {
    const config = serverConfigFromEnv({
      PORT: '9000',
      FAULTS: 'off',
      TELEMETRY: 'OFF',
      LOG_LEVEL: 'warn',
      BEHAVIOUR_PROFILE: '/etc/menagerie/profile.yaml',
      STORE_CAPACITY: '5',
      SHUTDOWN_GRACE_SECONDS: '3',
      MENAGERIE_VERSION: '1.0.0',
      MENAGERIE_REVISION: 'deadbeef',
    });
    expect(config).to.deep.equal({
      port: 9000,
      faults: false,
      telemetry: false,
      logLevel: 'warn',
      behaviourProfilePath: '/etc/menagerie/profile.yaml',
      storeCapacity: 5,
      shutdownGraceSeconds: 3,
      version: '1.0.0',
      revision: 'deadbeef',
    });
  });

  for (const [name, value] of [
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['STORE_CAPACITY', '0'],
    ['STORE_CAPACITY', '1.5'],
    ['FAULTS', 'maybe'],
    ['TELEMETRY', 'no'],
    ['LOG_LEVEL', 'loud'],
    ['SHUTDOWN_GRACE_SECONDS', '-1'],
  ] as const) {
    it(`refuses ${name}=${value} with a message naming it`, () => {
      expect(() => serverConfigFromEnv({ [name]: value }))
        .to.throw(ConfigError)
        .with.property('message')
        .that.includes(name);
    });
  }
});
