import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLIENT, NAMESPACE, RELEASE, SERVER, STACK } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { readChart, SERVER_CHART_DIR, UMBRELLA_DIR } from '@menagerie/tools/charts/charts';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { expect } from 'chai';
import { parse } from 'yaml';
import { sandbox } from './support/sandbox.ts';

const execFileAsync = promisify(execFile);
const script = (name: string) => path.join(REPOSITORY_ROOT, 'scripts', name);

describe('deploy scripts', () => {
  it('are all valid bash', async () => {
    const files = [
      ...readdirSync(path.join(REPOSITORY_ROOT, 'scripts'))
        .filter((f) => f.endsWith('.sh'))
        .map((f) => `scripts/${f}`),
      ...readdirSync(path.join(REPOSITORY_ROOT, 'scripts/lib')).map((f) => `scripts/lib/${f}`),
    ];
    expect(files).to.include.members([
      'scripts/kind-up.sh',
      'scripts/kind-down.sh',
      'scripts/rollback-demo.sh',
    ]);
    for (const file of files) await execFileAsync('bash', ['-n', path.join(REPOSITORY_ROOT, file)]);
  });

  it('share names that agree with the contract, the charts and the kind cluster', async () => {
    const names = [
      'MENAGERIE_CLUSTER',
      'MENAGERIE_KUBE_CONTEXT',
      'MENAGERIE_NAMESPACE',
      'MENAGERIE_RELEASE',
      'MENAGERIE_SERVER',
      'MENAGERIE_CLIENT',
      'MENAGERIE_SERVER_PORT',
      'PROMETHEUS_SERVICE',
      'PROMETHEUS_PORT',
      'GRAFANA_ADMIN_SECRET',
      'GRAFANA_HOST_URL',
      'PROMETHEUS_HOST_URL',
      'ALERTMANAGER_HOST_URL',
    ];
    const { stdout } = await execFileAsync('bash', [
      '-c',
      `source "${script('lib/stack.sh')}"; printf '%s\\n' ${names.map((n) => `"$${n}"`).join(' ')}; chart_app_version "${SERVER_CHART_DIR}"`,
    ]);
    const values = Object.fromEntries(names.map((name, index) => [name, stdout.split('\n')[index]]));
    const cluster = parse(readFileSync(path.join(REPOSITORY_ROOT, 'deploy/kind/cluster.yaml'), 'utf8'));
    const hostPort = (containerPort: unknown) =>
      cluster.nodes[0].extraPortMappings.find(
        (m: { containerPort: number }) => m.containerPort === containerPort,
      )?.hostPort;
    const kind = readValues(path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/kind.yaml'));
    expect(values).to.deep.equal({
      MENAGERIE_CLUSTER: cluster.name,
      MENAGERIE_KUBE_CONTEXT: `kind-${cluster.name}`,
      MENAGERIE_NAMESPACE: NAMESPACE,
      MENAGERIE_RELEASE: RELEASE,
      MENAGERIE_SERVER: SERVER.name,
      MENAGERIE_CLIENT: CLIENT.name,
      MENAGERIE_SERVER_PORT: String(SERVER.port),
      PROMETHEUS_SERVICE: STACK.prometheus.service,
      PROMETHEUS_PORT: String(STACK.prometheus.port),
      GRAFANA_ADMIN_SECRET: valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), [
        'grafana',
        'admin',
        'existingSecret',
      ]),
      GRAFANA_HOST_URL: `http://localhost:${hostPort(valueAt(kind, ['grafana', 'service', 'nodePort']))}`,
      PROMETHEUS_HOST_URL: `http://localhost:${hostPort(valueAt(kind, ['kube-prometheus-stack', 'prometheus', 'service', 'nodePort']))}`,
      ALERTMANAGER_HOST_URL: `http://localhost:${hostPort(valueAt(kind, ['kube-prometheus-stack', 'alertmanager', 'service', 'nodePort']))}`,
    });
    expect(stdout.split('\n')[names.length]).to.equal(readChart(SERVER_CHART_DIR).appVersion);
  });
});

