import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CLIENT,
  CLIENT_ENV,
  COMMON_METRICS,
  NAMESPACE,
  OTEL_ENV,
  OTLP,
  PATHS,
  RELEASE,
  SERVER,
  SERVER_ENV,
  STACK,
} from '@menagerie/contract';
import {
  APP_LIBRARY_CHART_DIR,
  CLIENT_CHART_DIR,
  readChart,
  SERVER_CHART_DIR,
  standaloneChart,
  writeValuesFile,
} from '@menagerie/tools/charts/charts';
import { helmLint, helmTemplateError } from '@menagerie/tools/charts/helm';
import { criticalFindings, kubeScore } from '@menagerie/tools/charts/kube-score';
import {
  envValue,
  findObject,
  type K8sObject,
  ofKind,
  podLabelsOf,
  podSpecOf,
  selects,
  workloads,
} from '@menagerie/tools/charts/manifests';
import { serviceTarget } from '@menagerie/tools/charts/wiring';
import { expect } from 'chai';
import { allSchemaProblems, render } from './support/render.ts';

interface AppChart {
  readonly dir: string;
  readonly identity: { name: string; port: number; portName: string; container: string };
  readonly env: Readonly<Record<string, string>>;
  /** Env vars of the contract the chart has no value for: extraEnv sets them. */
  readonly envOnlyThroughExtraEnv: readonly string[];
  /** Non-default values that switch every optional part on. */
  readonly everything: Record<string, unknown>;
}

const APPS: readonly AppChart[] = [
  {
    dir: SERVER_CHART_DIR,
    identity: SERVER,
    env: SERVER_ENV,
    envOnlyThroughExtraEnv: [SERVER_ENV.faults, SERVER_ENV.telemetry],
    everything: {
      version: '9.9.9',
      revision: 'abc1234',
      storeCapacity: 500,
      behaviourProfile: { species: { tortoise: { latency: { medianMs: 150, p99Ms: 700 } } } },
      blackboxProbe: { enabled: true },
      autoscaling: { enabled: true, maxReplicas: 4 },
      extraEnv: [
        { name: SERVER_ENV.faults, value: 'on' },
        { name: SERVER_ENV.telemetry, value: 'on' },
      ],
      tracing: { resourceAttributes: { 'deployment.environment': 'test' } },
    },
  },
  {
    dir: CLIENT_CHART_DIR,
    identity: CLIENT,
    env: CLIENT_ENV,
    envOnlyThroughExtraEnv: [CLIENT_ENV.telemetry],
    everything: {
      version: '9.9.9',
      revision: 'abc1234',
      load: {
        rate: 20,
        duration: '10m',
        maxInFlight: 64,
        requestTimeoutMs: 2000,
        scenarioWeights: 'valid=3',
        populationLimit: 500,
      },
      autoscaling: { enabled: true },
      extraEnv: [{ name: CLIENT_ENV.telemetry, value: 'on' }],
    },
  },
];

// What the restricted Pod Security profile asks beyond kube-score's checks
// (which cover privileged containers, read-only root filesystems, resources and
// image tags; tools/kube-score.yaml says which it leaves out and why).
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

// biome-ignore lint/suspicious/noExplicitAny: rendered containers
function containersOf(object: K8sObject): any[] {
  return podSpecOf(object).containers;
}

/** The templates of the menagerie-app library each app chart includes as they are. */
const SHARED_OBJECTS = [
  { file: 'deployment.yaml', template: 'deployment' },
  { file: 'service.yaml', template: 'service' },
  { file: 'serviceaccount.yaml', template: 'serviceAccount' },
  { file: 'servicemonitor.yaml', template: 'serviceMonitor' },
  { file: 'networkpolicy.yaml', template: 'networkPolicy' },
  { file: 'poddisruptionbudget.yaml', template: 'podDisruptionBudget' },
  { file: 'horizontalpodautoscaler.yaml', template: 'horizontalPodAutoscaler' },
];

