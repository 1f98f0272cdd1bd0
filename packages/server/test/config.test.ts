import { SERVER } from '@menagerie/contract';
import { ALL_SIGNALS, ConfigError, describeSignals, NO_SIGNALS } from '@menagerie/settings';
import { expect } from 'chai';
import { DEFAULT_STORE_CAPACITY, serverConfigFromEnv, serverVersion } from '../src/index.ts';

describe('server configuration', () => {
  it('has the contract defaults', () => {
    const config = serverConfigFromEnv({});
    expect(config).to.deep.include({
      port: SERVER.port,
      faults: true,
      telemetry: ALL_SIGNALS,
      logLevel: 'info',
      behaviourProfilePath: undefined,
      storeCapacity: DEFAULT_STORE_CAPACITY,
      version: serverVersion(),
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
      telemetry: NO_SIGNALS,
      logLevel: 'warn',
      behaviourProfilePath: '/etc/menagerie/profile.yaml',
      storeCapacity: 5,
      shutdownGraceSeconds: 3,
      version: '1.0.0',
      revision: 'deadbeef',
    });
  });

  it('turns on only the telemetry signals TELEMETRY lists', () => {
    const signals = (value: string) => serverConfigFromEnv({ TELEMETRY: value }).telemetry;
    expect(signals('metrics')).to.deep.equal({ metrics: true, traces: false, logs: false });
    expect(signals(' Metrics , traces ')).to.deep.equal({ metrics: true, traces: true, logs: false });
    expect(signals('logs,metrics,traces')).to.deep.equal(ALL_SIGNALS);
    expect(signals('on')).to.deep.equal(ALL_SIGNALS);
    expect(signals('off')).to.deep.equal(NO_SIGNALS);
    expect(describeSignals(signals('traces,metrics'))).to.equal('metrics,traces');
    expect(describeSignals(signals('logs,traces,metrics'))).to.equal('on');
    expect(describeSignals(NO_SIGNALS)).to.equal('off');
  });

  for (const [name, value] of [
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['STORE_CAPACITY', '0'],
    ['STORE_CAPACITY', '1.5'],
    ['FAULTS', 'maybe'],
    ['TELEMETRY', 'no'],
    ['TELEMETRY', 'metrics,spans'],
    ['TELEMETRY', 'metrics,,logs'],
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
