import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NAMESPACE, RELEASE } from '@menagerie/contract';
import {
  isLocalDependency,
  makeTempDir,
  readChart,
  UMBRELLA_DIR,
  umbrellaCopy,
} from '@menagerie/tools/charts/charts';
import {
  readHelmfile,
  releaseEnabled,
  releaseValuesFiles,
  stateValuesSet,
} from '@menagerie/tools/charts/helmfile';
import { parseManifests } from '@menagerie/tools/charts/manifests';
import { restrictedProfileProblems, restrictedViolations } from '@menagerie/tools/charts/pod-security';
import { resolveDnsSrv } from '@menagerie/tools/charts/wiring';
import { expect } from 'chai';
import { render } from './support/render.ts';

/** A pod spec the restricted profile admits. */
const RESTRICTED = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
  volumes: [{ name: 'tmp', emptyDir: {} }],
};

describe('the restricted Pod Security profile check', () => {
  it('admits a pod that sets what restricted asks, at pod or container level', () => {
    expect(restrictedViolations(RESTRICTED)).to.deep.equal([]);
    const perContainer = {
      containers: [
        {
          name: 'app',
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'Localhost' },
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
          },
        },
      ],
    };
    expect(restrictedViolations(perContainer)).to.deep.equal([]);
  });

  it('names each rule a pod breaks, init containers included', () => {
    const [container] = RESTRICTED.containers;
    if (!container) throw new Error('no container');
    const broken = {
      ...RESTRICTED,
      hostNetwork: true,
      volumes: [{ name: 'proc', hostPath: { path: '/proc' } }],
      initContainers: [{ name: 'setup', securityContext: { privileged: true } }],
      containers: [
        { ...container, ports: [{ containerPort: 9100, hostPort: 9100 }] },
        { name: 'root', securityContext: { ...container.securityContext, runAsUser: 0 } },
        {
          name: 'caps',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['SYS_ADMIN'] } },
        },
      ],
    };
    expect(restrictedViolations(broken)).to.have.members([
      'hostNetwork is true',
      'volume proc is a hostPath',
      'container setup is privileged',
      'container setup does not set allowPrivilegeEscalation: false',
      'container setup does not drop ALL capabilities',
      'container app uses a hostPort',
      'container root runs as user 0',
      'container caps does not drop ALL capabilities',
      'container caps adds capability SYS_ADMIN',
    ]);
    const unconfined = {
      ...RESTRICTED,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } },
    };
    expect(restrictedViolations(unconfined)).to.include(
      'container app has no RuntimeDefault or Localhost seccomp profile',
    );
    expect(restrictedViolations({ ...RESTRICTED, securityContext: {} })).to.include.members([
      'container app does not run as non-root',
    ]);
  });

  it('passes every pod the restricted environment renders from our own charts', async () => {
    const helmfile = readHelmfile();
    const release = helmfile.releases.find((each) => each.name === RELEASE);
    if (!release) throw new Error(`no release ${RELEASE}`);
    const valuesFiles = await releaseValuesFiles(helmfile, release, 'restricted');
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
    expect(objects.filter((object) => ['Deployment', 'Pod'].includes(object.kind)).length).to.be.greaterThan(
      2,
    );
    expect(restrictedProfileProblems(objects)).to.deep.equal([]);
  });
});

describe('the full render tools', () => {
  it("read a v1 List's items as objects, as kubectl applies them", () => {
    const objects = parseManifests(`apiVersion: v1
kind: List
metadata:
  name: kps-prometheus-serviceperreplica
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: kps-prometheus-0}
  - apiVersion: v1
    kind: Service
    metadata: {name: kps-prometheus-1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: plain}
`);
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).to.deep.equal([
      'Service/kps-prometheus-0',
      'Service/kps-prometheus-1',
      'ConfigMap/plain',
    ]);
  });

  it('resolve a Thanos DNS SRV endpoint to a Service with a port of that name', () => {
    const objects = parseManifests(`apiVersion: v1
kind: Service
metadata: {name: kps-thanos-discovery}
spec:
  ports: [{name: grpc, port: 10901}]
`);
    const endpoint = (service: string, port = 'grpc') =>
      `dnssrv+_${port}._tcp.${service}.${NAMESPACE}.svc.cluster.local`;
    expect(resolveDnsSrv(endpoint('kps-thanos-discovery'), objects, NAMESPACE)).to.have.property('service');
    expect(resolveDnsSrv(endpoint('kps-thanos-discovery', 'http'), objects, NAMESPACE)).to.deep.equal({
      problem: `${endpoint('kps-thanos-discovery', 'http')}: Service kps-thanos-discovery has no port named http`,
    });
    expect(resolveDnsSrv(endpoint('missing'), objects, NAMESPACE)).to.have.property('problem');
    expect(resolveDnsSrv('kps-thanos-discovery:10901', objects, NAMESPACE)).to.have.property('problem');
  });

  it('read --state-values-set pairs as helmfile does, and release conditions from them', () => {
    const state = stateValuesSet(['inClusterObjectStorage.enabled=true', 'imageTag=abc', 'cluster.nodes=4']);
    expect(state).to.deep.equal({
      inClusterObjectStorage: { enabled: true },
      imageTag: 'abc',
      cluster: { nodes: 4 },
    });
    const release = { name: 'x', namespace: 'y', chart: 'z', condition: 'inClusterObjectStorage.enabled' };
    expect(releaseEnabled(release, state)).to.equal(true);
    expect(releaseEnabled(release, { inClusterObjectStorage: { enabled: false } })).to.equal(false);
    expect(releaseEnabled({ name: 'x', namespace: 'y', chart: 'z' }, {})).to.equal(true);
    expect(() => stateValuesSet(['no-value'])).to.throw('not key=value');
  });

  it('vendor an unpacked chart with the dependencies it asks for, at the versions it asks for only', () => {
    const upstream = makeTempDir('upstream');
    const chart = (name: string, version: string, dependencies = '') => {
      mkdirSync(path.join(upstream, name, 'templates'), { recursive: true });
      writeFileSync(
        path.join(upstream, name, 'Chart.yaml'),
        `apiVersion: v2\nname: ${name}\nversion: ${version}\n${dependencies}`,
      );
    };
    // A stand-in for every remote dependency the umbrella names; tempo-distributed asks for two nested charts.
    const nested = `dependencies:
  - {name: wanted, version: 1.2.3, repository: https://example.invalid}
  - {name: other-version, version: 0.50.0, repository: https://example.invalid}
`;
    for (const dependency of readChart(UMBRELLA_DIR).dependencies ?? []) {
      if (isLocalDependency(dependency)) continue;
      chart(dependency.name, dependency.version, dependency.name === 'tempo-distributed' ? nested : '');
    }
    chart('wanted', '1.2.3');
    chart('other-version', '0.51.1');
    const vendored = umbrellaCopy({ upstreamDir: upstream });
    const nestedCharts = readdirSync(path.join(vendored, 'charts', 'tempo-distributed', 'charts'));
    expect(nestedCharts).to.deep.equal(['wanted']);
  });
});