for (const app of APPS) {
  const { name, port, portName, container } = app.identity;

  describe(`chart ${name}`, () => {
    let objects: K8sObject[];
    let everything: K8sObject[];
    let everythingFile: string;

    before(async () => {
      everythingFile = writeValuesFile(app.everything);
      [objects, everything] = await Promise.all([
        render(standaloneChart(app.dir), { release: RELEASE, namespace: NAMESPACE }),
        render(standaloneChart(app.dir), {
          release: RELEASE,
          namespace: NAMESPACE,
          valuesFiles: [everythingFile],
        }),
      ]);
    });

    const deployment = (from: K8sObject[]) => findObject(from, 'Deployment', name);
    const mainContainer = (from: K8sObject[]) =>
      containersOf(deployment(from)).find((c) => c.name === container);

    it('takes every object both services have from the menagerie-app library, each template one include', () => {
      for (const object of SHARED_OBJECTS) {
        const template = readFileSync(path.join(app.dir, 'templates', object.file), 'utf8').trim();
        expect(template, object.file).to.equal(`{{ include "menagerie-app.${object.template}" . }}`);
      }
      const dependencies = readChart(app.dir).dependencies ?? [];
      expect(dependencies.map((dependency) => dependency.repository)).to.deep.equal([
        `file://../${path.basename(APP_LIBRARY_CHART_DIR)}`,
      ]);
    });

    it('does not render on its own without the library in charts/, and says to build it', async () => {
      const message = await helmTemplateError(app.dir);
      expect(message).to.include('helm dependency build');
    });

    it('is named after the contract and passes helm lint --strict with non-default values (ct lint has the defaults)', async () => {
      expect(readChart(app.dir).name).to.equal(name);
      const lint = await helmLint(standaloneChart(app.dir), { valuesFiles: [everythingFile] });
      expect(lint.ok, lint.stdout + lint.stderr).to.equal(true);
    });

    it('renders objects that all pass kubeconform and the prometheus-operator schemas', async () => {
      expect(await allSchemaProblems(objects)).to.deep.equal([]);
      expect(await allSchemaProblems(everything)).to.deep.equal([]);
      expect(ofKind(everything, 'HorizontalPodAutoscaler')).to.have.length(1);
    });

    it('passes kube-score, with default and non-default values', async () => {
      for (const rendered of [objects, everything]) {
        const score = await kubeScore(rendered);
        expect(score.ok, criticalFindings(score.output).join('\n') || score.output).to.equal(true);
      }
    });

    it("exposes the contract's Service, port, port name and container", () => {
      const service = findObject(objects, 'Service', name);
      expect(service.spec.ports).to.deep.equal([
        { name: portName, port, targetPort: portName, protocol: 'TCP', appProtocol: 'http' },
      ]);
      const main = mainContainer(objects);
      expect(main, `container ${container}`).to.not.equal(undefined);
      expect(main.ports).to.deep.equal([{ name: portName, containerPort: port, protocol: 'TCP' }]);
      expect(envValue(main, app.env.port ?? '')).to.equal(String(port));
    });

    it('has a ServiceMonitor that selects the Service, scraping the metrics path', () => {
      // kube-score checks that the Service selects the pods (service-targets-pod).
      const service = findObject(objects, 'Service', name);
      const monitor = findObject(objects, 'ServiceMonitor', name);
      expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels ?? {})).to.equal(true);
      expect(monitor.spec.namespaceSelector.matchNames).to.deep.equal([NAMESPACE]);
      expect(monitor.spec.endpoints).to.have.length(1);
      const [endpoint] = monitor.spec.endpoints;
      expect(endpoint.port).to.equal(portName);
      expect(endpoint.path).to.equal(PATHS.metrics);
      // The job label is then the Service's name: nothing may override it.
      expect(monitor.spec.jobLabel).to.equal(undefined);
      expect(JSON.stringify(endpoint.relabelings ?? [])).to.not.include('"job"');
      expect(service.metadata.name).to.equal(name);
    });

    it('probes liveness and readiness on the contract paths through the named port', () => {
      const main = mainContainer(objects);
      expect(main.livenessProbe.httpGet).to.deep.equal({ path: PATHS.liveness, port: portName });
      expect(main.readinessProbe.httpGet).to.deep.equal({ path: PATHS.readiness, port: portName });
      expect(main.startupProbe.httpGet).to.deep.equal({ path: PATHS.liveness, port: portName });
    });

    it('sets every env var the contract names, the chart-less ones through extraEnv, and no other', () => {
      const known = new Set([
        ...Object.values(app.env),
        ...Object.values(OTEL_ENV),
        'POD_NAME',
        'POD_NAMESPACE',
      ]);
      for (const values of [objects, everything]) {
        const names = (mainContainer(values).env as { name: string }[]).map((variable) => variable.name);
        expect(names.filter((variable) => !known.has(variable))).to.deep.equal([]);
        expect(new Set(names).size).to.equal(names.length);
      }
      const names = (mainContainer(everything).env as { name: string }[]).map((variable) => variable.name);
      expect(names).to.include.members([...Object.values(app.env), ...Object.values(OTEL_ENV)]);
      const extra = (app.everything.extraEnv as { name: string }[]).map((variable) => variable.name);
      expect(extra.every((variable) => app.envOnlyThroughExtraEnv.includes(variable))).to.equal(true);
    });

    it("points OTLP at Tempo's HTTP receiver and names the service after the contract", () => {
      const main = mainContainer(objects);
      const endpoint = serviceTarget(envValue(main, OTEL_ENV.endpoint) ?? '');
      expect(endpoint).to.deep.include({
        service: STACK.tempo.service,
        namespace: NAMESPACE,
        port: OTLP.httpPort,
      });
      expect(envValue(main, OTEL_ENV.serviceName)).to.equal(name);
      const attributes = envValue(mainContainer(everything), OTEL_ENV.resourceAttributes) ?? '';
      expect(attributes.split(',')).to.include('service.version=9.9.9');
      expect(envValue(mainContainer(everything), app.env.version ?? '')).to.equal('9.9.9');
      expect(envValue(mainContainer(objects), app.env.version ?? '')).to.equal(readChart(app.dir).appVersion);
    });

    it('runs under the restricted Pod Security profile, with a local image', () => {
      for (const workload of workloads([...objects, ...everything])) {
        const spec = podSpecOf(workload);
        expect(spec.securityContext, workload.metadata.name).to.deep.include(RESTRICTED_POD);
        expect(spec.securityContext.runAsUser).to.be.greaterThan(0);
        expect(spec.hostNetwork ?? false).to.equal(false);
        expect(spec.automountServiceAccountToken).to.equal(false);
        for (const each of spec.containers) {
          expect(each.securityContext, `${workload.metadata.name}/${each.name}`).to.deep.include(
            RESTRICTED_CONTAINER,
          );
          expect(each.image).to.match(/^menagerie-(server|client):[0-9][^:@]*$/);
          expect(each.imagePullPolicy).to.equal('IfNotPresent');
        }
      }
    });

    it('has a PodDisruptionBudget, and an HPA only when asked', () => {
      // kube-score checks that the budget and the HPA target the Deployment, and
      // that a Deployment under an HPA sets no replicas.
      findObject(objects, 'PodDisruptionBudget', name);
      expect(ofKind(objects, 'HorizontalPodAutoscaler')).to.deep.equal([]);
      expect(deployment(objects).spec.replicas).to.equal(1);
      findObject(everything, 'HorizontalPodAutoscaler', name);
    });

    it('has a NetworkPolicy that admits only its peers, on its port', () => {
      // kube-score checks that it selects the pods (networkpolicy-targets-pod).
      const policy = findObject(objects, 'NetworkPolicy', name);
      expect(policy.spec.policyTypes).to.deep.equal(['Ingress']);
      expect(policy.spec.ingress).to.have.length(1);
      const [rule] = policy.spec.ingress;
      expect(rule.ports).to.deep.equal([{ port, protocol: 'TCP' }]);
      for (const peer of rule.from) {
        expect(peer, 'peers are pod selectors in the namespace').to.have.keys('podSelector');
        expect(Object.keys(peer.podSelector.matchLabels).length).to.be.greaterThan(0);
      }
      const prometheus = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'x' };
      const stranger = { 'app.kubernetes.io/name': 'grafana' };
      const admits = (labels: Record<string, string>) =>
        // biome-ignore lint/suspicious/noExplicitAny: a rendered peer
        rule.from.some((peer: any) => selects(peer.podSelector.matchLabels, labels));
      expect(admits(prometheus)).to.equal(true);
      expect(admits(stranger)).to.equal(false);
      expect(admits(podLabelsOf(deployment(objects))), 'not even itself').to.equal(false);
    });

    it('ships helm test pods the Service never selects and the NetworkPolicy admits', () => {
      const tests = ofKind(objects, 'Pod').filter(
        (pod) => pod.metadata.annotations?.['helm.sh/hook'] === 'test',
      );
      expect(tests).to.have.length(1);
      const [pod] = tests as [K8sObject];
      const service = findObject(objects, 'Service', name);
      expect(selects(service.spec.selector, pod.metadata.labels ?? {})).to.equal(false);
      const [rule] = findObject(objects, 'NetworkPolicy', name).spec.ingress;
      const peers = rule.from as { podSelector: { matchLabels: Record<string, string> } }[];
      expect(peers.some((peer) => selects(peer.podSelector.matchLabels, pod.metadata.labels ?? {}))).to.equal(
        true,
      );
      const script = pod.spec.containers[0].command.join(' ');
      expect(script)
        .to.include(PATHS.readiness)
        .and.include(PATHS.metrics)
        .and.include(COMMON_METRICS.buildInfo.name);
      expect(envValue(pod.spec.containers[0], 'TARGET')).to.equal(`http://${name}.${NAMESPACE}.svc:${port}`);
    });

    it('rejects values its schema does not know or allow', async () => {
      const cases: [string, Record<string, string>][] = [
        ['an unknown top-level key', { replicas: '2' }],
        ['an unknown nested key', { 'image.name': 'x' }],
        ['a pull policy Kubernetes lacks', { 'image.pullPolicy': 'Sometimes' }],
        ['a port out of range', { 'service.port': '70000' }],
        ['a log level the apps lack', { logLevel: 'verbose' }],
        ['a CPU request that is not a quantity', { 'resources.requests.cpu': 'lots' }],
      ];
      for (const [what, set] of cases) {
        const message = await helmTemplateError(standaloneChart(app.dir), { set });
        expect(message, what).to.include("values don't meet the specifications of the schema");
      }
    });
  });
}

