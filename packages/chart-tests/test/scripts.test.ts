import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLIENT, NAMESPACE, RELEASE, SERVER, STACK } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { makeTempDir, UMBRELLA_DIR } from '@menagerie/tools/charts/charts';
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
      'scripts/autoscale-demo.sh',
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
      'GATEWAY_HOST_PORT',
      'GATEWAY_DOMAIN',
      'GRAFANA_HOST_URL',
      'API_HOST_URL',
      'PROMETHEUS_HOST_URL',
      'ALERTMANAGER_HOST_URL',
      'GRAFANA_SERVICE',
      'GRAFANA_PORT',
      'ALERTMANAGER_SERVICE',
      'ALERTMANAGER_PORT',
    ];
    const { stdout } = await execFileAsync('bash', [
      '-c',
      `source "${script('lib/stack.sh')}"; printf '%s\\n' ${names.map((n) => `"$${n}"`).join(' ')}`,
    ]);
    const values = Object.fromEntries(names.map((name, index) => [name, stdout.split('\n')[index]]));
    const cluster = parse(readFileSync(path.join(REPOSITORY_ROOT, 'deploy/kind/cluster.yaml'), 'utf8'));
    // The gateway's node port, as deploy/helmfile/values/envoy-gateway.yaml patches it in.
    const [gatewayPort] = valueAt(
      readValues(path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/envoy-gateway.yaml')),
      'config.envoyGateway.envoyProxy.provider.kubernetes.envoyService.patch.value.spec.ports'.split('.'),
    ) as { nodePort: number }[];
    const hostPort = cluster.nodes[0].extraPortMappings.find(
      (m: { containerPort: number }) => m.containerPort === gatewayPort?.nodePort,
    )?.hostPort;
    const gateway = valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), ['gateway']) as {
      domain: string;
      hosts: Record<string, string>;
    };
    const url = (route: string) => `http://${gateway.hosts[route]}.${gateway.domain}:${hostPort}`;
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
      GATEWAY_HOST_PORT: String(hostPort),
      GATEWAY_DOMAIN: gateway.domain,
      GRAFANA_HOST_URL: url('grafana'),
      API_HOST_URL: url('api'),
      PROMETHEUS_HOST_URL: url('prometheus'),
      ALERTMANAGER_HOST_URL: url('alertmanager'),
      GRAFANA_SERVICE: STACK.grafana.service,
      GRAFANA_PORT: String(STACK.grafana.port),
      ALERTMANAGER_SERVICE: STACK.alertmanager.service,
      ALERTMANAGER_PORT: String(STACK.alertmanager.port),
    });
  });
});

