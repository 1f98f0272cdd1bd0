import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMESPACE } from '@menagerie/contract';
import { EXIT, runFromCommandLine } from '@menagerie/tools/e2e/cli';
import {
  DEFAULT_DASHBOARDS_DIR,
  DEFAULT_RULES_DIR,
  parseOptions,
  UsageError,
} from '@menagerie/tools/e2e/options';
import { expect } from 'chai';

const ENDPOINTS = [
  '--prometheus=http://127.0.0.1:9090',
  '--grafana=http://127.0.0.1:3000/grafana',
  '--loki=http://127.0.0.1:3100',
  '--tempo=http://127.0.0.1:3200',
];
const PASSWORD = { E2E_GRAFANA_PASSWORD: 'secret' };

async function usage(argv: string[], env: NodeJS.ProcessEnv = PASSWORD) {
  const err: string[] = [];
  const code = await runFromCommandLine(argv, env, { out: () => undefined, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

describe('e2e options', () => {
  it('defaults to the contract namespace, the chart files, five minutes and user admin', () => {
    const options = parseOptions(ENDPOINTS, PASSWORD);
    expect(options?.namespace).to.equal(NAMESPACE);
    expect(options?.grafanaUser).to.equal('admin');
    expect(options?.timeoutSeconds).to.equal(300);
    expect(options?.dashboardsDir).to.equal(DEFAULT_DASHBOARDS_DIR);
    expect(options?.rulesDir).to.equal(DEFAULT_RULES_DIR);
    expect(DEFAULT_DASHBOARDS_DIR).to.match(/\/charts\/menagerie\/files\/dashboards$/);
  });

  it('prefers flags to environment variables', () => {
    const options = parseOptions(ENDPOINTS, { ...PASSWORD, E2E_PROMETHEUS_URL: 'http://elsewhere:1' });
    expect(options?.prometheus.href).to.equal('http://127.0.0.1:9090/');
  });

  it('reads the password from a file, without its trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-e2e-'));
    try {
      writeFileSync(join(dir, 'pw'), 'from-file\n');
      const options = parseOptions([...ENDPOINTS, `--grafana-password-file=${join(dir, 'pw')}`], {});
      expect(options?.grafanaPassword).to.equal('from-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not accept the password as a flag', () => {
    expect(() => parseOptions([...ENDPOINTS, '--grafana-password=x'], PASSWORD)).to.throw(UsageError);
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      'a missing endpoint',
      ENDPOINTS.slice(1),
      PASSWORD,
      /--prometheus \(or E2E_PROMETHEUS_URL\) is required/,
    ],
    [
      'a URL that is not http',
      ['--prometheus=ftp://x', ...ENDPOINTS.slice(1)],
      PASSWORD,
      /--prometheus must be an http\(s\) URL/,
    ],
    [
      'a URL that does not parse',
      ['--prometheus=not a url', ...ENDPOINTS.slice(1)],
      PASSWORD,
      /must be an http\(s\) URL/,
    ],
    [
      'credentials in a URL',
      ['--prometheus=http://u:p@x', ...ENDPOINTS.slice(1)],
      PASSWORD,
      /must not carry credentials/,
    ],
    ['no password', ENDPOINTS, {}, /the Grafana password is required/],
    [
      'a timeout that is not a number',
      [...ENDPOINTS, '--timeout=soon'],
      PASSWORD,
      /--timeout must be a positive number/,
    ],
    ['a zero interval', [...ENDPOINTS, '--interval=0'], PASSWORD, /--interval must be a positive number/],
    [
      'a bad namespace',
      [...ENDPOINTS, '--namespace=Not_Valid'],
      PASSWORD,
      /--namespace must be a Kubernetes namespace name/,
    ],
    ['an unknown flag', [...ENDPOINTS, '--promethus=x'], PASSWORD, /Unknown option '--promethus'/],
    ['a positional argument', [...ENDPOINTS, 'extra'], PASSWORD, /Unexpected argument 'extra'/],
  ];
  for (const [what, argv, env, message] of bad) {
    it(`exits 2 with a clear message on ${what}`, async () => {
      const result = await usage(argv, env);
      expect(result.code).to.equal(EXIT.usage);
      expect(result.err).to.match(message);
    });
  }

  it('prints the usage and exits 0 on --help', async () => {
    const out: string[] = [];
    const code = await runFromCommandLine(['--help'], {}, { out: (l) => out.push(l), err: () => undefined });
    expect(code).to.equal(EXIT.passed);
    expect(out.join('\n')).to.include('--grafana-password-file');
  });
});
