import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERT, OUTPUT_DIR, PAGING, urgencyOf } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { expect } from 'chai';
import { parse } from 'yaml';
import {
  type AlertingRule,
  alertmanagerConfig,
  EXPLAINED_BY_SERVER_DOWN,
  RECEIVER,
  SERVER_GONE,
  STACK_ALERT,
} from '../src/index.ts';
import { listRules } from '../src/inspect/index.ts';

const configFile = join(REPOSITORY_ROOT, OUTPUT_DIR.alertmanager, 'alertmanager.yaml');
const alerts = listRules()
  .filter((r) => r.kind === 'alert')
  .map((r) => r.rule as AlertingRule);

/** The receiver amtool resolves for a label set. */
function routeOf(labels: Record<string, string>): string {
  const args = ['config', 'routes', 'test', `--config.file=${configFile}`];
  const result = spawnSync('amtool', [...args, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).to.equal(0);
  return result.stdout.trim();
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

describe('Alertmanager configuration', () => {
  it('passes amtool check-config', () => {
    const out = execFileSync('amtool', ['check-config', configFile], { encoding: 'utf8' });
    expect(out).to.contain('SUCCESS');
  });

  it('routes each alert by its severity: page (critical), ticket (warning) and info have their own receiver', () => {
    for (const a of alerts) {
      const urgency = urgencyOf(a.labels.severity);
      expect(urgency, a.alert).to.not.equal(undefined);
      expect(routeOf({ alertname: a.alert, ...a.labels }), a.alert).to.equal(RECEIVER[urgency ?? 'info']);
    }
    expect(routeOf({ alertname: 'SomethingElse', severity: 'none' })).to.equal(RECEIVER.default);
  });

  it("routes kube-prometheus-stack's own alerts by the same severities, and its Watchdog nowhere", () => {
    expect(routeOf({ alertname: 'KubePodCrashLooping', severity: 'warning' })).to.equal(RECEIVER.ticket);
    expect(routeOf({ alertname: 'KubeAPIDown', severity: 'critical' })).to.equal(RECEIVER.page);
    expect(routeOf({ alertname: STACK_ALERT.watchdog, severity: 'none' })).to.equal(RECEIVER.null);
  });

  it('sends pages to PagerDuty only once alerts carry the paging switch label', () => {
    const page = alerts.find((a) => a.alert === ALERT.serverDown);
    const ticket = alerts.find((a) => a.alert === ALERT.podRestarting);
    const on = { [PAGING.switchLabel.name]: PAGING.switchLabel.value };
    expect(routeOf({ alertname: ALERT.serverDown, ...page?.labels })).to.equal(RECEIVER.page);
    expect(routeOf({ alertname: ALERT.serverDown, ...page?.labels, ...on })).to.equal(RECEIVER.paging);
    expect(routeOf({ alertname: ALERT.podRestarting, ...ticket?.labels, ...on })).to.equal(RECEIVER.ticket);
  });

  it('keeps secrets out of the file: the PagerDuty key is read from a mounted Secret', () => {
    const text = readFileSync(configFile, 'utf8');
    expect(text).not.to.match(/\b(routing_key|service_key|api_key|api_url|password):/);
    const parsed = parse(text) as {
      receivers: { name: string; pagerduty_configs?: { routing_key_file: string }[] }[];
    };
    const pagerduty = parsed.receivers.find((r) => r.name === RECEIVER.paging);
    expect(pagerduty?.pagerduty_configs?.[0]?.routing_key_file).to.equal(
      `/etc/alertmanager/secrets/${PAGING.secretName}/${PAGING.secretKey}`,
    );
  });

  it('inhibits only alerts that exist, by labels the alerts carry', () => {
    const names = new Set<string>(alerts.map((a) => a.alert));
    for (const name of [...SERVER_GONE, ...EXPLAINED_BY_SERVER_DOWN])
      expect(names.has(name), name).to.equal(true);
    // Every inhibition with a source stays within a namespace; the one without
    // (InfoInhibitor's, which never sends InfoInhibitor itself) needs none.
    for (const rule of alertmanagerConfig().inhibit_rules.filter((each) => each.source_matchers)) {
      expect(rule.equal).to.include('namespace');
    }
  });

  describe('a running Alertmanager 0.25 with this configuration', () => {
    let alertmanager: ChildProcess | undefined;
    let url = '';

    before(async function () {
      this.timeout(20000);
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      alertmanager = spawn(
        'prometheus-alertmanager',
        [
          `--config.file=${configFile}`,
          `--storage.path=${mkdtempSync(join(tmpdir(), 'menagerie-am-'))}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        { stdio: 'ignore' },
      );
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          if ((await fetch(`${url}/-/ready`)).ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('Alertmanager did not become ready');
    });

    after(() => {
      alertmanager?.kill();
    });

    const post = async (labels: Record<string, string>[]) => {
      const response = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(labels.map((l) => ({ labels: l, annotations: { summary: 'test' } }))),
      });
      expect(response.status).to.equal(200);
    };
    const inhibitedBy = async (alertname: string, extra: Record<string, string> = {}): Promise<string[]> => {
      const filters = Object.entries({ alertname, ...extra })
        .map(([k, v]) => `filter=${encodeURIComponent(`${k}="${v}"`)}`)
        .join('&');
      const response = await fetch(`${url}/api/v2/alerts?${filters}`);
      const body = (await response.json()) as { status: { inhibitedBy: string[] } }[];
      expect(body, alertname).to.have.length(1);
      return body[0]?.status.inhibitedBy ?? [];
    };

    /**
     * Alertmanager's inhibitor learns of posted alerts asynchronously, so an
     * alert that must end up inhibited is asked for again until it is, for a
     * few seconds; one that must not be is asked for after that.
     */
    const eventuallyInhibitedBy = async (alertname: string, extra: Record<string, string> = {}) => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const by = await inhibitedBy(alertname, extra);
        if (by.length > 0 || Date.now() > deadline) return by;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const serverLabels = { namespace: 'menagerie', service: 'menagerie-server' };
    const labelsOf = (name: string, extra: Record<string, string> = {}) => {
      const rule = alerts.find((a) => a.alert === name);
      return { alertname: name, ...rule?.labels, ...serverLabels, ...extra };
    };

    it('inhibits the SLO, latency, probe and client alerts of a server that is down', async () => {
      await post([labelsOf(ALERT.serverDown), ...EXPLAINED_BY_SERVER_DOWN.map((name) => labelsOf(name))]);
      for (const name of EXPLAINED_BY_SERVER_DOWN)
        expect(await eventuallyInhibitedBy(name), name).to.not.be.empty;
      expect(await inhibitedBy(ALERT.serverDown)).to.be.empty;
    });

    it("keeps kube-prometheus-stack's InfoInhibitor: it silences info alerts in its namespace and is itself silenced", async () => {
      const namespace = { namespace: 'kube-system' };
      await post([
        { alertname: STACK_ALERT.infoInhibitor, severity: 'none', ...namespace },
        { alertname: 'CPUThrottlingHigh', severity: 'info', ...namespace },
        { alertname: 'CPUThrottlingHigh', severity: 'info', namespace: 'other' },
      ]);
      expect(await eventuallyInhibitedBy('CPUThrottlingHigh', namespace)).to.not.be.empty;
      expect(await inhibitedBy('CPUThrottlingHigh', { namespace: 'other' })).to.be.empty;
      expect(await eventuallyInhibitedBy(STACK_ALERT.infoInhibitor, namespace)).to.not.be.empty;
    });

    it('lets a page silence the ticket of the same SLO, not of another namespace', async () => {
      const elsewhere = { namespace: 'staging' };
      await post([
        labelsOf(ALERT.latencyFastBurn, elsewhere),
        labelsOf(ALERT.latencySlowBurn, elsewhere),
        labelsOf(ALERT.availabilitySlowBurn, elsewhere),
      ]);
      expect(await eventuallyInhibitedBy(ALERT.latencySlowBurn, elsewhere)).to.not.be.empty;
      expect(await inhibitedBy(ALERT.availabilitySlowBurn, elsewhere)).to.be.empty;
    });
  });
});
