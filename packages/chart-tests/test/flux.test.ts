import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NAMESPACE, RELEASE } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR, umbrellaCopy, writeValuesFile } from '@menagerie/tools/charts/charts';
import {
  effectiveValues,
  type Helmfile,
  type HelmfileRelease,
  readHelmfile,
  releaseEnabled,
  releaseValuesFiles,
  stateValues,
} from '@menagerie/tools/charts/helmfile';
import type { K8sObject } from '@menagerie/tools/charts/manifests';
import { schemaProblems } from '@menagerie/tools/charts/validate';
import { mergeValues, readValues, type Values } from '@menagerie/tools/charts/values';
import {
  FLUX_DIR,
  type FluxObject,
  generatorFiles,
  type KustomizeFile,
  readFluxObjects,
  readKustomizeFile,
} from '@menagerie/tools/flux/tree';
import { scanText } from '@menagerie/tools/secrets/scan';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, render } from './support/render.ts';

const RELEASES_DIR = path.join(FLUX_DIR, 'releases');
const repositoryPath = (file: string) => path.relative(REPOSITORY_ROOT, file);

describe('GitOps: the Flux tree (deploy/flux)', () => {
  let helmfile: Helmfile;
  let objects: FluxObject[];
  let kustomize: KustomizeFile;
  const ofKind = (kind: string) =>
    objects.map((each) => each.object).filter((object) => object.kind === kind);
  const helmRelease = (name: string): K8sObject => {
    const found = ofKind('HelmRelease').find((object) => object.metadata.name === name);
    if (!found) throw new Error(`no HelmRelease ${name}`);
    return found;
  };
  const helmfileRelease = (name: string): HelmfileRelease => {
    const found = helmfile.releases.find((release) => release.name === name);
    if (!found) throw new Error(`helmfile.yaml has no release ${name}`);
    return found;
  };
  /** The files a HelmRelease's valuesFrom ConfigMaps and Secrets are generated from. */
  const valuesFromFiles = (release: K8sObject): string[] =>
    (release.spec.valuesFrom ?? []).flatMap((ref: { kind: string; name: string }) => {
      const generators = ref.kind === 'Secret' ? kustomize.secretGenerator : kustomize.configMapGenerator;
      const generator = generators?.find((each) => each.name === ref.name);
      if (!generator) throw new Error(`no ${ref.kind} generator ${ref.name}`);
      return Object.values(generatorFiles(RELEASES_DIR, generator.files)).map(repositoryPath);
    });

  before(() => {
    helmfile = readHelmfile();
    objects = readFluxObjects();
    kustomize = readKustomizeFile(RELEASES_DIR);
  });

  it('holds only objects that validate against the Flux schemas', () => {
    expect(objects.map(({ object }) => object.kind)).to.include.members([
      'Kustomization',
      'HelmRepository',
      'OCIRepository',
      'HelmRelease',
    ]);
    for (const { file, object } of objects) {
      expect(object.apiVersion, file).to.match(/\.toolkit\.fluxcd\.io\//);
      expect(schemaProblems(object), file).to.deep.equal([]);
    }
  });

  it('catches what the Flux schemas refuse: an unknown drift mode or remediation strategy, a non-OCI URL', () => {
    const release = structuredClone(helmRelease(RELEASE));
    release.spec.driftDetection.mode = 'on';
    release.spec.upgrade.remediation.strategy = 'undo';
    const problems = schemaProblems(release).join('\n');
    expect(problems).to.include('driftDetection/mode must be equal to one of the allowed values');
    expect(problems).to.include('remediation/strategy must be equal to one of the allowed values');
    const [oci] = ofKind('OCIRepository');
    expect(
      schemaProblems({ ...oci, spec: { ...oci?.spec, url: 'https://docker.io/envoyproxy' } } as K8sObject)[0],
    ).to.include('must match pattern "^oci://.*$"');
  });

  it('builds from files that exist, in one namespace', () => {
    expect(kustomize.namespace).to.equal('flux-system');
    for (const file of [...(kustomize.resources ?? []), ...(kustomize.configurations ?? [])]) {
      expect(existsSync(path.join(RELEASES_DIR, file)), file).to.equal(true);
    }
    for (const generator of [...(kustomize.configMapGenerator ?? []), ...(kustomize.secretGenerator ?? [])]) {
      for (const file of Object.values(generatorFiles(RELEASES_DIR, generator.files))) {
        expect(existsSync(file), `${generator.name}: ${file}`).to.equal(true);
      }
    }
    // Every object file of the folder is listed, so none is silently left out of the build.
    const listed = new Set(
      (kustomize.resources ?? []).map((file) => path.join('deploy/flux/releases', file)),
    );
    const inFolder = new Set(
      objects.map(({ file }) => file).filter((file) => file.startsWith('deploy/flux/releases/')),
    );
    expect([...inFolder].sort()).to.deep.equal([...listed].sort());
  });

  /** The helmfile releases the kind set-up (the default environment) installs: Flux delivers the same. */
  const deliveredReleases = () =>
    helmfile.releases.filter((release) => releaseEnabled(release, stateValues(helmfile, 'default')));

  it('has one HelmRelease per helmfile release of the default environment, with its name and namespace', () => {
    const releases = ofKind('HelmRelease');
    expect(releases.map((release) => release.spec.releaseName).sort()).to.deep.equal(
      deliveredReleases()
        .map((release) => release.name)
        .sort(),
    );
    for (const release of releases) {
      const declared = helmfileRelease(release.spec.releaseName);
      expect(release.metadata.name).to.equal(declared.name);
      expect(release.spec.targetNamespace, declared.name).to.equal(declared.namespace);
      // The release record stays beside the objects, where helm and the rollback demo look for it.
      expect(release.spec.storageNamespace, declared.name).to.equal(declared.namespace);
    }
  });

  it('installs the CRD releases first: dependsOn is what the helmfile needs', () => {
    for (const release of ofKind('HelmRelease')) {
      const delivered = deliveredReleases().map((each) => each.name);
      // helmfile skips a need on a release the environment does not install.
      const needs = (helmfileRelease(release.metadata.name).needs ?? [])
        .map((need) => need.split('/')[1])
        .filter((name) => delivered.includes(name as string));
      const dependsOn = (release.spec.dependsOn ?? []).map((dependency: { name: string }) => dependency.name);
      expect(dependsOn.sort(), release.metadata.name).to.deep.equal(needs.sort());
    }
    expect(helmRelease(RELEASE).spec.dependsOn).to.deep.include({ name: 'prometheus-operator-crds' });
  });

  it("takes each upstream chart from the helmfile's repository, at its version", () => {
    const repositories = new Map(
      helmfile.repositories.map((repository) => [
        repository.name,
        repository as { url: string; oci?: boolean },
      ]),
    );
    const sources = new Map(
      [...ofKind('HelmRepository'), ...ofKind('OCIRepository')].map((source) => [
        `${source.kind}/${source.metadata.name}`,
        source,
      ]),
    );
    for (const release of ofKind('HelmRelease').filter((each) => each.metadata.name !== RELEASE)) {
      const declared = helmfileRelease(release.metadata.name);
      const [repositoryName, chart] = declared.chart.split('/');
      const repository = repositories.get(repositoryName ?? '');
      if (release.spec.chartRef) {
        const source = sources.get(`${release.spec.chartRef.kind}/${release.spec.chartRef.name}`);
        expect(repository?.oci, declared.name).to.equal(true);
        expect(source?.spec.url).to.equal(`oci://${repository?.url}/${chart}`);
        expect(source?.spec.ref).to.deep.equal({ tag: declared.version });
      } else {
        const spec = release.spec.chart.spec;
        const source = sources.get(`${spec.sourceRef.kind}/${spec.sourceRef.name}`);
        expect(spec.chart).to.equal(chart);
        expect(spec.version).to.equal(declared.version);
        expect(source?.spec.url).to.equal(repository?.url);
      }
    }
  });

  it('gives the upstream releases values generated from the files the helmfile passes them', () => {
    for (const release of ofKind('HelmRelease').filter((each) => each.metadata.name !== RELEASE)) {
      const declared = (helmfileRelease(release.metadata.name).values ?? []) as string[];
      expect(valuesFromFiles(release), release.metadata.name).to.deep.equal(declared);
    }
  });

  it("delivers the umbrella from this repository with the default environment's values and the encrypted key", async () => {
    const release = helmRelease(RELEASE);
    const spec = release.spec.chart.spec;
    expect(path.resolve(REPOSITORY_ROOT, spec.chart)).to.equal(UMBRELLA_DIR);
    expect(spec.sourceRef).to.deep.equal({ kind: 'GitRepository', name: 'flux-system' });
    expect(spec.reconcileStrategy).to.equal('Revision');
    const umbrella = helmfileRelease(RELEASE);
    // Flux starts from the listed files only; the helmfile's templates render to what they already hold.
    const plainFiles = (umbrella.values as string[]).filter((file) => !file.endsWith('.gotmpl'));
    expect(spec.valuesFiles.map((file: string) => path.normalize(file))).to.deep.equal([
      repositoryPath(path.join(UMBRELLA_DIR, 'values.yaml')),
      ...plainFiles,
    ]);
    const fluxValues = spec.valuesFiles
      .map((file: string) => readValues(path.join(REPOSITORY_ROOT, file)))
      .reduce((merged: Values, values: Values) => mergeValues(merged, values), {});
    const helmfileValues = effectiveValues(
      UMBRELLA_DIR,
      await releaseValuesFiles(helmfile, umbrella, 'default'),
    );
    expect(fluxValues).to.deep.equal(helmfileValues);
    // The paging key: the file helmfile's sops environment decrypts.
    expect(valuesFromFiles(release)).to.deep.equal(helmfile.environments.sops?.secrets);
    const rendered = await render(umbrellaCopy(), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: [
        writeValuesFile(fluxValues),
        writeValuesFile({ alerting: { pagingSecret: { routingKey: 'decrypted' } } }),
      ],
    });
    expect(rendered.some((object) => object.kind === 'Gateway')).to.equal(true);
    expect(
      rendered.some((object) => object.kind === 'Secret' && object.metadata.name === 'menagerie-pagerduty'),
    ).to.equal(true);
    expect(await allSchemaProblems(rendered)).to.deep.equal([]);
  });

  it('detects drift, and remediates a failed install or upgrade (an upgrade by rolling back)', () => {
    for (const release of ofKind('HelmRelease')) {
      const name = release.metadata.name;
      expect(release.spec.driftDetection, name).to.deep.equal({ mode: 'enabled' });
      expect(release.spec.install.remediation.retries, name).to.be.greaterThan(0);
      expect(release.spec.upgrade.remediation, name).to.deep.include({ strategy: 'rollback' });
      expect(release.spec.upgrade.remediation.retries, name).to.be.greaterThan(0);
      expect(release.spec.upgrade.cleanupOnFail, name).to.equal(true);
    }
    expect(helmRelease(RELEASE).spec.test).to.deep.equal({ enable: true });
  });

  it('reconciles the releases folder from the bootstrap source, decrypting SOPS files with the age key', () => {
    const [cluster, ...others] = readFluxObjects(path.join(FLUX_DIR, 'clusters/kind')).map(
      ({ object }) => object,
    );
    expect(others).to.deep.equal([]);
    expect(cluster?.kind).to.equal('Kustomization');
    expect(cluster?.spec.sourceRef).to.deep.equal({ kind: 'GitRepository', name: 'flux-system' });
    expect(path.resolve(REPOSITORY_ROOT, cluster?.spec.path)).to.equal(RELEASES_DIR);
    expect(cluster?.spec).to.deep.include({ prune: true, wait: true });
    expect(cluster?.spec.decryption).to.deep.equal({ provider: 'sops', secretRef: { name: 'sops-age' } });
    for (const generator of kustomize.secretGenerator ?? []) {
      for (const file of Object.values(generatorFiles(RELEASES_DIR, generator.files))) {
        const text = readFileSync(file, 'utf8');
        expect(parse(text).sops, file).to.be.an('object');
        expect(scanText(repositoryPath(file), text)).to.deep.equal([]);
      }
    }
  });
});
