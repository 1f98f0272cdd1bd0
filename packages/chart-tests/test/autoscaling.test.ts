import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AUTOSCALING_METRIC,
  NAMESPACE,
  OUTPUT_DIR,
  RELEASE,
  SERVER,
  SERVER_METRICS,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import { helmTemplateError } from '@menagerie/tools/charts/helm';
import { effectiveValues, readHelmfile, releaseValuesFiles } from '@menagerie/tools/charts/helmfile';
import { findObject, type K8sObject, ofKind } from '@menagerie/tools/charts/manifests';
import { valueAt } from '@menagerie/tools/charts/values';
import { expect } from 'chai';
import { parse } from 'yaml';
import { allSchemaProblems, render } from './support/render.ts';

const { requestsPerSecond } = AUTOSCALING_METRIC;

/** The metrics prometheus-adapter's configuration serves, and the series each is made from. */
function served(config: string): Map<string, string> {
  const rules = (parse(config) as { rules: { seriesQuery: string; name: { matches: string; as: string } }[] })
    .rules;
  return new Map(
    rules.map((rule) => [rule.name.as, /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rule.seriesQuery)?.[0] ?? '']),
  );
}

describe('autoscaling: prometheus-adapter and the server HPA the autoscaling environment renders', () => {
  const helmfile = readHelmfile();
  const umbrella = helmfile.releases.find((release) => release.name === RELEASE);
  let valuesFiles: string[];
  let objects: K8sObject[];

  before(async () => {
    if (!umbrella) throw new Error(`no release ${RELEASE}`);
    valuesFiles = await releaseValuesFiles(helmfile, umbrella, 'autoscaling');
    objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
  });

  it("renders the adapter's configuration, as generated, in the ConfigMap the adapter mounts", async () => {
    expect(await allSchemaProblems(objects)).to.deep.equal([]);
    const values = effectiveValues(UMBRELLA_DIR, valuesFiles);
    expect(valueAt(values, ['prometheus-adapter', 'enabled'])).to.equal(true);
    const configMap = findObject(
      objects,
      'ConfigMap',
      valueAt(values, ['prometheus-adapter', 'rules', 'existing']) as string,
    );
    const file = readFileSync(
      path.join(REPOSITORY_ROOT, OUTPUT_DIR.prometheusAdapter, 'config.yaml'),
      'utf8',
    );
    expect(configMap.data['config.yaml']).to.equal(file);
    expect(parse(configMap.data['config.yaml'])).to.have.keys(['rules', 'resourceRules']);
  });

  it('scales the server on a metric the adapter serves, made from the histogram the server exports, and on CPU', () => {
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', SERVER.name);
    expect(hpa.spec.scaleTargetRef).to.deep.equal({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: SERVER.name,
    });
    const [pods, cpu] = hpa.spec.metrics;
    expect(pods.type).to.equal('Pods');
    const metric = pods.pods.metric.name as string;
    expect(metric).to.equal(requestsPerSecond.name);
    const configMap = ofKind(objects, 'ConfigMap').find((object) =>
      object.data?.['config.yaml']?.includes('metricsQuery'),
    );
    const series = served(configMap?.data['config.yaml'] ?? 'rules: []').get(metric);
    expect(series, `${metric} is served by the adapter`).to.not.equal(undefined);
    expect(SERVER_METRICS.requestDuration.type).to.equal('histogram');
    expect(series).to.equal(`${SERVER_METRICS.requestDuration.name}_count`);
    expect(pods.pods.target).to.deep.equal({ type: 'AverageValue', averageValue: '10' });
    expect(cpu).to.deep.equal({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
    });
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).to.equal(90);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([1, 4]);
    expect(
      findObject(objects, 'Deployment', SERVER.name).spec.replicas,
      'the HPA owns the replicas',
    ).to.equal(undefined);
  });

  it('leaves the adapter and the HPA off in the laptop environments', async () => {
    if (!umbrella) throw new Error(`no release ${RELEASE}`);
    for (const environment of ['default', 'ci', 'alloy', 'restricted']) {
      const files = await releaseValuesFiles(helmfile, umbrella, environment);
      const rendered = await render(umbrellaCopy(), {
        release: RELEASE,
        namespace: NAMESPACE,
        valuesFiles: files,
      });
      expect(ofKind(rendered, 'HorizontalPodAutoscaler'), environment).to.deep.equal([]);
      expect(
        valueAt(effectiveValues(UMBRELLA_DIR, files), ['prometheus-adapter', 'enabled']),
        environment,
      ).to.equal(false);
    }
  });

  it('refuses an HPA on a metric nothing serves, and an adapter that reads elsewhere or registers no API', async () => {
    const chartDir = umbrellaCopy();
    const options = { release: RELEASE, namespace: NAMESPACE, valuesFiles };
    const cases: [Record<string, string>, string][] = [
      [{ 'prometheus-adapter.enabled': 'false' }, 'set prometheus-adapter.enabled'],
      [
        { 'menagerie-server.autoscaling.podsMetric.name': 'menagerie_http_requests' },
        'is not a metric prometheus-adapter serves',
      ],
      [{ 'prometheus-adapter.prometheus.port': '9091' }, 'prometheus-adapter.prometheus.url and .port'],
      [
        { 'prometheus-adapter.rules.default': 'false' },
        'registers the custom and resource metrics APIs only then',
      ],
      [
        { 'prometheus-adapter.rules.resource': 'null' },
        'registers the custom and resource metrics APIs only then',
      ],
    ];
    for (const [set, message] of cases) {
      expect(await helmTemplateError(chartDir, { ...options, set }), JSON.stringify(set)).to.include(message);
    }
    // An empty name scales on CPU alone, without the adapter.
    const cpuOnly = await render(chartDir, {
      ...options,
      set: { 'menagerie-server.autoscaling.podsMetric.name': '', 'prometheus-adapter.enabled': 'false' },
    });
    const hpa = findObject(cpuOnly, 'HorizontalPodAutoscaler', SERVER.name);
    expect(hpa.spec.metrics.map((metric: { type: string }) => metric.type)).to.deep.equal(['Resource']);
  });
});
