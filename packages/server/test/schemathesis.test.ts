import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { openApiDocument } from '../src/openapi/document.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/** Installed by scripts/test.sh (ensure_schemathesis in scripts/lib/toolchain.sh); never skipped. */
const SCHEMATHESIS = join(REPOSITORY_ROOT, '.tools/schemathesis/bin/schemathesis');
const CONFIG = join(REPOSITORY_ROOT, 'packages/server/schemathesis/schemathesis.toml');
/** Bounds on the run: cases per operation, and a hard limit after which it is killed and fails. */
const MAX_EXAMPLES = 50;
const HARD_LIMIT_MS = 480_000;
/** Operations schemathesis tests: all the document's but the document itself, which it leaves out when loaded from it. */
const OPERATIONS =
  Object.values((openApiDocument() as { paths: Record<string, object> }).paths).flatMap((o) => Object.keys(o))
    .length - 1;
/** Fixed so a failure reproduces; SCHEMATHESIS_SEED explores others. */
const SEED = process.env.SCHEMATHESIS_SEED ?? '1';

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    });
  });
}

/**
 * schemathesis, property-based and stateful, against the real server on a
 * loopback port with the document the server serves: every check it has (no
 * 5xx, statuses, content types, headers and bodies as documented, invalid
 * data refused, 405 with Allow for other methods, a deleted animal gone),
 * with the one exception schemathesis.toml explains.
 */
describe('schemathesis against the OpenAPI document', function () {
  this.timeout(HARD_LIMIT_MS + 30_000);
  let server: TestServer;
  before(async () => {
    // Faults off: any 5xx is a failure. A store large enough never to fill.
    server = await startTestServer({ storeCapacity: 1_000_000, logLevel: 'warn' });
  });
  after(() => server.close());

  it('is installed (scripts/test.sh installs it)', () => {
    expect(existsSync(SCHEMATHESIS), `${SCHEMATHESIS} is missing: run scripts/test.sh`).to.equal(true);
  });

  it('finds no failure in any operation, phase or check', async () => {
    const { code, output } = await run(SCHEMATHESIS, [
      '--config-file',
      CONFIG,
      'run',
      `${server.url}${PATHS.apiDescription}`,
      '--url',
      server.url,
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      SEED,
      '--workers',
      '2',
      '--request-timeout',
      '10',
      '--generation-database',
      'none',
      '--no-color',
    ]);
    const tail = output.split('\n').slice(-80).join('\n');
    expect(code, `schemathesis exited ${code}:\n${tail}`).to.equal(0);
    expect(output, tail).to.match(new RegExp(`Tested: ${OPERATIONS}\\b`));
    expect(output, tail).to.match(/No issues found/);
  });
});