describe('scripts/kind-up.sh', () => {
  it('names every missing prerequisite, and changes nothing', async () => {
    const box = sandbox();
    const { code, output } = await box.run(script('kind-up.sh'));
    expect(code).to.not.equal(0);
    for (const tool of ['docker', 'kind', 'kubectl', 'helmfile', 'helm']) {
      expect(output).to.match(new RegExp(`missing: ${tool} is not installed`));
    }
    expect(output).to.include('5 prerequisite(s) missing').and.include('nothing was changed');
  });

  it('names a stopped Docker daemon, tools too old and a missing helm-diff plugin', async () => {
    const box = sandbox({
      docker: 'exit 1',
      kind: 'echo "kind v0.20.0 go1.21 linux/amd64"',
      kubectl: 'exit 0',
      helm: '[ "$1" = version ] && echo "v3.10.0+gabc"; exit 0',
      helmfile: 'echo "helmfile version 0.171.0"',
    });
    const { code, output } = await box.run(script('kind-up.sh'));
    expect(code).to.not.equal(0);
    expect(output).to.include('the Docker daemon is not answering');
    expect(output).to.include('kind 0.20.0 is too old');
    expect(output).to.include('helm 3.10.0 is too old');
    expect(output).to.include('helmfile 0.171.0 is too old');
    expect(output).to.include(
      "the helm-diff plugin, which helmfile apply uses, is not installed: run 'helmfile init'",
    );
    expect(
      box.calls().filter((call) => /^(kind create|docker build|helmfile .*apply)/.test(call)),
    ).to.deep.equal([]);
  });
});

describe('scripts/kind-down.sh', () => {
  it('deletes the kind cluster kind-up.sh made', async () => {
    const box = sandbox({ kind: '[ "$1 $2" = "get clusters" ] && echo menagerie; exit 0' });
    const { code } = await box.run(script('kind-down.sh'));
    expect(code).to.equal(0);
    expect(box.calls()).to.deep.equal(['kind get clusters', 'kind delete cluster --name menagerie']);
  });

  it('does nothing when there is no cluster', async () => {
    const box = sandbox({ kind: 'exit 0' });
    const { code, output } = await box.run(script('kind-down.sh'));
    expect(code).to.equal(0);
    expect(output).to.include('nothing to delete');
    expect(box.calls()).to.deep.equal(['kind get clusters']);
  });
});

describe('scripts/ensure-paging-secret.sh', () => {
  it('creates the Secret from stdin when it is missing, never with the key in its arguments', async () => {
    const box = sandbox({
      kubectl: [
        '[ "$3 $4" = "get secret" ] && exit 1',
        '[ "$1" = create ] && echo "kind: Namespace"',
        'case "$*" in *"-f -"*|*/dev/stdin*) cat >/dev/null ;; esac',
      ].join('\n'),
    });
    const { code, output } = await box.run(
      script('ensure-paging-secret.sh'),
      ['menagerie', 'menagerie-pagerduty', 'routing-key'],
      {
        PAGING_ROUTING_KEY: 's3cret',
      },
    );
    expect(code, output).to.equal(0);
    // The two halves of a pipeline log in either order.
    expect(box.calls()).to.have.members([
      'kubectl -n menagerie get secret menagerie-pagerduty',
      'kubectl create namespace menagerie --dry-run=client -o yaml',
      'kubectl apply -f -',
      'kubectl -n menagerie create secret generic menagerie-pagerduty --from-file=routing-key=/dev/stdin',
    ]);
    expect(box.calls().at(-1)).to.include('create secret generic');
    expect(box.calls().join('\n')).to.not.include('s3cret');
    expect(output).to.include('created from PAGING_ROUTING_KEY');
  });

  it('leaves an existing Secret alone', async () => {
    const box = sandbox({ kubectl: 'exit 0' });
    const { code, output } = await box.run(script('ensure-paging-secret.sh'), [
      'menagerie',
      'menagerie-pagerduty',
      'routing-key',
    ]);
    expect(code).to.equal(0);
    expect(output).to.include('exists: left as it is');
    expect(box.calls()).to.have.length(1);
  });
});

describe('scripts/rollback-demo.sh', () => {
  it('refuses to start without the bad behaviour profile it deploys', async () => {
    const box = sandbox({ kubectl: 'exit 0' }, ['helm']);
    const { code, output } = await box.run(script('rollback-demo.sh'), [], {
      MENAGERIE_BAD_PROFILE: 'packages/server/profiles/does-not-exist.yaml',
    });
    expect(code).to.not.equal(0);
    expect(output).to.include('no bad behaviour profile at packages/server/profiles/does-not-exist.yaml');
    expect(box.calls()).to.deep.equal([]);
  });
});