/** Fakes of every tool kind-up.sh needs, new enough, with a Docker of `dockerMemoryBytes`; each succeeds. */
const toolsNewEnough = (dockerMemoryBytes: number) => ({
  docker: `[ "$1" = info ] && [ "$2" = --format ] && echo ${dockerMemoryBytes}; exit 0`,
  kind: '[ "$1" = version ] && echo "kind v0.31.0 go1.25 linux/amd64"; exit 0',
  kubectl: 'exit 0',
  helm: '[ "$1" = version ] && echo "v4.1.4+gabc"; [ "$1" = plugin ] && printf "diff\\t3.15.11\\n"; exit 0',
  helmfile: '[ "$1" = --version ] && echo "helmfile version 1.8.0"; exit 0',
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

  it('names what the sops environment needs besides: sops, the helm-secrets plugin and an age key', async () => {
    const box = sandbox(toolsNewEnough(8 * 2 ** 30));
    const { code, output } = await box.run(script('kind-up.sh'), [], { MENAGERIE_ENV: 'sops' });
    expect(code).to.not.equal(0);
    expect(output).to.include('missing: sops is not installed');
    expect(output).to.include('the helm-secrets plugin, which the sops environment needs, is not installed');
    expect(output).to.include('SOPS_AGE_KEY_FILE does not name a readable age key');
    expect(output).to.include('3 prerequisite(s) missing');
    expect(box.calls().filter((call) => /^(kind create|docker build)/.test(call))).to.deep.equal([]);
  });

  it('refuses a Docker with less memory than the stack needs', async () => {
    const box = sandbox(toolsNewEnough(2 * 2 ** 30));
    const { code, output } = await box.run(script('kind-up.sh'));
    expect(code).to.not.equal(0);
    expect(output).to.include('Docker has 2048 MiB of memory');
    expect(box.calls().filter((call) => /^(kind create|docker build)/.test(call))).to.deep.equal([]);
  });

  it('builds, loads and deploys the images under the tag of the current revision', async () => {
    const box = sandbox(toolsNewEnough(8 * 2 ** 30), ['git', 'sha256sum', 'xargs', 'cut']);
    const { code, output } = await box.run(script('kind-up.sh'), [], { CI: 'true' });
    expect(code, output).to.equal(0);
    const calls = box.calls();
    // The tag image_tag gives (its own test covers clean and dirty trees), the same everywhere.
    const head = (
      await execFileAsync('git', ['-C', REPOSITORY_ROOT, 'rev-parse', '--short=12', 'HEAD'])
    ).stdout.trim();
    const tag = / --tag menagerie-server:(\S+) /.exec(
      calls.find((call) => call.startsWith('docker build')) ?? '',
    )?.[1];
    expect(tag).to.match(new RegExp(`^${head}(-dirty-[0-9a-f]{8})?$`));
    for (const app of [SERVER.name, CLIENT.name]) {
      expect(
        calls.some((call) => call.startsWith('docker build') && call.includes(`--tag ${app}:${tag} `)),
      ).to.equal(true);
      expect(
        calls.some((call) => call.startsWith('docker save') && call.endsWith(` ${app}:${tag}`)),
      ).to.equal(true);
      expect(
        calls.some(
          (call) => /^kind load image-archive --name menagerie \S+\.tar$/.test(call) && call.includes(app),
        ),
      ).to.equal(true);
    }
    expect(calls.filter((call) => call.startsWith('helmfile') && call.includes(' apply'))).to.deep.equal([
      `helmfile --environment default --kube-context kind-menagerie --state-values-set imageTag=${tag} apply --suppress-diff`,
    ]);
  });
});

describe('scripts/flux-up.sh', () => {
  const fluxTools = {
    docker: 'exit 0',
    kind: 'exit 0',
    kubectl: 'case "$*" in *"-f -"*|*/dev/stdin*) cat >/dev/null ;; esac; exit 0',
    flux: 'exit 0',
  };
  const gitSource = { MENAGERIE_GIT_URL: 'https://git.example/fork.git', MENAGERIE_GIT_BRANCH: 'main' };

  it('names every missing prerequisite, the age key included, and changes nothing', async () => {
    const box = sandbox({}, ['git']);
    const { code, output } = await box.run(script('flux-up.sh'), [], gitSource);
    expect(code).to.not.equal(0);
    for (const tool of ['docker', 'kind', 'kubectl', 'flux']) {
      expect(output).to.include(`missing: ${tool} is not installed`);
    }
    expect(output).to.include('SOPS_AGE_KEY_FILE must name the age key file');
    expect(box.calls()).to.deep.equal([]);
  });

  it('installs the pinned Flux, gives it the age key through stdin, and points it at the repository', async () => {
    const box = sandbox(fluxTools, ['git']);
    const keyFile = path.join(box.root, 'age.key');
    writeFileSync(keyFile, 'the-private-age-key\n');
    const { code, output } = await box.run(script('flux-up.sh'), [], {
      ...gitSource,
      SOPS_AGE_KEY_FILE: keyFile,
      CI: 'true',
    });
    expect(code, output).to.equal(0);
    const calls = box.calls();
    const { stdout } = await execFileAsync('bash', [
      '-c',
      `source "${script('lib/stack.sh')}"; source "${script('lib/kind.sh')}"; echo "$MENAGERIE_FLUX_VERSION"`,
    ]);
    const appVersion = parse(
      readFileSync(path.join(REPOSITORY_ROOT, 'charts', SERVER.name, 'Chart.yaml'), 'utf8'),
    ).appVersion as string;
    // The images the HelmRelease runs: the chart's default tag.
    expect(
      calls.some(
        (call) => call.startsWith('docker build') && call.includes(`--tag ${SERVER.name}:${appVersion} `),
      ),
    ).to.equal(true);
    const flux = calls.filter((call) => /^(flux|kubectl apply -f deploy)/.test(call));
    expect(flux).to.deep.equal([
      `flux install --version=${stdout.trim()}`,
      'flux create source git flux-system --url=https://git.example/fork.git --branch=main --interval=1m',
      'kubectl apply -f deploy/flux/clusters/kind/menagerie.yaml',
      'flux reconcile kustomization menagerie --with-source --timeout=25m',
      'flux get helmreleases -n flux-system',
    ]);
    expect(calls).to.include(
      'kubectl -n flux-system create secret generic sops-age --from-file=age.agekey=/dev/stdin --dry-run=client -o yaml',
    );
    expect(calls.join('\n')).to.not.include('the-private-age-key');
    expect(output).to.include('delivered by Flux from https://git.example/fork.git (main)');
  });
});

