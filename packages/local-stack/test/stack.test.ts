import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BLACKBOX_PROBE, CLIENT, NAMESPACE, SERVER, STACK, TARGET_LABEL } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { isAlertingRule, type RuleFile, runbookUrl } from '@menagerie/monitoring';
import { chartRunbookBaseUrl } from '@menagerie/tools/charts/runbook-links';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { blackboxConfig } from '../src/config/blackbox.ts';
import { prometheusConfig } from '../src/config/prometheus.ts';
import { checkPrerequisites, PROGRAM, PrerequisiteError } from '../src/prerequisites.ts';
import { supervise } from '../src/processes.ts';
import { startServiceProxy } from '../src/service-proxy.ts';
import { LOCAL_PORT, portsFromEnv, SettingsError } from '../src/settings.ts';
import { CHART_ALERTMANAGER_CONFIG, chartRuleFiles, packageMain, writeChartRuleFiles } from '../src/stack.ts';
import { clientPod, serverPod } from '../src/target-labels.ts';

const node = process.execPath;
const forever = 'setInterval(() => {}, 1000)';

function output() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString('utf8');
  });
  return { stream, text: () => text };
}

const config = () =>
  prometheusConfig({
    rhythm: { scrapeInterval: '1s', evaluationInterval: '1s' },
    ruleFiles: chartRuleFiles().map((file) => join(REPOSITORY_ROOT, file)),
    alertmanagerAddress: '127.0.0.1:9093',
    serverTargetsFile: '/tmp/server-targets.json',
    clientAddress: '127.0.0.1:8081',
    prometheusAddress: '127.0.0.1:9090',
    blackboxAddress: '127.0.0.1:9115',
    probeUrl: 'http://127.0.0.1:8080/readyz',
  });

