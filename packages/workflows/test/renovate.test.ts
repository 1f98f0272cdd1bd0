import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { pinnedGoTools } from '@menagerie/tools/ci/toolchain';
import { loadWorkflows } from '@menagerie/tools/ci/workflows';
import { expect } from 'chai';

interface CustomManager {
  customType: string;
  datasourceTemplate?: string;
  managerFilePatterns: string[];
  matchStrings: string[];
}

const config = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'renovate.json'), 'utf8')) as {
  enabledManagers: string[];
  customManagers: CustomManager[];
};

/** Renovate writes file patterns as "/regex/". */
const fileRegex = (pattern: string) => new RegExp(pattern.replace(/^\/(.*)\/$/, '$1'));

describe('renovate.json', () => {
  it('covers npm (with the pnpm catalog), GitHub Actions, Docker, Helm charts, helmfile and .node-version', () => {
    expect(config.enabledManagers).to.include.members([
      'npm',
      'github-actions',
      'dockerfile',
      'helmv3',
      'helmfile',
      'nodenv',
      'custom.regex',
    ]);
  });

  it("reads every '# renovate:' annotated version in the workflows, and its value", () => {
    const [manager] = config.customManagers;
    expect(manager?.customType).to.equal('regex');
    const matchString = new RegExp(manager?.matchStrings[0] ?? '', 'g');
    let annotations = 0;
    let found = 0;
    for (const workflow of loadWorkflows()) {
      const path = `.github/workflows/${workflow.file}`;
      expect(
        manager?.managerFilePatterns.some((p) => fileRegex(p).test(path)),
        path,
      ).to.equal(true);
      const lines = workflow.text.split('\n');
      annotations += lines.filter((l) => l.includes('# renovate:')).length;
      for (const m of workflow.text.matchAll(matchString)) {
        found++;
        const { datasource, depName, currentValue } = m.groups ?? {};
        expect(datasource, m[0]).to.match(/^[a-z-]+$/);
        expect(depName, m[0]).to.be.a('string');
        expect(currentValue, m[0]).to.match(/^v?\d+\.\d+\.\d+$/);
      }
    }
    expect(annotations).to.be.greaterThan(0);
    expect(found).to.equal(annotations);
  });

  it('reads the module and version of every tool in .go-tools', () => {
    const manager = config.customManagers.find((m) =>
      m.managerFilePatterns.some((p) => fileRegex(p).test('.go-tools')),
    );
    expect(manager?.datasourceTemplate).to.equal('go');
    const matchString = new RegExp(manager?.matchStrings[0] ?? '$^', 'g');
    const found = [...readFileSync(join(REPOSITORY_ROOT, '.go-tools'), 'utf8').matchAll(matchString)].map(
      (m) => `${m.groups?.depName}@${m.groups?.currentValue}`,
    );
    expect(found).to.deep.equal(
      Object.values(pinnedGoTools()).map((tool) => `${tool.module}@${tool.version}`),
    );
  });
});
