import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NAMESPACE, RELEASE, SERVER, STACK } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import { helm, helmTemplateError } from '@menagerie/tools/charts/helm';
import { type Helmfile, readHelmfile, releaseValuesFiles } from '@menagerie/tools/charts/helmfile';
import { findObject, type K8sObject, ofKind, podLabelsOf, selects } from '@menagerie/tools/charts/manifests';
import { schemaProblems } from '@menagerie/tools/charts/validate';
import { readValues, type Values, valueAt } from '@menagerie/tools/charts/values';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, render } from './support/render.ts';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const ENVOY_GATEWAY = 'envoy-gateway';
const ROUTES = ['grafana', 'api', 'prometheus', 'alertmanager'] as const;

const umbrellaValues = readValues(path.join(UMBRELLA_DIR, 'values.yaml'));
const gatewayValue = (...keys: string[]) => valueAt(umbrellaValues, ['gateway', ...keys]);
const envoyGatewayValues = readValues(
  path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/envoy-gateway.yaml'),
);
const envoyProxyDefaults = valueAt(envoyGatewayValues, ['config', 'envoyGateway', 'envoyProxy']) as Values;
const kindCluster = parse(readFileSync(path.join(REPOSITORY_ROOT, 'deploy/kind/cluster.yaml'), 'utf8'));

/** The Service each route must reach: the contract's names and ports. */
const BACKEND: Record<(typeof ROUTES)[number], { service: string; port: number }> = {
  grafana: STACK.grafana,
  api: { service: SERVER.name, port: SERVER.port },
  prometheus: STACK.prometheus,
  alertmanager: STACK.alertmanager,
};

/** The proxy Service patch that fixes the listener's node port. */
function nodePortPatch(): { port: number; nodePort: number }[] {
  const service = valueAt(envoyProxyDefaults, ['provider', 'kubernetes', 'envoyService']) as Values;
  expect(service.type).to.equal('NodePort');
  expect(valueAt(service, ['patch', 'type'])).to.equal('StrategicMerge');
  return valueAt(service, ['patch', 'value', 'spec', 'ports']) as { port: number; nodePort: number }[];
}