describe('local stack', () => {
  it('uses the contract ports by default, moved by their variables, and refuses bad or clashing ones', () => {
    expect(portsFromEnv({})).to.deep.equal({
      server: SERVER.port,
      client: CLIENT.port,
      prometheus: STACK.prometheus.port,
      alertmanager: STACK.alertmanager.port,
      blackboxExporter: STACK.blackboxExporter.port,
      loki: STACK.loki.port,
      tempo: STACK.tempo.port,
      promtail: 3101,
      grafana: 3000,
    });
    expect(LOCAL_PORT).to.include({ prometheus: 9090, alertmanager: 9093, blackboxExporter: 9115 });
    expect(portsFromEnv({ PROMETHEUS_PORT: '19090', SERVER_PORT: '18080' })).to.include({
      prometheus: 19090,
      server: 18080,
    });
    expect(() => portsFromEnv({ BLACKBOX_PORT: 'x' })).to.throw(SettingsError, 'BLACKBOX_PORT="x"');
    expect(() => portsFromEnv({ CLIENT_PORT: String(SERVER.port) })).to.throw(SettingsError, 'both');
  });

  it('names the Debian package of every missing program, and the build step for missing services', () => {
    const empty = mkdtempSync(join(tmpdir(), 'menagerie-path-'));
    try {
      const check = () =>
        checkPrerequisites(Object.values(PROGRAM), ['/nonexistent/server/dist/main.js'], empty);
      expect(check).to.throw(PrerequisiteError);
      let message = '';
      try {
        check();
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).to.include(
        'install: sudo apt-get install prometheus prometheus-alertmanager prometheus-blackbox-exporter',
      );
      expect(message).to.include(
        'prometheus-alertmanager is not on PATH (Debian package prometheus-alertmanager',
      );
      expect(message).to.include('/nonexistent/server/dist/main.js is missing: build first');
      const fake = join(empty, 'prometheus');
      writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
      expect(() => checkPrerequisites([PROGRAM.prometheus], [], empty)).to.not.throw();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    // The real ones are installed by scripts/test.sh.
    expect(() =>
      checkPrerequisites(Object.values(PROGRAM), [packageMain('server'), packageMain('client')]),
    ).to.not.throw();
  });

  it('writes a Prometheus configuration promtool accepts, with the chart rules and the cluster target labels', () => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-promcfg-'));
    try {
      const file = join(dir, 'prometheus.yml');
      const ruleFiles = writeChartRuleFiles(dir);
      writeFileSync(file, stringify({ ...config(), rule_files: ruleFiles }));
      // promtool also loads and checks every rule file the configuration names.
      const report = execFileSync('promtool', ['check', 'config', file], { encoding: 'utf8', cwd: dir });
      expect(report).to.include('SUCCESS');
      expect(ruleFiles.map((f) => f.split('/').pop())).to.deep.equal([
        'slo-availability.yaml',
        'slo-latency.yaml',
        'symptoms.yaml',
      ]);
      // As the chart's PrometheusRules carry them: every alert links to its runbook.
      const alerts = ruleFiles.flatMap((each) =>
        (parse(readFileSync(join(dir, each), 'utf8')) as RuleFile).groups.flatMap((group) =>
          group.rules.filter(isAlertingRule),
        ),
      );
      expect(alerts).to.not.be.empty;
      for (const alert of alerts) {
        expect((alert.annotations as { runbook_url?: string }).runbook_url, alert.alert).to.equal(
          runbookUrl(alert.alert, chartRunbookBaseUrl()),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const jobs = (
      config().scrape_configs as { job_name: string; static_configs?: { labels: object }[] }[]
    ).map((job) => [job.job_name, job.static_configs?.[0]?.labels]);
    expect(Object.fromEntries(jobs)).to.deep.include({
      [CLIENT.name]: {
        [TARGET_LABEL.namespace]: NAMESPACE,
        [TARGET_LABEL.service]: CLIENT.name,
        [TARGET_LABEL.pod]: clientPod.pod,
        [TARGET_LABEL.container]: CLIENT.container,
        [TARGET_LABEL.endpoint]: CLIENT.portName,
      },
      [BLACKBOX_PROBE.job]: { [TARGET_LABEL.namespace]: NAMESPACE, [TARGET_LABEL.service]: SERVER.name },
    });
    expect(serverPod(3)).to.deep.equal({
      service: SERVER.name,
      pod: `${SERVER.name}-local-3`,
      container: SERVER.container,
      portName: SERVER.portName,
    });
  });

  it("runs the chart's Alertmanager configuration as it is, which amtool accepts", () => {
    expect(existsSync(CHART_ALERTMANAGER_CONFIG)).to.equal(true);
    expect(
      execFileSync('amtool', ['check-config', CHART_ALERTMANAGER_CONFIG], { encoding: 'utf8' }),
    ).to.include('SUCCESS');
    expect(Object.keys(blackboxConfig().modules as object)).to.deep.equal([BLACKBOX_PROBE.module]);
  });

  it('moves the Service proxy to a new backend without dropping it, and refuses connections before it has one', async () => {
    const backend = (answer: string) =>
      new Promise<{ port: number; close: () => void }>((resolve) => {
        const server = createServer((socket) => socket.end(answer)).listen(0, '127.0.0.1', () => {
          const address = server.address();
          resolve({
            port: typeof address === 'object' && address ? address.port : 0,
            close: () => server.close(),
          });
        });
      });
    /** What a connection through the proxy reads before it closes ('' when refused). */
    const read = (port: number) =>
      new Promise<string>((resolve) => {
        let text = '';
        const socket = connect(port, '127.0.0.1');
        socket.on('data', (c: Buffer) => {
          text += c.toString();
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve(text));
      });
    const [one, two] = [await backend('one'), await backend('two')];
    const proxy = await startServiceProxy(0);
    try {
      expect(await read(proxy.port)).to.equal('');
      proxy.route(one.port);
      expect(await read(proxy.port)).to.equal('one');
      proxy.route(two.port);
      expect(await read(proxy.port)).to.equal('two');
    } finally {
      await proxy.close();
      one.close();
      two.close();
    }
  });

  it('prefixes each line with its process name and stops everything on stop()', async () => {
    const out = output();
    const stack = supervise(
      [
        { name: 'a', command: node, args: ['-e', `console.log('one'); ${forever}`] },
        { name: 'bbb', command: node, args: ['-e', `console.error('two'); ${forever}`] },
      ],
      out.stream,
    );
    while (!out.text().includes('two') || !out.text().includes('one'))
      await new Promise((r) => setTimeout(r, 20));
    stack.stop();
    expect(await stack.exited).to.equal(0);
    expect(out.text()).to.include('[a  ] one\n');
    expect(out.text()).to.include('[bbb] two\n');
  });

  it('stops the others and fails when one process dies on its own', async () => {
    const out = output();
    const stack = supervise(
      [
        { name: 'crash', command: node, args: ['-e', 'process.exit(3)'] },
        { name: 'steady', command: node, args: ['-e', forever] },
      ],
      out.stream,
    );
    expect(await stack.exited).to.equal(1);
    expect(out.text()).to.include('[crash ] exited (code 3)');
    expect(out.text()).to.include('[steady] exited (SIGTERM)');
  });
});
