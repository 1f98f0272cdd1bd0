import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT, NAMESPACE, RELEASE, SERVER } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { UMBRELLA_DIR, umbrellaCopy } from '@menagerie/tools/charts/charts';
import { effectiveValues, readHelmfile, releaseValuesFiles } from '@menagerie/tools/charts/helmfile';
import { cpuMillis, formatRequests, memoryBytes, type Requests } from '@menagerie/tools/charts/resources';
import { totalRequests, upstreamRequests, workloadRequests } from '@menagerie/tools/charts/stack-requests';
import { expect } from 'chai';
import { render } from './support/render.ts';

/** The laptop budget: 4 CPU / 8 GiB, of which kind's own pods and the host need the rest. */
const BUDGET: Requests = { cpuMillis: 3000, memoryBytes: 6 * 2 ** 30 };

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

describe('resource requests of the whole stack', () => {
  const helmfile = readHelmfile();
  const release = helmfile.releases.find((each) => each.name === RELEASE);

  for (const environment of Object.keys(helmfile.environments)) {
    it(`fit a 4-CPU / 8 GiB laptop in the ${environment} environment (at most 3 CPU and 6 GiB), as docs/deploy.md states`, async () => {
      if (!release) throw new Error(`helmfile.yaml has no release ${RELEASE}`);
      const valuesFiles = await releaseValuesFiles(helmfile, release, environment);
      const objects = await render(umbrellaCopy(), { release: RELEASE, namespace: NAMESPACE, valuesFiles });
      const apps = workloadRequests(objects);
      expect(apps.map((container) => container.component)).to.have.members([
        `${SERVER.name}/${SERVER.container}`,
        `${CLIENT.name}/${CLIENT.container}`,
      ]);
      const upstream = upstreamRequests(effectiveValues(UMBRELLA_DIR, valuesFiles));
      expect(upstream.length).to.be.greaterThan(10);
      const total = totalRequests([...upstream, ...apps]);
      expect(total.cpuMillis).to.be.at.most(BUDGET.cpuMillis);
      expect(total.memoryBytes).to.be.at.most(BUDGET.memoryBytes);
      const docs = readFileSync(path.join(REPOSITORY_ROOT, 'docs/deploy.md'), 'utf8');
      // kind-up.sh asks Docker for the requests plus about 1 GiB for kind's own control plane.
      const stack = readFileSync(path.join(REPOSITORY_ROOT, 'scripts/lib/stack.sh'), 'utf8');
      const dockerGib = Number(/^MENAGERIE_MIN_DOCKER_MEMORY_GIB=(\d+)\b/m.exec(stack)?.[1]);
      expect(dockerGib * 2 ** 30).to.be.at.least(total.memoryBytes + 2 ** 30);
      expect(docs, `docs/deploy.md must state "${environment}: ${formatRequests(total)}"`).to.include(
        `\`${environment}\`: ${formatRequests(total)}`,
      );
    });
  }

  it('fail when a container has no requests', () => {
    expect(() => upstreamRequests({ grafana: { resources: {} } })).to.throw('no CPU and memory requests');
  });
});
