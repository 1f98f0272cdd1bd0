import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconformFiles } from '@menagerie/tools/charts/kubeconform';
import { crdSchemas, writeSchemas } from '@menagerie/tools/ci/crd-schemas';
import { chartRepositories } from '@menagerie/tools/ci/helm-repos';
import { expect } from 'chai';

describe('helm-repos', () => {
  it('lists each remote repository once, skipping local and OCI ones', () => {
    const chart = `
apiVersion: v2
name: umbrella
version: 0.1.0
dependencies:
  - { name: kube-prometheus-stack, version: 88.5.3, repository: https://prometheus-community.github.io/helm-charts }
  - { name: prometheus-blackbox-exporter, version: 11.0.0, repository: https://prometheus-community.github.io/helm-charts/ }
  - { name: loki, version: 18.11.0, repository: https://grafana-community.github.io/helm-charts }
  - { name: promtail, version: 6.17.1, repository: https://grafana.github.io/helm-charts }
  - { name: menagerie-server, version: 0.1.0, repository: file://../menagerie-server }
  - { name: tempo, version: 3.0.0, repository: oci://ghcr.io/grafana-community/helm-charts }
`;
    expect(chartRepositories(chart)).to.deep.equal([
      ['prometheus-community-helm-charts', 'https://prometheus-community.github.io/helm-charts'],
      ['grafana-community-helm-charts', 'https://grafana-community.github.io/helm-charts'],
      ['grafana-helm-charts', 'https://grafana.github.io/helm-charts'],
    ]);
  });

  it('lists nothing for a chart without dependencies', () => {
    expect(chartRepositories('apiVersion: v2\nname: a\nversion: 1.0.0\n')).to.deep.equal([]);
  });
});

describe('crd-schemas', () => {
  const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: servicemonitors.monitoring.coreos.com }
spec:
  group: monitoring.coreos.com
  names: { kind: ServiceMonitor, plural: servicemonitors }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: { type: string }
            kind: { type: string }
            metadata: { type: object }
            spec:
              type: object
              required: [endpoints]
              properties:
                endpoints:
                  type: array
                  items:
                    type: object
                    properties:
                      port: { type: string }
                      interval: { type: string }
                      targetPort: { format: int-or-string, x-kubernetes-int-or-string: true }
                selector:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    matchLabels: { type: object, additionalProperties: { type: string } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: not-a-crd }
`;

  const monitor = (spec: unknown) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'fixture' },
    spec,
  });

  /** kubeconform, with the schemas made from CRD, on the given custom resources. */
  const validate = async (...objects: unknown[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'menagerie-crd-kubeconform-'));
    try {
      writeSchemas(crdSchemas(CRD), join(dir, 'schemas'));
      const file = join(dir, 'objects.yaml');
      writeFileSync(file, objects.map((object) => JSON.stringify(object)).join('\n---\n'));
      return await kubeconformFiles([file], { crdSchemaDir: join(dir, 'schemas') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("names each schema by group, lower-case kind and version, kubeconform's layout", () => {
    expect(crdSchemas(CRD).map(({ group, kind, version }) => ({ group, kind, version }))).to.deep.equal([
      { group: 'monitoring.coreos.com', kind: 'servicemonitor', version: 'v1' },
    ]);
  });

  it('lets kubeconform accept a valid resource, with an int-or-string given either way', async () => {
    const result = await validate(
      monitor({ endpoints: [{ port: 'http', targetPort: 8080 }] }),
      monitor({ endpoints: [{ targetPort: 'http' }], selector: { matchLabels: { app: 'x' }, extra: 1 } }),
    );
    expect(result.ok, result.output).to.equal(true);
    expect(result.output).to.include('Valid: 2, Invalid: 0, Errors: 0');
  });

  it('lets kubeconform reject an unknown field, a wrong type and a missing required field', async () => {
    const cases: [unknown, string][] = [
      [
        monitor({ endpoints: [{ port: 'http', portt: 'typo' }] }),
        "additional properties 'portt' not allowed",
      ],
      [monitor({ endpoints: [{ interval: 30 }] }), 'interval'],
      [monitor({}), "missing property 'endpoints'"],
    ];
    for (const [object, message] of cases) {
      const result = await validate(object);
      expect(result.ok, message).to.equal(false);
      expect(result.output).to.include(message);
    }
  });

  it('writes the schemas where the workflow points kubeconform', () => {
    const out = mkdtempSync(join(tmpdir(), 'menagerie-schemas-'));
    try {
      const [file] = writeSchemas(crdSchemas(CRD), out);
      expect(file).to.equal(join(out, 'monitoring.coreos.com', 'servicemonitor_v1.json'));
      expect(JSON.parse(readFileSync(file as string, 'utf8')).properties.spec.additionalProperties).to.equal(
        false,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
