import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { type K8sObject, workloads } from '@menagerie/tools/charts/manifests';
import { parse } from 'yaml';
import type { ComposeFiles } from './files.ts';

/** compose.yaml at the repository root, and the folder its generated configuration goes in. */
export const COMPOSE_FILE = path.join(REPOSITORY_ROOT, 'compose.yaml');
export const GENERATED_DIR = '.compose';

/** Host paths outside the repository a service may mount: Docker's socket, for promtail's discovery. */
const HOST_PATHS = new Set(['/var/run/docker.sock']);

/** The parts of compose.yaml the checks read. */
export interface ComposeService {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly env_file?: string | readonly string[];
  readonly volumes?: readonly (string | { type: string; source?: string; target: string })[];
  readonly ports?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly networks?: readonly string[] | Readonly<Record<string, { aliases?: readonly string[] } | null>>;
}

export interface ComposeProject {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

export function readCompose(file = COMPOSE_FILE): ComposeProject {
  return parse(readFileSync(file, 'utf8')) as ComposeProject;
}

/** A bind mount: the host path as compose.yaml writes it, and where it appears in the container. */
export interface BindMount {
  readonly service: string;
  readonly source: string;
  readonly target: string;
}

/** Every bind mount and env file of the project (named volumes and tmpfs left out). */
export function bindMounts(compose: ComposeProject): BindMount[] {
  return Object.entries(compose.services).flatMap(([service, spec]) => {
    const mounts: BindMount[] = [];
    for (const volume of spec.volumes ?? []) {
      if (typeof volume === 'string') {
        const [source = '', target = ''] = volume.split(':');
        if (source.startsWith('.') || source.startsWith('/')) mounts.push({ service, source, target });
      } else if (volume.type === 'bind' && volume.source) {
        mounts.push({ service, source: volume.source, target: volume.target });
      }
    }
    const envFiles = spec.env_file === undefined ? [] : [spec.env_file].flat();
    for (const file of envFiles) mounts.push({ service, source: file, target: '(environment)' });
    return mounts;
  });
}

/**
 * Why a host path compose.yaml names would be missing: a path into the
 * generated folder that the generator does not write, a repository path that
 * does not exist, or a host path outside the repository other than Docker's
 * socket.
 */
export function mountProblems(
  compose: ComposeProject,
  generated: ComposeFiles,
  root = REPOSITORY_ROOT,
): string[] {
  const problems: string[] = [];
  const written = Object.keys(generated).map((file) => path.join(GENERATED_DIR, file));
  for (const mount of bindMounts(compose)) {
    const where = `${mount.service}: ${mount.source}`;
    if (path.isAbsolute(mount.source)) {
      if (!HOST_PATHS.has(mount.source)) problems.push(`${where} is a host path outside the repository`);
      continue;
    }
    const relative = path.normalize(mount.source);
    if (relative === GENERATED_DIR || relative.startsWith(`${GENERATED_DIR}/`)) {
      const found = written.some((file) => file === relative || file.startsWith(`${relative}/`));
      if (!found) problems.push(`${where} is not written by the generator`);
    } else if (!existsSync(path.join(root, relative))) {
      problems.push(`${where} does not exist`);
    }
  }
  return problems;
}

/** Every image the rendered release runs: its containers' and the Prometheus operator's resources'. */
export function renderedImages(objects: readonly K8sObject[]): Set<string> {
  const images = new Set<string>();
  for (const workload of workloads(objects)) {
    const spec = workload.kind === 'Pod' ? workload.spec : workload.spec.template.spec;
    for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
      images.add(container.image);
  }
  for (const object of objects) {
    if ((object.kind === 'Prometheus' || object.kind === 'Alertmanager') && object.spec.image)
      images.add(object.spec.image);
  }
  return images;
}

/** Each compose image the chart does not run: compose must run what the cluster runs. */
export function imageProblems(compose: ComposeProject, objects: readonly K8sObject[]): string[] {
  const images = renderedImages(objects);
  return Object.entries(compose.services)
    .filter(([, spec]) => spec.image && !images.has(spec.image))
    .map(([service, spec]) => `${service}: ${spec.image} is not an image the rendered release runs`);
}