describe('chart menagerie-server specifics', () => {
  const profile = 'species:\n  platypus:\n    errors: { rate: 0.2, status: 500 }\n';

  it('mounts the behaviour profile, from a string or a map, and points BEHAVIOUR_PROFILE at it', async () => {
    const fromString = await render(standaloneChart(SERVER_CHART_DIR), {
      setFile: { behaviourProfile: writeValuesFile(profile) },
    });
    const fromMap = await render(standaloneChart(SERVER_CHART_DIR), {
      valuesFiles: [
        writeValuesFile({ behaviourProfile: { species: { platypus: { errors: { rate: 0.2 } } } } }),
      ],
    });
    for (const objects of [fromString, fromMap]) {
      const configMap = findObject(objects, 'ConfigMap', `${SERVER.name}-behaviour`);
      const [file, content] = Object.entries(configMap.data as Record<string, string>)[0] as [string, string];
      expect(content).to.include('platypus');
      const spec = podSpecOf(findObject(objects, 'Deployment', SERVER.name));
      const main = spec.containers[0];
      // biome-ignore lint/suspicious/noExplicitAny: rendered volumes
      const volume = spec.volumes.find((v: any) => v.configMap?.name === configMap.metadata.name);
      // biome-ignore lint/suspicious/noExplicitAny: rendered mounts
      const mount = main.volumeMounts.find((m: any) => m.name === volume.name);
      expect(envValue(main, SERVER_ENV.behaviourProfile)).to.equal(`${mount.mountPath}/${file}`);
      expect(mount.readOnly).to.equal(true);
    }
    const configMap = findObject(fromString, 'ConfigMap', `${SERVER.name}-behaviour`);
    expect(Object.values(configMap.data as Record<string, string>)[0]).to.equal(profile);
  });

  it('rolls the pods when the profile changes (checksum annotation), and leaves it out when empty', async () => {
    const checksum = async (values: Record<string, unknown>) => {
      const objects = await render(standaloneChart(SERVER_CHART_DIR), {
        valuesFiles: [writeValuesFile(values)],
      });
      const deployment = findObject(objects, 'Deployment', SERVER.name);
      return {
        objects,
        sum: deployment.spec.template.metadata.annotations['checksum/behaviour-profile'] as string,
      };
    };
    const none = await checksum({});
    const one = await checksum({ behaviourProfile: profile });
    const other = await checksum({ behaviourProfile: profile.replace('0.2', '0.3') });
    expect(new Set([none.sum, one.sum, other.sum]).size).to.equal(3);
    expect(ofKind(none.objects, 'ConfigMap')).to.deep.equal([]);
    const main = podSpecOf(findObject(none.objects, 'Deployment', SERVER.name)).containers[0];
    expect(envValue(main, SERVER_ENV.behaviourProfile)).to.equal(undefined);
  });

  it('refuses a behaviour profile that is not a YAML map', async () => {
    for (const bad of ['- a list', 'species: [unclosed']) {
      const message = await helmTemplateError(standaloneChart(SERVER_CHART_DIR), {
        set: { behaviourProfile: bad },
      });
      expect(message).to.include('behaviourProfile must be a YAML map');
    }
  });

  it('pauses before SIGTERM (preStop sleep) within a grace period covering the pause, the drain and the exit', async () => {
    const main = (objects: K8sObject[]) => podSpecOf(findObject(objects, 'Deployment', SERVER.name));
    const grace = (objects: K8sObject[]) => main(objects).terminationGracePeriodSeconds as number;
    const drain = (objects: K8sObject[]) =>
      Number(envValue(main(objects).containers[0], SERVER_ENV.shutdownGraceSeconds));
    const defaults = await render(standaloneChart(SERVER_CHART_DIR));
    const [container] = main(defaults).containers;
    const [command, seconds] = container.lifecycle.preStop.exec.command as [string, string];
    expect(command).to.equal('/bin/sleep');
    expect(Number(seconds)).to.be.within(1, 30);
    expect(grace(defaults)).to.equal(Number(seconds) + drain(defaults) + 10);
    const longer = await render(standaloneChart(SERVER_CHART_DIR), {
      set: { preStopSleepSeconds: '12', shutdownGraceSeconds: '20' },
    });
    expect(main(longer).containers[0].lifecycle.preStop.exec.command).to.deep.equal(['/bin/sleep', '12']);
    expect(grace(longer)).to.equal(12 + 20 + 10);
    const none = await render(standaloneChart(SERVER_CHART_DIR), { set: { preStopSleepSeconds: '0' } });
    expect(main(none).containers[0].lifecycle).to.equal(undefined);
    expect(grace(none)).to.equal(drain(none) + 10);
    const message = await helmTemplateError(standaloneChart(SERVER_CHART_DIR), {
      set: { preStopSleepSeconds: '-1' },
    });
    expect(message).to.include("values don't meet the specifications of the schema");
  });

  it('probes readiness from outside through the Service with the blackbox exporter', async () => {
    const objects = await render(standaloneChart(SERVER_CHART_DIR), {
      set: { 'blackboxProbe.enabled': 'true' },
    });
    const probe = findObject(objects, 'Probe', `${SERVER.name}-readiness`);
    const target = serviceTarget(probe.spec.targets.staticConfig.static[0]);
    expect(target).to.deep.equal({
      service: SERVER.name,
      namespace: NAMESPACE,
      port: SERVER.port,
      path: PATHS.readiness,
    });
    expect(serviceTarget(probe.spec.prober.url)).to.deep.include({
      service: STACK.blackboxExporter.service,
      port: STACK.blackboxExporter.port,
    });
    expect(probe.spec.prober.path).to.equal('/probe');
    const defaults = await render(standaloneChart(SERVER_CHART_DIR));
    expect(ofKind(defaults, 'Probe'), 'off unless a blackbox exporter is there').to.deep.equal([]);
  });

  it('admits the client to the server', async () => {
    const [server, client] = await Promise.all([
      render(standaloneChart(SERVER_CHART_DIR)),
      render(standaloneChart(CLIENT_CHART_DIR)),
    ]);
    const [rule] = findObject(server, 'NetworkPolicy', SERVER.name).spec.ingress;
    const clientLabels = podLabelsOf(findObject(client, 'Deployment', CLIENT.name));
    // biome-ignore lint/suspicious/noExplicitAny: a rendered peer
    expect(rule.from.some((peer: any) => selects(peer.podSelector.matchLabels, clientLabels))).to.equal(true);
  });
});

describe('chart menagerie-client specifics', () => {
  it("sets SERVER_URL to the server's Service, in the release namespace, on its port", async () => {
    const [client, server] = await Promise.all([
      render(standaloneChart(CLIENT_CHART_DIR), { namespace: 'elsewhere' }),
      render(standaloneChart(SERVER_CHART_DIR), { namespace: 'elsewhere' }),
    ]);
    const url = envValue(
      podSpecOf(findObject(client, 'Deployment', CLIENT.name)).containers[0],
      CLIENT_ENV.serverUrl,
    );
    const service = findObject(server, 'Service', SERVER.name);
    expect(serviceTarget(url ?? '')).to.deep.equal({
      service: service.metadata.name,
      namespace: 'elsewhere',
      port: service.spec.ports[0].port,
      path: '/',
    });
  });

  it('takes an explicit SERVER_URL over the computed one', async () => {
    const client = await render(standaloneChart(CLIENT_CHART_DIR), {
      set: { serverUrl: 'http://example:1234' },
    });
    const main = podSpecOf(findObject(client, 'Deployment', CLIENT.name)).containers[0];
    expect(envValue(main, CLIENT_ENV.serverUrl)).to.equal('http://example:1234');
  });
});
