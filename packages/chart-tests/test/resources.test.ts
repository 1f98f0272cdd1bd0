import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT, NAMESPACE, RELEASE, SERVER } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { budgetOf, fits, LAPTOP_BUDGET } from '@menagerie/tools/charts/budget';
import { UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import {
  effectiveValues,
  objectStoreValues,
  readHelmfile,
  releaseValuesFiles,
  stateValues,
} from '@menagerie/tools/charts/helmfile';
import { cpuMillis, formatRequests, memoryBytes, type Requests } from '@menagerie/tools/charts/resources';
import {
  inClusterStoreRequests,
  totalRequests,
  upstreamRequests,
  workloadRequests,
} from '@menagerie/tools/charts/stack-requests';
import { expect } from 'chai';
import { render } from './support/render.ts';

describe('Kubernetes quantities', () => {
  it('reads CPU in millicores and memory in bytes', () => {
    expect([cpuMillis('250m'), cpuMillis('0.5'), cpuMillis(2), cpuMillis('1.25')]).to.deep.equal([
      250, 500, 2000, 1250,
    ]);
    expect([memoryBytes('64Mi'), memoryBytes('1Gi'), memoryBytes('500M'), memoryBytes(1024)]).to.deep.equal([
      64 * 2 ** 20,
      2 ** 30,
      500e6,
      1024,
    ]);
    expect(() => cpuMillis('1 core')).to.throw('not a CPU quantity');
    expect(() => memoryBytes('1GB')).to.throw('not a memory quantity');
    expect(formatRequests({ cpuMillis: 930, memoryBytes: 2480 * 2 ** 20 })).to.equal(
      '930m CPU, 2480 MiB (2.42 GiB)',
    );
  });
});

describe('resource budgets', () => {
  it('give a laptop 3 CPU and 6 GiB, and a cluster what all its nodes but one can hold', () => {
    expect(budgetOf({ logCollector: 'promtail' })).to.equal(LAPTOP_BUDGET);
    const cluster = budgetOf({ cluster: { nodes: 3, nodeCpu: 4, nodeMemoryGiB: 16 } });
    expect(cluster.nodes).to.equal(3);
    expect(cluster.requests).to.deep.equal({
      cpuMillis: 7200,
      memoryBytes: Math.floor(2 * 16 * 2 ** 30 * 0.9),
    });
    const justOver: Requests = { cpuMillis: 7201, memoryBytes: 2 ** 30 };
    expect(fits(justOver, cluster)).to.equal(false);
    expect(fits({ cpuMillis: 7200, memoryBytes: 2 ** 30 }, cluster)).to.equal(true);
  });
});

describe('resource requests of the whole stack', () => {
  const helmfile = readHelmfile();
  const release = helmfile.releases.find((each) => each.name === RELEASE);
  const docs = () => readFileSync(path.join(REPOSITORY_ROOT, 'docs/deploy.md'), 'utf8');

  /** Every container's requests in an environment, at the HPA's maximum, on the budget's nodes. */
  async function stackRequests(environment: string, overrides = {}) {
    if (!release) throw new Error(`helmfile.yaml has no release ${RELEASE}`);
    const budget = budgetOf(stateValues(helmfile, environment, overrides));
    const valuesFiles = await releaseValuesFiles(helmfile, release, environment, overrides);
    const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
    const apps = workloadRequests(objects, budget.nodes);
    expect(apps.map((container) => container.component)).to.have.members([
      `${SERVER.name}/${SERVER.container}`,
      `${CLIENT.name}/${CLIENT.container}`,
    ]);
    const upstream = upstreamRequests(effectiveValues(UMBRELLA_DIR, valuesFiles), budget.nodes);
    expect(upstream.length).to.be.greaterThan(10);
    const store = inClusterStoreRequests(await objectStoreValues(helmfile, environment, overrides));
    return { budget, total: totalRequests([...upstream, ...apps, ...store]) };
  }

  for (const environment of Object.keys(helmfile.environments)) {
    it(`fit the ${environment} environment's budget, as docs/deploy.md states`, async () => {
      const { budget, total } = await stackRequests(environment);
      expect(fits(total, budget), `${formatRequests(total)} in ${budget.reason}`).to.equal(true);
      if (budget === LAPTOP_BUDGET) {
        // kind-up.sh asks Docker for the requests plus about 1 GiB for kind's own control plane.
        const stack = readFileSync(path.join(REPOSITORY_ROOT, 'scripts/lib/stack.sh'), 'utf8');
        const dockerGib = Number(/^MENAGERIE_MIN_DOCKER_MEMORY_GIB=(\d+)\b/m.exec(stack)?.[1]);
        expect(dockerGib * 2 ** 30).to.be.at.least(total.memoryBytes + 2 ** 30);
      }
      expect(docs(), `docs/deploy.md must state "${environment}: ${formatRequests(total)}"`).to.include(
        `\`${environment}\`: ${formatRequests(total)}`,
      );
    });
  }

  it('fit the production budget with the in-cluster object store too, as docs/production.md states', async () => {
    const { budget, total } = await stackRequests('production', {
      inClusterObjectStorage: { enabled: true },
    });
    const without = await stackRequests('production');
    expect(total.cpuMillis).to.be.greaterThan(without.total.cpuMillis);
    expect(fits(total, budget)).to.equal(true);
    const production = readFileSync(path.join(REPOSITORY_ROOT, 'docs/production.md'), 'utf8');
    expect(production).to.include(`with the in-cluster store: ${formatRequests(total)}`);
    expect(production).to.include(`requests: ${formatRequests(without.total)}`);
  });

  it('fail when a container has no requests', () => {
    expect(() => upstreamRequests({ grafana: { resources: {} } })).to.throw('no CPU and memory requests');
  });
});
