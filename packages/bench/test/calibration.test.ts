import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_ENV } from '@menagerie/contract';
import { expect } from 'chai';
import { SPIN_US_ENV, spin } from '../src/calibration/spin.ts';
import { adHocConfig, FULL, withNodeArgs } from '../src/configs.ts';

const preload = fileURLToPath(new URL('../dist/calibration/spin.js', import.meta.url));
const siblingOfConfigs = fileURLToPath(new URL('../src/calibration/spin.js', import.meta.url));

/** A server that answers one request with the microseconds between its arrival on the socket and its handler. */
const probe = `
import http from 'node:http';
let arrived = 0;
const server = http.createServer((req, res) => res.end(String(Math.round((performance.now() - arrived) * 1000))));
server.on('connection', () => { arrived = performance.now(); });
server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const response = await fetch('http://127.0.0.1:' + port + '/');
  console.log(await response.text());
  server.close();
});
`;

function handlerDelayMicros(env: Record<string, string>): number {
  const run = spawnSync(process.execPath, ['--import', preload, '--input-type=module', '-e', probe], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).to.equal(0);
  return Number(run.stdout.trim());
}

describe('calibration: the spin configuration', () => {
  it('busy-waits at least the time asked', () => {
    const started = performance.now();
    spin(3000);
    expect(performance.now() - started).to.be.at.least(3);
  });

  it('makes every request wait its spin before the handler runs, and none without the variable', () => {
    expect(handlerDelayMicros({ [SPIN_US_ENV]: '200000' })).to.be.at.least(200_000);
    expect(handlerDelayMicros({})).to.be.below(200_000);
  });

  it('runs the server off with the preload and its microseconds', () => {
    const config = adHocConfig('spin=40');
    expect(config?.name).to.equal('spin=40');
    const launch = config?.launch(undefined);
    // Run from the sources, the configuration names the module beside configs.ts.
    expect(launch?.nodeArgs).to.deep.equal(['--import', siblingOfConfigs]);
    expect(launch?.env[SPIN_US_ENV]).to.equal('40');
    expect(launch?.env[SERVER_ENV.telemetry]).to.equal('off');
    expect(adHocConfig('spin=fast')).to.equal(undefined);
  });

  it('puts --node-args before a configuration’s own node arguments', () => {
    const spinning = withNodeArgs(adHocConfig('spin=1') ?? FULL, ['--single-threaded-gc']);
    expect(spinning.launch(undefined).nodeArgs).to.deep.equal([
      '--single-threaded-gc',
      '--import',
      siblingOfConfigs,
    ]);
    expect(withNodeArgs(FULL, []).launch(undefined).nodeArgs).to.equal(undefined);
  });
});
