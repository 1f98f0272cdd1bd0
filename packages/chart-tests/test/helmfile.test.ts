import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AVAILABILITY_SLO, LATENCY_SLO, NAMESPACE, RELEASE } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { isLocalDependency, readChart, UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import {
  effectiveValues,
  type Helmfile,
  type HelmfileRelease,
  readHelmfile,
  releaseValuesFiles,
  renderGotmpl,
  stateValues,
} from '@menagerie/tools/charts/helmfile';
import { findObject } from '@menagerie/tools/charts/manifests';
import { readValues, valueAt } from '@menagerie/tools/charts/values';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, render } from './support/render.ts';

const CRDS_RELEASE = 'prometheus-operator-crds';

describe('helmfile.yaml', () => {
  let helmfile: Helmfile;
  let umbrella: HelmfileRelease;

  before(() => {
    helmfile = readHelmfile();
    const found = helmfile.releases.find((release) => release.name === RELEASE);
    if (!found) throw new Error(`no release ${RELEASE}`);
    umbrella = found;
  });

  it('installs the umbrella from the repository as the contract release, in the contract namespace', () => {
    expect(umbrella.chart).to.equal('./charts/menagerie');
    expect(path.resolve(REPOSITORY_ROOT, umbrella.chart)).to.equal(UMBRELLA_DIR);
    expect(umbrella.namespace).to.equal(NAMESPACE);
  });

  it('installs the prometheus-operator CRDs first, as a release of their own the umbrella needs', () => {
    const crds = helmfile.releases.find((release) => release.name === CRDS_RELEASE);
    expect(crds?.chart).to.equal(`prometheus-community/${CRDS_RELEASE}`);
    expect(crds?.version).to.match(/^\d+\.\d+\.\d+$/);
    expect(umbrella.needs).to.include(`${crds?.namespace}/${CRDS_RELEASE}`);
    // and the in-cluster object store, where an environment enables it.
    expect(umbrella.needs).to.include(`${umbrella.namespace}/object-storage`);
    const kps = valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), [
      'kube-prometheus-stack',
      'crds',
    ]);
    expect(kps).to.deep.equal({ enabled: false });
  });

  it('diffs a first install without server-side validation where the release renders custom resources of the CRD release', async () => {
    // helm-diff renders with a server-side dry run before the CRD release is synced:
    // kinds whose CRDs do not exist yet fail the very first `helmfile apply`.
    const valuesFiles = await releaseValuesFiles(helmfile, umbrella, 'default');
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
    const customKinds = objects.filter((object) => object.apiVersion.startsWith('monitoring.coreos.com/'));
    expect(customKinds.map((object) => object.kind)).to.include.members(['ServiceMonitor', 'PrometheusRule']);
    expect(umbrella.disableValidationOnInstall).to.equal(true);
    const crds = helmfile.releases.find((release) => release.name === CRDS_RELEASE);
    expect(crds?.disableValidationOnInstall ?? false).to.equal(false);
  });

  it('knows a repository for every remote chart, at the URL Chart.yaml locks', () => {
    const repositories = new Map(
      helmfile.repositories.map((repository) => [repository.name, repository.url]),
    );
    for (const release of helmfile.releases.filter((each) => !each.chart.startsWith('./'))) {
      expect(repositories.has(release.chart.split('/')[0] ?? ''), release.chart).to.equal(true);
    }
    const urls = new Set(repositories.values());
    for (const dependency of (readChart(UMBRELLA_DIR).dependencies ?? []).filter(
      (d) => !isLocalDependency(d),
    )) {
      expect(urls.has(dependency.repository), `${dependency.name} from ${dependency.repository}`).to.equal(
        true,
      );
    }
  });

  it('waits, and rolls a failed release back, by default', () => {
    expect(helmfile.helmDefaults).to.deep.include({
      wait: true,
      waitForJobs: true,
      atomic: true,
      createNamespace: true,
    });
    expect(helmfile.helmDefaults.timeout).to.be.at.least(600);
  });

  it('refers only to values files and hook scripts that exist', () => {
    for (const release of helmfile.releases) {
      for (const entry of release.values ?? []) {
        if (typeof entry === 'string')
          expect(existsSync(path.join(REPOSITORY_ROOT, entry)), entry).to.equal(true);
      }
      for (const hook of release.hooks ?? [])
        expect(existsSync(path.join(REPOSITORY_ROOT, hook.command))).to.equal(true);
    }
    for (const [name, environment] of Object.entries(helmfile.environments)) {
      for (const entry of environment.values ?? []) {
        if (typeof entry === 'string')
          expect(existsSync(path.join(REPOSITORY_ROOT, entry)), `${name}: ${entry}`).to.equal(true);
      }
    }
  });

  it("creates the paging Secret the chart's Alertmanager mounts, in the release namespace", () => {
    const [hook] = umbrella.hooks ?? [];
    const paging = valueAt(readValues(path.join(UMBRELLA_DIR, 'values.yaml')), [
      'alerting',
      'pagingSecret',
    ]) as {
      name: string;
      key: string;
    };
    expect(hook?.events).to.deep.equal(['presync']);
    expect(hook?.args).to.deep.equal([umbrella.namespace, paging.name, paging.key, umbrella.name]);
  });

  it('has the default and ci environments, and alloy', () => {
    expect(Object.keys(helmfile.environments)).to.include.members(['default', 'ci', 'alloy']);
  });

  for (const environment of Object.keys(readHelmfile().environments)) {
    it(`renders the umbrella with the values the ${environment} environment passes to helm`, async () => {
      const valuesFiles = await releaseValuesFiles(helmfile, umbrella, environment);
      const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
      expect(await allSchemaProblems(objects)).to.deep.equal([]);
      const values = effectiveValues(UMBRELLA_DIR, valuesFiles);
      const collector = stateValues(helmfile, environment).logCollector;
      expect(valueAt(values, ['promtail', 'enabled'])).to.equal(collector === 'promtail');
      expect(valueAt(values, ['alloy', 'enabled'])).to.equal(collector === 'alloy');
      expect(findObject(objects, 'Deployment', 'menagerie-server')).to.not.equal(undefined);
    });
  }

  it('switches the log collector with one state value, and rejects an unknown one', async () => {
    const file = path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/log-collector.yaml.gotmpl');
    expect(parse(await renderGotmpl(file, { logCollector: 'alloy' }))).to.deep.equal({
      promtail: { enabled: false },
      alloy: { enabled: true },
    });
    expect(stateValues(helmfile, 'alloy').logCollector).to.equal('alloy');
    expect(stateValues(helmfile, 'default').logCollector).to.equal('promtail');
    let message = '';
    await renderGotmpl(file, { logCollector: 'fluentd' }).catch((error: Error) => {
      message = error.message;
    });
    expect(message).to.include('logCollector must be promtail or alloy');
  });

  it('switches prometheus-adapter and the server HPA together with one state value, and rejects anything but a boolean', async () => {
    const file = path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/autoscaling.yaml.gotmpl');
    expect(umbrella.values).to.include('deploy/helmfile/values/autoscaling.yaml.gotmpl');
    for (const [autoscaling, enabled] of [
      [true, true],
      ['true', true],
      [false, false],
    ] as const) {
      expect(parse(await renderGotmpl(file, { autoscaling }))).to.deep.equal({
        'prometheus-adapter': { enabled },
        'menagerie-server': { autoscaling: { enabled } },
      });
    }
    let message = '';
    await renderGotmpl(file, { autoscaling: 'yes' }).catch((error: Error) => {
      message = error.message;
    });
    expect(message).to.include('autoscaling must be true or false');
    expect(stateValues(helmfile, 'autoscaling').autoscaling).to.equal(true);
    expect(stateValues(helmfile, 'production').autoscaling).to.equal(true);
    expect(stateValues(helmfile, 'default').autoscaling).to.equal(false);
  });

  it('gives every environment the state value the object store release is conditioned on, as helmfile requires', () => {
    const conditions = helmfile.releases.flatMap((release) => (release.condition ? [release.condition] : []));
    expect(conditions).to.deep.equal(['inClusterObjectStorage.enabled']);
    for (const environment of Object.keys(helmfile.environments)) {
      expect(
        valueAt(stateValues(helmfile, environment), conditions[0]?.split('.') ?? []),
        environment,
      ).to.be.a('boolean');
    }
  });

  it('tags both app images with the state value imageTag, and leaves the appVersion when it is empty', async () => {
    const file = path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/images.yaml.gotmpl');
    expect(umbrella.values).to.include('deploy/helmfile/values/images.yaml.gotmpl');
    expect(parse(await renderGotmpl(file, { imageTag: '0123456789ab-dirty-cafe0123' }))).to.deep.equal({
      'menagerie-server': { image: { tag: '0123456789ab-dirty-cafe0123' } },
      'menagerie-client': { image: { tag: '0123456789ab-dirty-cafe0123' } },
    });
    expect(parse(await renderGotmpl(file, { imageTag: '' }))).to.equal(null);
    for (const environment of Object.keys(helmfile.environments)) {
      expect(stateValues(helmfile, environment), environment).to.have.property('imageTag', '');
    }
  });

  for (const environment of ['default', 'ci', 'alloy', 'restricted', 'autoscaling']) {
    it(`states in docs/deploy.md the retention the ${environment} environment really has`, async () => {
      const values = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, environment));
      const retention = {
        metrics: valueAt(values, ['kube-prometheus-stack', 'prometheus', 'prometheusSpec', 'retention']),
        logs: valueAt(values, ['loki', 'loki', 'limits_config', 'retention_period']),
        traces: valueAt(values, ['tempo', 'tempo', 'retention']),
      };
      const docs = readFileSync(path.join(REPOSITORY_ROOT, 'docs/deploy.md'), 'utf8');
      const row = docs.split('\n').find((line) => line.startsWith(`| \`${environment}\``)) ?? '';
      expect(row).to.include(`retention: metrics ${retention.metrics}, logs ${retention.logs}`);
      expect(row).to.include(`traces ${retention.traces}`);
    });
  }

  /** Prometheus durations and byte sizes as the operator takes them (31d, 8GB, 10Gi). */
  const days = (duration: string) => {
    const match = /^(\d+)([hdw])$/.exec(duration);
    if (!match) throw new Error(`unexpected duration ${duration}`);
    return Number(match[1]) / { h: 24, d: 1, w: 1 / 7 }[match[2] as 'h' | 'd' | 'w'];
  };
  const bytes = (size: string) => {
    const match = /^(\d+)(GB|Gi|MB|Mi)$/.exec(size);
    if (!match) throw new Error(`unexpected size ${size}`);
    return (
      Number(match[1]) * { GB: 1e9, Gi: 2 ** 30, MB: 1e6, Mi: 2 ** 20 }[match[2] as 'GB' | 'Gi' | 'MB' | 'Mi']
    );
  };
  const sloPeriodDays = Math.max(AVAILABILITY_SLO.windowDays, LATENCY_SLO.windowDays);

  for (const environment of ['default', 'alloy', 'restricted']) {
    it(`keeps at least the SLO period of metrics in the ${environment} environment, bounded by size on a volume`, async () => {
      const values = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, environment));
      const spec = ['kube-prometheus-stack', 'prometheus', 'prometheusSpec'];
      expect(days(valueAt(values, [...spec, 'retention']) as string)).to.be.at.least(sloPeriodDays);
      const volume = valueAt(values, [
        ...spec,
        'storageSpec',
        'volumeClaimTemplate',
        'spec',
        'resources',
        'requests',
        'storage',
      ]);
      expect(volume, 'a volume').to.be.a('string');
      expect(bytes(valueAt(values, [...spec, 'retentionSize']) as string)).to.be.below(
        bytes(volume as string),
      );
    });
  }

  it('keeps the ci environment throwaway: hours of metrics, no volume', async () => {
    const values = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, 'ci'));
    const spec = ['kube-prometheus-stack', 'prometheus', 'prometheusSpec'];
    expect(days(valueAt(values, [...spec, 'retention']) as string)).to.be.below(1);
    expect(valueAt(values, [...spec, 'storageSpec'])).to.equal(undefined);
  });

  it('leaves out of the restricted environment every pod that needs more than the restricted profile', async () => {
    const values = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, 'restricted'));
    // promtail (host paths, root) and node-exporter (host network, PID and paths).
    expect(valueAt(values, ['promtail', 'enabled'])).to.equal(false);
    expect(valueAt(values, ['alloy', 'enabled'])).to.equal(true);
    expect(valueAt(values, ['kube-prometheus-stack', 'nodeExporter', 'enabled'])).to.equal(false);
    const defaults = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, 'default'));
    expect(valueAt(defaults, ['kube-prometheus-stack', 'nodeExporter', 'enabled'])).to.not.equal(false);
  });

  it("applies the ci environment's own chart values", async () => {
    const values = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, 'ci'));
    expect(valueAt(values, ['loki', 'singleBinary', 'persistence', 'enabled'])).to.equal(false);
    const defaults = effectiveValues(UMBRELLA_DIR, await releaseValuesFiles(helmfile, umbrella, 'default'));
    expect(valueAt(defaults, ['loki', 'singleBinary', 'persistence', 'size'])).to.equal('2Gi');
  });
});

describe('deploy/kind/cluster.yaml', () => {
  const cluster = parse(readFileSync(path.join(REPOSITORY_ROOT, 'deploy/kind/cluster.yaml'), 'utf8'));
  const kindValues = readValues(path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/kind.yaml'));

  it('runs one node on a Kubernetes image pinned by digest', () => {
    expect(cluster.kind).to.equal('Cluster');
    expect(cluster.nodes).to.have.length(1);
    expect(cluster.nodes[0].image).to.match(/^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('publishes only the Gateway, on loopback: the UIs keep their ClusterIP Services', () => {
    const mappings = cluster.nodes[0].extraPortMappings as { containerPort: number; listenAddress: string }[];
    expect(mappings).to.have.length(1);
    for (const mapping of mappings) expect(mapping.listenAddress).to.equal('127.0.0.1');
    expect(valueAt(kindValues, ['gateway', 'enabled'])).to.equal(true);
    for (const service of [
      ['grafana'],
      ['kube-prometheus-stack', 'prometheus'],
      ['kube-prometheus-stack', 'alertmanager'],
    ]) {
      expect(valueAt(kindValues, [...service, 'service']), service.join('.')).to.equal(undefined);
    }
  });
});
