import { NAMESPACE, RELEASE } from '@menagerie/contract';
import { umbrellaCopy } from '@menagerie/tools/charts/charts';
import { criticalFindings, kubeScore, readKubeScoreConfig } from '@menagerie/tools/charts/kube-score';
import { runTool } from '@menagerie/tools/charts/tool';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { render } from './support/render.ts';

const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata: { name: broken, namespace: menagerie }
spec:
  replicas: 1
  selector: { matchLabels: { app: broken } }
  template:
    metadata: { labels: { app: broken } }
    spec:
      containers:
        - name: app
          image: broken:latest
          securityContext: { privileged: true }
---
apiVersion: v1
kind: Service
metadata: { name: broken, namespace: menagerie }
spec:
  selector: { app: nobody }
  ports: [{ port: 80 }]
`;

describe('kube-score (tools/kube-score.yaml)', () => {
  const config = readKubeScoreConfig();

  it('gives a reason for every check and switch it leaves out, and names only ones kube-score has', async () => {
    const list = await runTool('kube-score', ['list']);
    expect(list.ok, list.output).to.equal(true);
    const checks = new Set(list.output.split('\n').map((line) => line.split(',')[0]));
    const ignored = { ...config.ignore, ...config.ignoreForHelmTestPods };
    expect(Object.keys(ignored)).to.not.be.empty;
    for (const [check, why] of Object.entries(ignored)) {
      expect(checks.has(check), `kube-score has no check ${check}`).to.equal(true);
      expect(why.length, `${check} needs a reason`).to.be.greaterThan(40);
    }
    const help = await runTool('kube-score', ['score', '--help']);
    for (const [flag, why] of Object.entries(config.flags)) {
      expect(help.output, `kube-score score has no ${flag}`).to.include(`${flag} `);
      expect(why.length, `${flag} needs a reason`).to.be.greaterThan(40);
    }
  });

  it("passes the umbrella's own templates, the helm test pod included", async () => {
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE });
    expect(objects.some((object) => object.metadata.annotations?.['helm.sh/hook'] === 'test')).to.equal(true);
    const score = await kubeScore(objects);
    expect(score.ok, criticalFindings(score.output).join('\n') || score.output).to.equal(true);
  });

  it('fails a privileged container without resources on :latest, and a Service that selects no pod', async () => {
    const objects = parseAllDocuments(BROKEN).map((document) => document.toJS());
    const score = await kubeScore(objects);
    expect(score.ok).to.equal(false);
    const findings = criticalFindings(score.output).join('\n');
    for (const finding of [
      'The container is privileged',
      'CPU request is not set',
      'Memory limit is not set',
      'Image with latest tag',
      'The pod has a container with a writable root filesystem',
      'The services selector does not match any pods',
    ]) {
      expect(findings).to.include(finding);
    }
  });
});
