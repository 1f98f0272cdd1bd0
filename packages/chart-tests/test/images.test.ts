import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CLIENT, CLIENT_ENV, PATHS, SERVER, SERVER_ENV } from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { CLIENT_CHART_DIR, SERVER_CHART_DIR, standaloneChart } from '@menagerie/tools/charts/charts';
import { findObject, podSpecOf } from '@menagerie/tools/charts/manifests';
import { expect } from 'chai';
import { render } from './support/render.ts';

const execFileAsync = promisify(execFile);

const IMAGES = [
  { appArg: 'server', app: SERVER, chart: SERVER_CHART_DIR, portEnv: SERVER_ENV.port },
  { appArg: 'client', app: CLIENT, chart: CLIENT_CHART_DIR, portEnv: CLIENT_ENV.port },
] as const;

/** The two stages, as the Dockerfile writes them (Dockerfile variable syntax, not a JS template). */
const BASE = ['$', '{NODE_IMAGE}'].join('');
const BUILD_STAGE = `FROM ${BASE} AS build`;
const RUNTIME_STAGE = `FROM ${BASE} AS runtime`;

const nodeVersion = readFileSync(path.join(REPOSITORY_ROOT, '.node-version'), 'utf8').trim();
const rootPackage = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
const pnpmVersion = String(rootPackage.packageManager).replace(/^pnpm@/, '');
const dockerfile = readFileSync(path.join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8');

/** Instructions one per line, continuations joined, comments dropped. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

const lines = instructions(dockerfile);
const runtime = lines.slice(lines.indexOf(RUNTIME_STAGE));
const argDefault = (name: string) =>
  lines
    .find((line) => line.startsWith(`ARG ${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');

/** The build stage's `pnpm … deploy --prod /out` command, for one app, writing to `out`. */
function deployCommand(appArg: string, out: string): string[] {
  const run = lines.find((line) => line.includes(' deploy --prod /out'));
  const deploy = run?.split('&&').find((part) => part.includes(' deploy --prod /out'));
  expect(deploy, 'the Dockerfile deploys the app with pnpm deploy --prod /out').to.not.equal(undefined);
  return (deploy as string)
    .trim()
    .replace(/\$\{APP\}/g, appArg)
    .replaceAll('"', '')
    .replace(/\/out$/, out)
    .split(/\s+/);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function answersHealthz(url: string, child: ChildProcess, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('Dockerfile', () => {
  it(`builds on Node ${nodeVersion.split('.')[0]} LTS, pinned to an exact version and digest, in two stages`, () => {
    const base = argDefault('NODE_IMAGE') ?? '';
    const match = /^node:(\d+)\.(\d+)\.(\d+)-[a-z0-9.]+@sha256:[0-9a-f]{64}$/.exec(base);
    expect(match, base).to.not.equal(null);
    expect(match?.[1]).to.equal(nodeVersion.split('.')[0]);
    expect(lines.filter((line) => line.startsWith('FROM '))).to.deep.equal([BUILD_STAGE, RUNTIME_STAGE]);
  });

  it("installs the repository's pnpm from the lockfile alone and copies only the deployed app into the final stage", () => {
    expect(argDefault('PNPM_VERSION')).to.equal(pnpmVersion);
    expect(lines).to.include('RUN pnpm fetch');
    expect(dockerfile).to.include('pnpm install --offline --frozen-lockfile');
    expect(runtime.filter((line) => line.startsWith('COPY'))).to.deep.equal([
      'COPY --from=build --chown=0:0 /out /app',
    ]);
    expect(runtime.at(-1)).to.equal('CMD ["node", "dist/main.js"]');
  });

  for (const image of IMAGES) {
    it(`runs the ${image.appArg} as the non-root user its chart expects`, async () => {
      const user = runtime.find((line) => line.startsWith('USER '))?.slice(5);
      expect(user).to.match(/^[1-9]\d*:[1-9]\d*$/);
      const objects = await render(standaloneChart(image.chart));
      const pod = podSpecOf(findObject(objects, 'Deployment', image.app.name)).securityContext;
      expect(user).to.equal(`${pod.runAsUser}:${pod.runAsGroup}`);
    });

    it(`deploys the ${image.appArg} with its production dependencies only, and what it deploys runs`, async function () {
      this.timeout(90_000);
      const out = mkdtempSync(path.join(tmpdir(), `menagerie-image-${image.appArg}-`));
      try {
        const [command, ...args] = deployCommand(image.appArg, out);
        await execFileAsync(command as string, args, { cwd: REPOSITORY_ROOT });
        const deployed = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
        expect(deployed.name).to.equal(`@menagerie/${image.appArg}`);
        const port = await freePort();
        const child = spawn(process.execPath, ['dist/main.js'], {
          cwd: out,
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'production',
            [image.portEnv]: String(port),
            // The client needs somewhere to send; nothing listens there.
            [CLIENT_ENV.serverUrl]: 'http://127.0.0.1:9',
          },
          stdio: 'ignore',
        });
        try {
          const healthy = await answersHealthz(`http://127.0.0.1:${port}${PATHS.liveness}`, child, 20_000);
          expect(healthy, `the deployed ${image.appArg} answers ${PATHS.liveness}`).to.equal(true);
        } finally {
          child.kill('SIGTERM');
        }
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });

    if (image.app === SERVER) {
      it("keeps the sleep its chart's preStop runs (Alpine's busybox /bin/sleep; the final stage removes nothing from /bin)", async () => {
        expect(argDefault('NODE_IMAGE')).to.match(/-alpine[0-9.]*@/);
        const removed = runtime
          .filter((line) => line.startsWith('RUN ') && /\brm\b/.test(line))
          .flatMap((line) => line.split(/\s+/))
          .filter((word) => word.startsWith('/'));
        expect(removed.filter((target) => /^\/bin(\/|$)/.test(target))).to.deep.equal([]);
        const objects = await render(standaloneChart(image.chart));
        const [container] = podSpecOf(findObject(objects, 'Deployment', image.app.name)).containers;
        expect(container.lifecycle.preStop.exec.command[0]).to.equal('/bin/sleep');
      });
    }
  }
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, tools and git history out of the build context', () => {
    const ignored = readFileSync(path.join(REPOSITORY_ROOT, '.dockerignore'), 'utf8').split('\n');
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