describe('scripts/compose-up.sh', () => {
  it('names Docker and the missing upstream charts, and changes nothing', async () => {
    const box = sandbox();
    const { code, output } = await box.run(script('compose-up.sh'));
    expect(code).to.not.equal(0);
    expect(output).to.include('missing: docker is not installed');
    expect(output).to.include('MENAGERIE_UPSTREAM_CHARTS must name a folder');
    expect(box.calls()).to.deep.equal([]);
  });

  it('names a Docker without Compose v2', async () => {
    const box = sandbox({ docker: '[ "$1" = compose ] && exit 1; exit 0' });
    const { code, output } = await box.run(script('compose-up.sh'), [], {
      MENAGERIE_UPSTREAM_CHARTS: box.root,
    });
    expect(code).to.not.equal(0);
    expect(output).to.include('Docker Compose v2 (docker compose) is not installed');
    expect(output).to.not.include('MENAGERIE_UPSTREAM_CHARTS must');
    expect(box.calls()).to.deep.equal(['docker compose version']);
  });
});

describe('image_tag (scripts/lib/stack.sh)', () => {
  /** A throwaway git repository with the scripts in it, so image_tag sees its own work tree. */
  async function repository() {
    const root = makeTempDir('image-tag');
    mkdirSync(path.join(root, 'scripts/lib'), { recursive: true });
    copyFileSync(script('lib/stack.sh'), path.join(root, 'scripts/lib/stack.sh'));
    writeFileSync(path.join(root, 'app.ts'), 'one\n');
    const git = (...args: string[]) => execFileAsync('git', ['-C', root, ...args]);
    await git('init', '-q');
    await git('add', '.');
    await git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'first');
    const tag = async () =>
      (
        await execFileAsync('bash', [
          '-c',
          `MENAGERIE_ROOT="${root}"; source "${root}/scripts/lib/stack.sh"; image_tag`,
        ])
      ).stdout.trim();
    const head = (await git('rev-parse', '--short=12', 'HEAD')).stdout.trim();
    return { root, tag, head };
  }

  it('is the commit on a clean tree, and a new -dirty tag for every different change', async () => {
    const { root, tag, head } = await repository();
    expect(await tag()).to.equal(head);
    writeFileSync(path.join(root, 'app.ts'), 'two\n');
    const edited = await tag();
    expect(edited).to.match(new RegExp(`^${head}-dirty-[0-9a-f]{8}$`));
    expect(await tag()).to.equal(edited);
    writeFileSync(path.join(root, 'app.ts'), 'three\n');
    expect(await tag()).to.not.equal(edited);
    writeFileSync(path.join(root, 'app.ts'), 'one\n');
    expect(await tag()).to.equal(head);
    writeFileSync(path.join(root, 'new.ts'), 'untracked\n');
    expect(await tag()).to.match(new RegExp(`^${head}-dirty-[0-9a-f]{8}$`));
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
      ['menagerie', 'menagerie-pagerduty', 'routing-key', 'menagerie'],
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
      'kubectl -n menagerie label secret menagerie-pagerduty app.kubernetes.io/managed-by=Helm',
      'kubectl -n menagerie annotate secret menagerie-pagerduty meta.helm.sh/release-name=menagerie meta.helm.sh/release-namespace=menagerie',
    ]);
    // Created first, then given Helm's ownership metadata, so the release can take it over.
    expect(box.calls().slice(-3)[0]).to.include('create secret generic');
    expect(box.calls().join('\n')).to.not.include('s3cret');
    expect(output).to.include('created from PAGING_ROUTING_KEY');
  });

  it('leaves an existing Secret alone', async () => {
    const box = sandbox({ kubectl: 'exit 0' });
    const { code, output } = await box.run(script('ensure-paging-secret.sh'), [
      'menagerie',
      'menagerie-pagerduty',
      'routing-key',
      'menagerie',
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

describe('scripts/autoscale-demo.sh', () => {
  it('refuses a stack without the server HPA, naming the environment that has it, and changes nothing', async () => {
    const box = sandbox({
      kubectl: 'case "$*" in *horizontalpodautoscaler*) exit 1 ;; esac; exit 0',
      helm: 'exit 0',
    });
    const { code, output } = await box.run(script('autoscale-demo.sh'));
    expect(code).to.not.equal(0);
    expect(output).to.include(`no HorizontalPodAutoscaler ${SERVER.name} in namespace ${NAMESPACE}`);
    expect(output).to.include('MENAGERIE_ENV=autoscaling scripts/kind-up.sh');
    expect(box.calls().filter((call) => /^helm (upgrade|rollback)/.test(call))).to.deep.equal([]);
  });

  it('refuses a rate that is not a whole number of requests per second', async () => {
    const box = sandbox({ kubectl: 'exit 0', helm: 'exit 0' });
    const { code, output } = await box.run(script('autoscale-demo.sh'), [], { HIGH_RATE: '40/s' });
    expect(code).to.not.equal(0);
    expect(output).to.include("HIGH_RATE must be a whole number of requests per second, not '40/s'");
    expect(box.calls()).to.deep.equal([]);
  });
});

describe('scripts/ensure-object-storage-secret.sh', () => {
  /** A kubectl that has no such Secret yet and keeps what `create secret` reads from stdin. */
  const creating = (keep: string) => ({
    kubectl: [
      '[ "$3 $4" = "get secret" ] && exit 1',
      '[ "$1" = create ] && echo "kind: Namespace"',
      `case "$*" in *"-f -"*) cat >/dev/null ;; *"--from-env-file=/dev/stdin"*) cat >"${keep}" ;; esac`,
    ].join('\n'),
  });

  it('creates the Secret from the given keys, through stdin, never in the arguments', async () => {
    const kept = path.join(makeTempDir('object-storage'), 'env');
    const box = sandbox(creating(kept));
    const { code, output } = await box.run(
      script('ensure-object-storage-secret.sh'),
      ['menagerie', 'menagerie-object-storage'],
      {
        OBJECT_STORAGE_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        OBJECT_STORAGE_SECRET_ACCESS_KEY: 's3cret-key',
      },
    );
    expect(code, output).to.equal(0);
    expect(readFileSync(kept, 'utf8')).to.equal(
      'AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=s3cret-key\n',
    );
    expect(box.calls().join('\n')).to.not.include('s3cret-key').and.not.include('AKIAEXAMPLE');
    expect(box.calls()).to.include(
      'kubectl -n menagerie create secret generic menagerie-object-storage --from-env-file=/dev/stdin',
    );
    expect(output).to.include(
      'created from OBJECT_STORAGE_ACCESS_KEY_ID and OBJECT_STORAGE_SECRET_ACCESS_KEY',
    );
  });

  it('generates keys of S3 lengths when none are given, and leaves an existing Secret alone', async () => {
    const kept = path.join(makeTempDir('object-storage'), 'env');
    const generated = sandbox(creating(kept));
    const run = await generated.run(script('ensure-object-storage-secret.sh'), [
      'menagerie',
      'menagerie-object-storage',
    ]);
    expect(run.code, run.output).to.equal(0);
    expect(readFileSync(kept, 'utf8')).to.match(
      /^AWS_ACCESS_KEY_ID=[A-Z0-9]{20}\nAWS_SECRET_ACCESS_KEY=[A-Za-z0-9]{40}\n$/,
    );
    expect(run.output).to.include('created with generated keys');
    const existing = sandbox({ kubectl: 'exit 0' });
    const left = await existing.run(script('ensure-object-storage-secret.sh'), [
      'menagerie',
      'menagerie-object-storage',
    ]);
    expect(left.output).to.include('exists: left as it is');
    expect(existing.calls()).to.have.length(1);
  });
});
