import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT, SERVER } from '@menagerie/telemetry/contract';
import { expect } from 'chai';
import { CLIENT_CHART_DIR, REPO_ROOT, SERVER_CHART_DIR } from '../src/charts.ts';
import { findObject, podSpecOf } from '../src/manifests.ts';
import { render } from './support/render.ts';

const IMAGES = [
  { app: SERVER, dir: 'packages/server', chart: SERVER_CHART_DIR, packageName: '@menagerie/server' },
  { app: CLIENT, dir: 'packages/client', chart: CLIENT_CHART_DIR, packageName: '@menagerie/client' },
];

/** The two stages, as the Dockerfiles write them (Dockerfile variable syntax, not a JS template). */
const BASE = ['$', '{NODE_IMAGE}'].join('');
const BUILD_STAGE = `FROM ${BASE} AS build`;
const RUNTIME_STAGE = `FROM ${BASE} AS runtime`;

const nodeVersion = readFileSync(path.join(REPO_ROOT, '.node-version'), 'utf8').trim();
const rootPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const pnpmVersion = String(rootPackage.packageManager).replace(/^pnpm@/, '');

function instructions(dockerfile: string): string[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

for (const image of IMAGES) {
  describe(`${image.dir}/Dockerfile`, () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, image.dir, 'Dockerfile'), 'utf8');
    const lines = instructions(dockerfile);
    const arg = (name: string) =>
      lines
        .find((line) => line.startsWith(`ARG ${name}=`))
        ?.split('=')
        .slice(1)
        .join('=');

    it(`builds on Node ${nodeVersion.split('.')[0]} LTS, pinned to an exact version and digest, in two stages`, () => {
      const base = arg('NODE_IMAGE') ?? '';
      const match = /^node:(\d+)\.(\d+)\.(\d+)-[a-z0-9.]+@sha256:[0-9a-f]{64}$/.exec(base);
      expect(match, base).to.not.equal(null);
      expect(match?.[1]).to.equal(nodeVersion.split('.')[0]);
      const stages = lines.filter((line) => line.startsWith('FROM '));
      expect(stages).to.deep.equal([BUILD_STAGE, RUNTIME_STAGE]);
    });

    it("installs the repository's pnpm and deploys only production dependencies into the final stage", () => {
      expect(arg('PNPM_VERSION')).to.equal(pnpmVersion);
      expect(dockerfile).to.include('pnpm install --frozen-lockfile');
      expect(dockerfile).to.match(new RegExp(`pnpm --filter ${image.packageName} deploy --prod /out`));
      const runtime = lines.slice(lines.indexOf(RUNTIME_STAGE));
      expect(runtime.filter((line) => line.startsWith('COPY'))).to.deep.equal([
        'COPY --from=build --chown=0:0 /out /app',
      ]);
    });

    it('runs node dist/main.js as the non-root user the chart expects, on the contract port', async () => {
      const runtime = lines.slice(lines.indexOf(RUNTIME_STAGE));
      const user = runtime.find((line) => line.startsWith('USER '))?.slice(5);
      expect(user).to.match(/^[1-9]\d*:[1-9]\d*$/);
      const objects = await render(image.chart);
      const pod = podSpecOf(findObject(objects, 'Deployment', image.app.name)).securityContext;
      expect(user).to.equal(`${pod.runAsUser}:${pod.runAsGroup}`);
      expect(runtime.at(-1)).to.equal('CMD ["node", "dist/main.js"]');
      expect(runtime).to.include(`EXPOSE ${image.app.port}`);
    });

    if (image.app === SERVER) {
      it("keeps the sleep its chart's preStop runs (Alpine's busybox /bin/sleep; the final stage removes nothing from /bin)", async () => {
        expect(arg('NODE_IMAGE')).to.match(/-alpine[0-9.]*@/);
        const runtime = lines.slice(lines.indexOf(RUNTIME_STAGE));
        const removed = runtime
          .filter((line) => line.startsWith('RUN ') && /\brm\b/.test(line))
          .flatMap((line) => line.split(/\s+/))
          .filter((word) => word.startsWith('/'));
        expect(removed.filter((target) => /^\/bin(\/|$)/.test(target))).to.deep.equal([]);
        const objects = await render(image.chart);
        const [container] = podSpecOf(findObject(objects, 'Deployment', image.app.name)).containers;
        expect(container.lifecycle.preStop.exec.command[0]).to.equal('/bin/sleep');
      });
    }

    // The app packages come from another branch; once they exist, the image must build what they ship.
    const manifest = path.join(REPO_ROOT, image.dir, 'package.json');
    if (existsSync(manifest)) {
      it('builds the package it names, whose build emits dist/main.js', () => {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
        expect(pkg.name).to.equal(image.packageName);
        expect(existsSync(path.join(REPO_ROOT, image.dir, 'src', 'main.ts')), 'src/main.ts').to.equal(true);
        const build = JSON.parse(
          readFileSync(path.join(REPO_ROOT, image.dir, 'tsconfig.build.json'), 'utf8'),
        );
        expect(build.compilerOptions).to.deep.include({ rootDir: 'src', outDir: 'dist' });
      });
    }
  });
}

describe('.dockerignore', () => {
  it('keeps dependencies, build output, tools and git history out of the build context', () => {
    const ignored = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).to.include.members(['**/node_modules', '**/dist', '.git', '.tools']);
    for (const needed of [
      'package.json',
      'pnpm-lock.yaml',
      'pnpm-workspace.yaml',
      'tsconfig.base.json',
      'packages',
    ]) {
      expect(ignored, needed).to.not.include(needed);
    }
  });
});