describe('the way in: Gateway API', () => {
  let helmfile: Helmfile;
  let objects: K8sObject[];

  before(async () => {
    helmfile = readHelmfile();
    const umbrella = helmfile.releases.find((release) => release.name === RELEASE);
    if (!umbrella) throw new Error(`no release ${RELEASE}`);
    objects = await render(umbrellaCopy(), {
      release: RELEASE,
      namespace: NAMESPACE,
      valuesFiles: await releaseValuesFiles(helmfile, umbrella, 'default'),
    });
  });

  it('is one switch, off in the chart and on for kind', async () => {
    expect(gatewayValue('enabled')).to.equal(false);
    const off = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE });
    expect(off.filter((object) => object.apiVersion.startsWith('gateway.networking.k8s.io/'))).to.deep.equal(
      [],
    );
    expect(ofKind(off, 'NetworkPolicy').map((policy) => policy.metadata.name)).to.have.members([
      SERVER.name,
      'menagerie-client',
    ]);
    const kind = readValues(path.join(REPOSITORY_ROOT, 'deploy/helmfile/values/kind.yaml'));
    expect(valueAt(kind, ['gateway', 'enabled'])).to.equal(true);
    expect(ofKind(objects, 'HTTPRoute')).to.have.length(ROUTES.length);
  });

  it('renders a GatewayClass, a Gateway and the routes that validate against the Gateway API schemas', async () => {
    const gatewayObjects = objects.filter((object) => object.apiVersion === GATEWAY_API);
    expect(gatewayObjects.map((object) => object.kind).sort()).to.deep.equal(
      ['Gateway', 'GatewayClass', ...ROUTES.map(() => 'HTTPRoute')].sort(),
    );
    expect(await allSchemaProblems(gatewayObjects)).to.deep.equal([]);
  });

  it('catches what the Gateway API schemas refuse: a host name with capitals, an unknown path match', () => {
    const route = findObject(objects, 'HTTPRoute', `${gatewayValue('name')}-grafana`);
    const broken = structuredClone(route);
    broken.spec.hostnames = ['Grafana.Menagerie.localhost'];
    broken.spec.rules[0].matches[0].path.type = 'Prefix';
    const problems = schemaProblems(broken).join('\n');
    expect(problems).to.include('hostnames/0 must match pattern');
    expect(problems).to.include('path/type must be equal to one of the allowed values');
    expect(schemaProblems({ ...route, kind: 'HTTPRoutes' })[0]).to.include('no schema');
  });

  it('routes each host name to the Service and port the contract names, through the one listener', () => {
    const gateway = findObject(objects, 'Gateway', gatewayValue('name') as string);
    const [listener, ...others] = gateway.spec.listeners;
    expect(others).to.deep.equal([]);
    expect(listener).to.deep.include({ protocol: 'HTTP', port: gatewayValue('port') });
    expect(listener.hostname).to.equal(`*.${gatewayValue('domain')}`);
    expect(gatewayValue('domain')).to.match(/\.localhost$/);
    const hosts = new Set<string>();
    for (const route of ROUTES) {
      const object = findObject(objects, 'HTTPRoute', `${gateway.metadata.name}-${route}`);
      expect(object.metadata.namespace).to.equal(gateway.metadata.namespace);
      expect(object.spec.parentRefs).to.deep.equal([
        { name: gateway.metadata.name, sectionName: listener.name },
      ]);
      const [hostname] = object.spec.hostnames;
      expect(hostname).to.equal(`${gatewayValue('hosts', route)}.${gatewayValue('domain')}`);
      hosts.add(hostname);
      const [rule] = object.spec.rules;
      expect(rule.matches).to.deep.equal([{ path: { type: 'PathPrefix', value: '/' } }]);
      expect(rule.backendRefs).to.deep.equal([{ name: BACKEND[route].service, port: BACKEND[route].port }]);
    }
    expect(hosts.size).to.equal(ROUTES.length);
  });

  it('moves a route with the Service port it reaches', async () => {
    const moved = await render(umbrellaCopy(), {
      release: RELEASE,
      namespace: NAMESPACE,
      set: { 'gateway.enabled': 'true', 'grafana.service.port': '8088' },
      showOnly: 'templates/httproutes.yaml',
    });
    const route = findObject(moved, 'HTTPRoute', `${gatewayValue('name')}-grafana`);
    expect(route.spec.rules[0].backendRefs).to.deep.equal([{ name: STACK.grafana.service, port: 8088 }]);
  });

  it("belongs to the implementation's controller: the GatewayClass names Envoy Gateway's controller", () => {
    const gatewayClass = findObject(objects, 'GatewayClass', gatewayValue('gatewayClass', 'name') as string);
    const controller = valueAt(envoyGatewayValues, ['config', 'envoyGateway', 'gateway', 'controllerName']);
    expect(gatewayClass.spec.controllerName).to.equal(controller);
    expect(findObject(objects, 'Gateway', gatewayValue('name') as string).spec.gatewayClassName).to.equal(
      gatewayClass.metadata.name,
    );
  });

  it('opens the server to the Gateway proxies of this Gateway only, in their namespace, on its port only', () => {
    const policy = findObject(objects, 'NetworkPolicy', `${SERVER.name}-from-gateway`);
    const server = findObject(objects, 'Deployment', SERVER.name);
    expect(selects(policy.spec.podSelector.matchLabels, podLabelsOf(server))).to.equal(true);
    expect(
      selects(
        policy.spec.podSelector.matchLabels,
        podLabelsOf(findObject(objects, 'Deployment', 'menagerie-client')),
      ),
    ).to.equal(false);
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress']);
    const [rule, ...more] = policy.spec.ingress;
    expect(more).to.deep.equal([]);
    expect(rule.ports).to.deep.equal([{ port: SERVER.port, protocol: 'TCP' }]);
    const [peer, ...otherPeers] = rule.from;
    expect(otherPeers).to.deep.equal([]);
    // Envoy Gateway runs the proxies in its release's namespace, labelled with the Gateway they serve.
    const release = helmfile.releases.find((each) => each.name === ENVOY_GATEWAY);
    expect(peer.namespaceSelector.matchLabels).to.deep.equal({
      'kubernetes.io/metadata.name': release?.namespace,
    });
    const proxyOfThisGateway = {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': gatewayValue('name') as string,
      'gateway.envoyproxy.io/owning-gateway-namespace': NAMESPACE,
    };
    expect(selects(peer.podSelector.matchLabels, proxyOfThisGateway)).to.equal(true);
    for (const [label, other] of [
      ['gateway.envoyproxy.io/owning-gateway-name', 'another-gateway'],
      ['gateway.envoyproxy.io/owning-gateway-namespace', 'another-namespace'],
    ] as const) {
      expect(
        selects(peer.podSelector.matchLabels, { ...proxyOfThisGateway, [label]: other }),
        label,
      ).to.equal(false);
    }
    // The server chart's own policy is unchanged: it does not admit the proxies.
    const own = findObject(objects, 'NetworkPolicy', SERVER.name);
    // biome-ignore lint/suspicious/noExplicitAny: rendered peers
    expect(own.spec.ingress[0].from.some((each: any) => each.namespaceSelector)).to.equal(false);
  });

  it("publishes the proxies' listener port on one loopback port of the kind host", () => {
    const [patch, ...others] = nodePortPatch();
    expect(others).to.deep.equal([]);
    expect(patch?.port, "the Service port is the Gateway listener's").to.equal(gatewayValue('port'));
    const mappings = kindCluster.nodes[0].extraPortMappings as {
      containerPort: number;
      hostPort: number;
      listenAddress: string;
    }[];
    expect(mappings).to.deep.equal([
      {
        containerPort: patch?.nodePort,
        hostPort: mappings[0]?.hostPort,
        listenAddress: '127.0.0.1',
        protocol: 'TCP',
      },
    ]);
    expect(patch?.nodePort).to.be.within(30000, 32767);
  });

  it('gives the proxies defaults that validate as an Envoy Gateway EnvoyProxy, and the schema catches a bad one', () => {
    const envoyProxy = (spec: Values): K8sObject => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: 'defaults' },
      spec,
    });
    expect(schemaProblems(envoyProxy(envoyProxyDefaults))).to.deep.equal([]);
    const broken = structuredClone(envoyProxyDefaults);
    (valueAt(broken, ['provider', 'kubernetes', 'envoyService']) as Values).type = 'Ingress';
    expect(schemaProblems(envoyProxy(broken)).join('\n')).to.include(
      'type must be equal to one of the allowed values',
    );
    const container = valueAt(envoyProxyDefaults, ['provider', 'kubernetes', 'envoyDeployment', 'container']);
    expect(valueAt(container, ['resources', 'requests'])).to.have.keys('cpu', 'memory');
  });

  it('installs Envoy Gateway, with the Gateway API CRDs, pinned, before the umbrella', () => {
    const controller = helmfile.releases.find((release) => release.name === ENVOY_GATEWAY);
    const umbrella = helmfile.releases.find((release) => release.name === RELEASE);
    expect(controller?.chart).to.equal('envoyproxy/gateway-helm');
    expect(controller?.version).to.match(/^v\d+\.\d+\.\d+$/);
    expect(umbrella?.needs).to.include(`${controller?.namespace}/${ENVOY_GATEWAY}`);
    expect(controller?.namespace).to.equal(gatewayValue('proxyPods', 'namespace'));
    const repository = helmfile.repositories.find((each) => each.name === 'envoyproxy') as
      | { url: string; oci?: boolean }
      | undefined;
    expect(repository).to.deep.equal({ name: 'envoyproxy', url: 'docker.io/envoyproxy', oci: true });
    // From the chart's crds/ folder: Envoy Gateway's CRD chart, as templates, overflows a release record's 1 MiB.
    expect(valueAt(envoyGatewayValues, ['crds', 'enabled'])).to.equal(true);
  });

  it('refuses gateway values the schema does not allow', async () => {
    const chartDir = umbrellaCopy();
    for (const [set, message] of [
      [{ 'gateway.domain': 'Menagerie_Localhost' }, "at '/gateway/domain'"],
      [{ 'gateway.hosts.grafana': 'a.b' }, "at '/gateway/hosts/grafana'"],
      [{ 'gateway.port': '70000' }, "at '/gateway/port'"],
      [{ 'gateway.ingress': 'true' }, "additional properties 'ingress' not allowed"],
    ] as const) {
      expect(await helmTemplateError(chartDir, { set }), JSON.stringify(set)).to.include(message);
    }
  });

  it('tells the user in NOTES.txt the host names, and keeps the port-forward fallback', async () => {
    const chartDir = umbrellaCopy();
    const result = await helm([
      'install',
      RELEASE,
      chartDir,
      '-n',
      NAMESPACE,
      '--dry-run=client',
      '--set',
      'gateway.enabled=true',
    ]);
    expect(result.ok, result.stderr).to.equal(true);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    for (const route of ROUTES) {
      expect(notes).to.include(`http://${gatewayValue('hosts', route)}.${gatewayValue('domain')}`);
    }
    for (const { service, port } of [STACK.grafana, STACK.prometheus, STACK.alertmanager]) {
      expect(notes).to.include(`port-forward svc/${service}`).and.include(`:${port}`);
    }
  });
});
