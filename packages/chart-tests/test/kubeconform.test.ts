import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '@menagerie/tools/charts/charts';
import { kubeconformFiles } from '@menagerie/tools/charts/kubeconform';
import { pinnedKubernetesVersion } from '@menagerie/tools/charts/kubernetes-schemas';
import { customResourceProblems } from '@menagerie/tools/charts/validate';
import { expect } from 'chai';
import { parse } from 'yaml';

/** A manifest file with the given text. */
function manifest(text: string): string {
  const file = path.join(makeTempDir('kubeconform-fixture'), 'manifest.yaml');
  writeFileSync(file, text);
  return file;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: fixture }
spec:
  selector: { matchLabels: { app: fixture } }
  template:
    metadata: { labels: { app: fixture } }
    spec:
      containers:
        - name: app
          image: fixture:1.0.0
          ports: [{ containerPort: 8080 }]
`;

// The charts' own renders go through kubeconform in every chart test that
// renders them (support/render.ts); these fixtures show what makes it fail.
describe('kubeconform (the Kubernetes schemas of the version deploy/kind/cluster.yaml pins)', () => {
  it('validates against the pinned Kubernetes version', () => {
    expect(pinnedKubernetesVersion()).to.match(/^1\.\d+\.\d+$/);
  });

  it('passes a valid Deployment', async () => {
    const result = await kubeconformFiles([manifest(DEPLOYMENT)]);
    expect(result.ok, result.output).to.equal(true);
    expect(result.output).to.include('Valid: 1, Invalid: 0, Errors: 0');
  });

  it('fails a field the schema does not know, a missing required field and a wrong type', async () => {
    const cases: [string, string][] = [
      [DEPLOYMENT.replace('ports:', 'portz:'), "additional properties 'portz' not allowed"],
      [DEPLOYMENT.replace('- name: app\n          image:', '- image:'), "missing property 'name'"],
      [DEPLOYMENT.replace('containerPort: 8080', 'containerPort: "http"'), 'containerPort'],
    ];
    for (const [text, message] of cases) {
      const result = await kubeconformFiles([manifest(text)]);
      expect(result.ok, message).to.equal(false);
      expect(result.output).to.include(message);
    }
  });

  it('fails an API version the pinned Kubernetes no longer serves', async () => {
    // policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25.
    const removed =
      'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: { name: old }\nspec: { maxUnavailable: 1 }\n';
    const result = await kubeconformFiles([manifest(removed)]);
    expect(result.ok).to.equal(false);
    expect(result.output).to.include('could not find schema for PodDisruptionBudget');
  });

  it('leaves the prometheus-operator kinds to their models when no CRD is at hand, which fail a broken one', async () => {
    const monitor = `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: fixture }
spec:
  selector: { matchLabels: { app: fixture } }
  endpoints: [{ port: http, interval: 15s }]
`;
    const skipped = await kubeconformFiles([manifest(monitor)]);
    expect(skipped.ok, skipped.output).to.equal(true);
    expect(skipped.output).to.include('Skipped: 1');
    expect(customResourceProblems([parse(monitor)])).to.deep.equal([]);
    const broken = parse(monitor.replace('endpoints: [{ port: http, interval: 15s }]', 'endpoints: http'));
    expect(customResourceProblems([broken]).join('\n')).to.include('ServiceMonitor fixture');
  });
});
