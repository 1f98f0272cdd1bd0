import { CLIENT } from '@menagerie/contract';
import { ALL_SIGNALS, NO_SIGNALS } from '@menagerie/settings';
import { expect } from 'chai';
import { ConfigError, clientConfigFromEnv, DEFAULT_SCENARIO_WEIGHTS, parseWeights } from '../src/index.ts';

describe('client configuration', () => {
  it('has the agreed defaults', () => {
    const config = clientConfigFromEnv({});
    expect(config).to.deep.include({
      serverUrl: 'http://localhost:8080',
      rate: 10,
      durationSeconds: undefined,
      port: CLIENT.port,
      maxInFlight: 50,
      requestTimeoutMs: 5000,
      populationLimit: 5000,
      telemetry: ALL_SIGNALS,
    });
    expect(config.weights).to.deep.equal(DEFAULT_SCENARIO_WEIGHTS);
  });

  it('reads TELEMETRY as the server does: on, off or a list of signals', () => {
    const signals = (value: string) => clientConfigFromEnv({ TELEMETRY: value }).telemetry;
    expect(signals('on')).to.deep.equal(ALL_SIGNALS);
    expect(signals('OFF')).to.deep.equal(NO_SIGNALS);
    expect(signals('metrics,traces')).to.deep.equal({ metrics: true, traces: true, logs: false });
    expect(() => signals('metrics,spans')).to.throw(ConfigError, 'TELEMETRY="metrics,spans"');
  });

  it('reads POPULATION_LIMIT', () => {
    expect(clientConfigFromEnv({ POPULATION_LIMIT: '25' }).populationLimit).to.equal(25);
  });

  it('overrides only the weights it names', () => {
    const weights = parseWeights('{"valid_animal": 1, "wrong_legs": 0}');
    expect(weights).to.deep.equal({ ...DEFAULT_SCENARIO_WEIGHTS, valid_animal: 1, wrong_legs: 0 });
  });

  for (const [name, value, message] of [
    ['SERVER_URL', 'ftp://x', /http or https/],
    ['SERVER_URL', 'not a url', /not a URL/],
    ['RATE', '0', /RATE/],
    ['RATE', 'fast', /RATE/],
    ['DURATION', '-5', /DURATION/],
    ['MAX_IN_FLIGHT', '2.5', /MAX_IN_FLIGHT.*integer/],
    ['POPULATION_LIMIT', '0', /POPULATION_LIMIT/],
    ['POPULATION_LIMIT', '1.5', /POPULATION_LIMIT.*integer/],
    ['SCENARIO_WEIGHTS', '{"teleport": 1}', /unknown scenario "teleport"/],
    ['SCENARIO_WEIGHTS', '{"valid_animal": -1}', /must be a number >= 0/],
    ['SCENARIO_WEIGHTS', '[1]', /JSON object/],
    [
      'SCENARIO_WEIGHTS',
      Object.fromEntries(Object.keys(DEFAULT_SCENARIO_WEIGHTS).map((k) => [k, 0])),
      /above 0/,
    ],
  ] as const) {
    it(`refuses ${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`, () => {
      const raw = typeof value === 'string' ? value : JSON.stringify(value);
      expect(() => clientConfigFromEnv({ [name]: raw })).to.throw(ConfigError, message);
    });
  }
});
