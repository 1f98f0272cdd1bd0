import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT, DATASOURCE_UID, NAMESPACE, SERVER, SERVER_METRICS, STACK } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { EXIT, runFromCommandLine } from '@menagerie/tools/e2e/cli';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { freePort } from './support/server.ts';
import { FIXTURE_DASHBOARDS, type LocalStack, startLocalStack, stream } from './support/stack.ts';

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

const CHECKS = [
  'prometheus targets',
  'prometheus rules',
  'grafana dashboards',
  'grafana datasources',
  'grafana query',
  'loki log lines',
  'tempo trace from a log line',
];

describe('menagerie-e2e against a real Prometheus and fakes of Grafana, Loki and Tempo', function () {
  this.timeout(60_000);
  let stack: LocalStack;

  before(async () => {
    stack = await startLocalStack();
  });
  after(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await stack.healthy();
  });

  async function run(extra: string[] = [], timeoutSeconds = '1'): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runFromCommandLine(
      [...stack.args(), `--timeout=${timeoutSeconds}`, '--interval=0.2', ...extra],
      stack.env(),
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );
    return { code, out, err };
  }

  function line(result: Run, check: string): string {
    const found = result.out.find((l) =>
      l.startsWith('PASS  ') || l.startsWith('FAIL  ') ? l.slice(6).startsWith(`${check}:`) : false,
    );
    expect(found, `no line for ${check} in:\n${result.out.join('\n')}`).to.be.a('string');
    return found as string;
  }

  function expectOnlyFailures(result: Run, failing: string[]): void {
    expect(result.code, result.out.join('\n')).to.equal(EXIT.failed);
    for (const check of CHECKS) {
      expect(line(result, check), check).to.match(failing.includes(check) ? /^FAIL {2}/ : /^PASS {2}/);
    }
  }

  it('passes, one PASS line per check, when everything is there', async () => {
    const result = await run();
    expect(result.code, result.out.join('\n')).to.equal(EXIT.passed);
    expect(result.out).to.have.length(CHECKS.length + 1);
    for (const check of CHECKS) expect(line(result, check)).to.match(/^PASS {2}/);
    expect(line(result, 'prometheus targets'))
      .to.include(`${SERVER.name} 1/1 up`)
      .and.include(`${CLIENT.name} 1/1 up`);
    expect(line(result, 'prometheus rules')).to.include('2 groups loaded (2 alerts, 1 recording rules)');
    expect(line(result, 'tempo trace from a log line')).to.include(stack.traceId);
    expect(result.out.at(-1)).to.equal(`menagerie-e2e: ${CHECKS.length} of ${CHECKS.length} checks passed`);
  });

  it('fails when a target is down, naming the job and the scrape error', async () => {
    stack.client.up = false;
    await stack.prometheus.waitForHealth(CLIENT.name, 'down');
    const result = await run();
    expectOnlyFailures(result, ['prometheus targets']);
    expect(line(result, 'prometheus targets')).to.match(new RegExp(`${CLIENT.name}: 0/1 up \\(.*503`));
  });

  it('fails when no target of our jobs is in the namespace asked for', async () => {
    const result = await run(['--namespace=elsewhere']);
    expect(result.code).to.equal(EXIT.failed);
    expect(line(result, 'prometheus targets')).to.include(
      `${SERVER.name}: no target (job="${SERVER.name}", namespace="elsewhere")`,
    );
  });

  it('fails when a rule group of the rule files is not loaded in Prometheus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-e2e-rules-'));
    try {
      writeFileSync(
        join(dir, 'extra.yaml'),
        stringify({ groups: [{ name: 'never-loaded', rules: [{ alert: 'Never', expr: 'vector(1)' }] }] }),
      );
      const result = await run([`--rules=${dir}`]);
      expectOnlyFailures(result, ['prometheus rules']);
      expect(line(result, 'prometheus rules')).to.include('group never-loaded not loaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a dashboard is missing from Grafana', async () => {
    stack.grafana.dashboards = stack.grafana.dashboards.filter((d) => d.uid !== 'fixture-slo');
    const result = await run();
    expectOnlyFailures(result, ['grafana dashboards']);
    expect(line(result, 'grafana dashboards')).to.include('missing 1 of 2: fixture-slo (Fixture: SLOs)');
  });

  it('fails when a datasource is missing or has another type', async () => {
    stack.grafana.datasources = stack.grafana.datasources
      .filter((d) => d.uid !== DATASOURCE_UID.tempo)
      .map((d) => (d.uid === DATASOURCE_UID.loki ? { ...d, type: 'elasticsearch' } : d));
    const result = await run();
    expectOnlyFailures(result, ['grafana datasources']);
    expect(line(result, 'grafana datasources'))
      .to.include(`${DATASOURCE_UID.tempo} missing`)
      .and.include(`${DATASOURCE_UID.loki} is of type elasticsearch, not loki`);
  });

  it('fails when the query through Grafana returns no data', async () => {
    stack.server.servesTraffic = false;
    await stack.prometheus.waitForSeries(
      `${SERVER_METRICS.requestDuration.name}_count{job="${SERVER.name}"}`,
      0,
    );
    const result = await run();
    expectOnlyFailures(result, ['grafana query']);
    expect(line(result, 'grafana query')).to.include('returned no data through datasource');
  });

  it('fails when the server has no log lines in Loki, and then finds no trace id either', async () => {
    stack.loki.streams = stack.loki.streams.filter((s) => s.labels.app !== SERVER.name);
    const result = await run();
    expectOnlyFailures(result, ['loki log lines', 'tempo trace from a log line']);
    expect(line(result, 'loki log lines')).to.include(
      `no lines for {namespace="menagerie", app="${SERVER.name}"}`,
    );
    expect(line(result, 'tempo trace from a log line')).to.include('carries a valid "trace_id"');
  });

  it('fails when the server lines in Loki are not our JSON log lines', async () => {
    stack.loki.streams = [stream(SERVER.name, ['plain text, not JSON'])];
    const result = await run();
    expect(result.code).to.equal(EXIT.failed);
    expect(line(result, 'loki log lines')).to.match(/^FAIL {2}.*none a JSON log line with "msg"/);
  });

  it('fails when the trace of the log line is not in Tempo', async () => {
    stack.tempo.traces.clear();
    const result = await run();
    expectOnlyFailures(result, ['tempo trace from a log line']);
    expect(line(result, 'tempo trace from a log line'))
      .to.include(`none of the 1 trace ids`)
      .and.include(stack.traceId);
  });

  it('fails when the trace holds no span of the server', async () => {
    stack.tempo.traces.set(stack.traceId, [CLIENT.name]);
    const result = await run();
    expectOnlyFailures(result, ['tempo trace from a log line']);
    expect(line(result, 'tempo trace from a log line')).to.include(`has no ${SERVER.name} span`);
  });

  it('retries until late data arrives, within the deadline', async () => {
    const lines = stack.loki.streams;
    stack.loki.streams = [];
    setTimeout(() => {
      stack.loki.streams = lines;
    }, 600);
    const result = await run([], '10');
    expect(result.code, result.out.join('\n')).to.equal(EXIT.passed);
    expect(line(result, 'loki log lines')).to.match(/\(after \d+ attempts\)$/);
    expect(result.err.some((l) => l.includes('waiting: loki log lines'))).to.equal(true);
  });

  it('gives up at once, without retrying, when Grafana refuses the login', async () => {
    const out: string[] = [];
    const code = await runFromCommandLine(
      [...stack.args(), '--timeout=30', '--interval=0.2'],
      { E2E_GRAFANA_PASSWORD: 'wrong' },
      { out: (l) => out.push(l), err: () => undefined },
    );
    expect(code).to.equal(EXIT.failed);
    const dashboards = out.find((l) => l.includes('grafana dashboards:'));
    expect(dashboards).to.match(/^FAIL {2}.*refused the login \(HTTP 401\)/);
    expect(dashboards).not.to.include('attempts');
  });

  it('fails at once when the dashboards folder holds no dashboard', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'menagerie-e2e-empty-'));
    try {
      const result = await run([`--dashboards=${empty}`], '30');
      expect(line(result, 'grafana dashboards')).to.equal(
        `FAIL  grafana dashboards: no dashboard files (*.json) in ${empty}: nothing to check against`,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('takes the endpoints from environment variables as well', async () => {
    const env = {
      ...stack.env(),
      E2E_PROMETHEUS_URL: stack.prometheus.url.href,
      E2E_GRAFANA_URL: stack.grafana.url.href,
      E2E_LOKI_URL: stack.loki.url.href,
      E2E_TEMPO_URL: stack.tempo.url.href,
      E2E_TIMEOUT_SECONDS: '2',
    };
    const code = await runFromCommandLine(
      [
        `--dashboards=${
          stack
            .args()
            .find((a) => a.startsWith('--dashboards='))
            ?.split('=')[1]
        }`,
        `--rules=${stack.rulesDir}`,
      ],
      env,
      { out: () => undefined, err: () => undefined },
    );
    expect(code).to.equal(EXIT.passed);
  });

  it('runs as a command: exit 1 with a FAIL line on stdout, and the password never printed', async () => {
    stack.grafana.dashboards = [FIXTURE_DASHBOARDS[0] as { uid: string; title: string }];
    const main = fileURLToPath(import.meta.resolve('@menagerie/tools/cli/e2e'));
    const child = spawn(process.execPath, [main, ...stack.args(), '--timeout=1', '--interval=0.2'], {
      env: { ...process.env, ...stack.env() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).to.equal(EXIT.failed);
    expect(stdout).to.match(/^FAIL {2}grafana dashboards: missing 1 of 2: fixture-slo/m);
    expect(stdout).to.include(`menagerie-e2e: ${CHECKS.length - 1} of ${CHECKS.length} checks passed`);
    expect(stdout + stderr).not.to.include(stack.grafana.password);
  });
  describe('scripts/e2e.sh, with a kubectl that forwards to the local stack', () => {
    const repoRoot = REPOSITORY_ROOT;
    let bin: string;
    before(() => {
      bin = mkdtempSync(join(tmpdir(), 'menagerie-fake-kubectl-'));
      const fake = fileURLToPath(new URL('./support/fake-kubectl.ts', import.meta.url));
      writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\nexec "${process.execPath}" "${fake}" "$@"\n`);
      chmodSync(join(bin, 'kubectl'), 0o755);
    });
    after(() => rmSync(bin, { recursive: true, force: true }));

    async function runScript(grafanaPassword: string) {
      const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
      const address = (url: URL) => `127.0.0.1:${url.port}`;
      const env = {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: process.env.HOME ?? '/tmp',
        FAKE_KUBECTL_LOG: join(bin, 'calls.log'),
        FAKE_KUBECTL_SERVICES: JSON.stringify({
          [STACK.prometheus.service]: address(stack.prometheus.url),
          [STACK.grafana.service]: address(stack.grafana.url),
          [STACK.loki.service]: address(stack.loki.url),
          [STACK.tempo.service]: address(stack.tempo.url),
        }),
        FAKE_KUBECTL_GRAFANA: JSON.stringify({
          secret: 'generated-admin',
          userKey: 'admin-user',
          passwordKey: 'admin-password',
          user: stack.grafana.user,
          password: grafanaPassword,
        }),
        E2E_PROMETHEUS_LOCAL_PORT: String(ports[0]),
        E2E_GRAFANA_LOCAL_PORT: String(ports[1]),
        E2E_LOKI_LOCAL_PORT: String(ports[2]),
        E2E_TEMPO_LOCAL_PORT: String(ports[3]),
      };
      writeFileSync(env.FAKE_KUBECTL_LOG, '');
      const rules = `--rules=${stack.rulesDir}`;
      const dashboards = stack.args().find((a) => a.startsWith('--dashboards=')) as string;
      const child = spawn(
        join(repoRoot, 'scripts/e2e.sh'),
        [dashboards, rules, '--timeout=2', '--interval=0.2'],
        {
          env,
        },
      );
      let output = '';
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, output, calls: readFileSync(env.FAKE_KUBECTL_LOG, 'utf8'), ports };
    }

    it('forwards the contract services, reads the Grafana login from its Secret and passes', async () => {
      const { code, output, calls, ports } = await runScript(stack.grafana.password);
      expect(code, output).to.equal(EXIT.passed);
      expect(output).to.include(`menagerie-e2e: ${CHECKS.length} of ${CHECKS.length} checks passed`);
      expect(calls).to.include(
        `--namespace ${NAMESPACE} port-forward service/${STACK.prometheus.service} ${ports[0]}:${STACK.prometheus.port}`,
      );
      expect(calls).to.include(
        `port-forward service/${STACK.grafana.service} ${ports[1]}:${STACK.grafana.port}`,
      );
      expect(calls).to.include(`port-forward service/${STACK.loki.service} ${ports[2]}:${STACK.loki.port}`);
      expect(calls).to.include(`port-forward service/${STACK.tempo.service} ${ports[3]}:${STACK.tempo.port}`);
      expect(calls).to.include(`get deployment ${STACK.grafana.service}`);
      expect(output).not.to.include(stack.grafana.password);
    });

    it('fails when the Secret holds a password Grafana refuses', async () => {
      const { code, output } = await runScript('not-the-password');
      expect(code, output).to.equal(EXIT.failed);
      expect(output).to.match(/FAIL {2}grafana dashboards: .*refused the login/);
    });
  });
});
