/**
 * The project's rules for its workflows, each a function that returns the
 * problems it finds (empty when the workflows comply), so a test can show
 * both that the real workflows comply and that a broken one is caught.
 */
import type { GoTool, PinnedVersions } from './toolchain.ts';
import { actionUses, type Json, jobs, type Step, steps, stepsUsing, type Workflow } from './workflows.ts';

const FULL_SHA = /^[0-9a-f]{40}$/;
const VERSION_COMMENT = /^v\d+\.\d+\.\d+$/;

/** Third-party actions are pinned by full commit SHA, with the release in a comment, the same everywhere. */
export function pinProblems(workflows: readonly Workflow[]): string[] {
  const problems: string[] = [];
  const shaOf = new Map<string, string>();
  for (const use of workflows.flatMap(actionUses)) {
    const where = `${use.file}:${use.line} ${use.action}`;
    if (use.action.startsWith('./')) continue;
    if (use.action.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(use.action + (use.ref ? `@${use.ref}` : ''))) {
        problems.push(`${where}: a docker:// action must be pinned by digest`);
      }
      continue;
    }
    if (!FULL_SHA.test(use.ref)) problems.push(`${where}@${use.ref}: not pinned by a full commit SHA`);
    if (!use.comment || !VERSION_COMMENT.test(use.comment)) {
      problems.push(
        `${where}: the comment after the SHA must name the release (# vX.Y.Z), found "${use.comment ?? ''}"`,
      );
    }
    const key = use.action.toLowerCase();
    const seen = shaOf.get(key);
    if (seen && seen !== `${use.ref} ${use.comment}`) {
      problems.push(`${where}: pinned to ${use.ref} (${use.comment}) here and to ${seen} elsewhere`);
    }
    shaOf.set(key, `${use.ref} ${use.comment}`);
  }
  return problems;
}

function input(step: Step, name: string): unknown {
  return step.with?.[name];
}

/** Versions pinned in workflows agree with the repository's single sources. */
export function versionProblems(workflows: readonly Workflow[], pinned: PinnedVersions): string[] {
  const problems: string[] = [];
  for (const workflow of workflows) {
    const at = (what: string) => `${workflow.file}: ${what}`;
    for (const step of stepsUsing(workflow, 'actions/setup-node')) {
      const file = input(step, 'node-version-file');
      const version = input(step, 'node-version');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions, compared as text
      if (version === '${{ matrix.node-version }}' && file === '${{ matrix.node-version-file }}') {
        for (const [, job] of jobs(workflow)) {
          const include = job.strategy?.matrix?.include;
          if (!Array.isArray(include)) continue;
          const rows = include as Json[];
          const files = rows.map((r) => r['node-version-file']).filter((f) => f !== undefined);
          const versions = rows.map((r) => r['node-version']).filter((v) => v !== undefined);
          if (!files.includes('.node-version'))
            problems.push(at('the Node matrix lacks the pinned .node-version'));
          for (const v of versions) {
            if (String(v) !== pinned.nodeMinimum && String(v) !== pinned.node) {
              problems.push(
                at(
                  `Node ${v} in the matrix is neither .node-version (${pinned.node}) nor the engines minimum (${pinned.nodeMinimum})`,
                ),
              );
            }
          }
        }
      } else if (file !== '.node-version') {
        problems.push(at(`setup-node must read .node-version, not ${JSON.stringify(version ?? file)}`));
      }
    }
    for (const step of stepsUsing(workflow, 'pnpm/action-setup')) {
      const version = input(step, 'version');
      if (version !== undefined && String(version) !== pinned.pnpm) {
        problems.push(at(`pnpm ${version} differs from packageManager pnpm@${pinned.pnpm}`));
      }
    }
    for (const step of stepsUsing(workflow, 'azure/setup-helm')) {
      if (input(step, 'version') !== pinned.helm) {
        problems.push(
          at(`setup-helm installs ${String(input(step, 'version'))}, .helm-version has ${pinned.helm}`),
        );
      }
    }
    for (const step of stepsUsing(workflow, 'helmfile/helmfile-action')) {
      if (input(step, 'helm-version') !== pinned.helm) {
        problems.push(
          at(
            `helmfile-action installs helm ${String(input(step, 'helm-version'))}, .helm-version has ${pinned.helm}`,
          ),
        );
      }
      if (!/^v\d+\.\d+\.\d+$/.test(String(input(step, 'helmfile-version')))) {
        problems.push(at('helmfile-action must pin helmfile-version'));
      }
    }
  }
  return problems;
}

function readOnly(permissions: unknown): boolean {
  if (permissions === undefined) return false;
  if (permissions === 'read-all') return true;
  if (typeof permissions !== 'object' || permissions === null) return false;
  return Object.values(permissions).every((v) => v === 'read' || v === 'none');
}

/** Least privilege, superseded runs cancelled, bounded jobs, no token left in the checkout. */
export function policyProblems(workflows: readonly Workflow[]): string[] {
  const problems: string[] = [];
  for (const workflow of workflows) {
    const at = (what: string) => `${workflow.file}: ${what}`;
    if (!readOnly(workflow.doc.permissions)) problems.push(at('top-level permissions must be read-only'));
    const concurrency = workflow.doc.concurrency as Json | undefined;
    if (concurrency?.['cancel-in-progress'] !== true) {
      problems.push(at('needs a concurrency group with cancel-in-progress: true'));
    } else if (!String(concurrency.group).includes('github.workflow')) {
      problems.push(at('the concurrency group must include github.workflow, or workflows cancel each other'));
    }
    for (const [name, job] of jobs(workflow)) {
      if (typeof job['timeout-minutes'] !== 'number') problems.push(at(`job ${name} has no timeout-minutes`));
    }
    for (const step of stepsUsing(workflow, 'actions/checkout')) {
      if (input(step, 'persist-credentials') !== false)
        problems.push(at('checkout must set persist-credentials: false'));
    }
  }
  return problems;
}

/** Every permission above read, as "file job: scope: level", so a test can list the ones allowed. */
export function writePermissions(workflows: readonly Workflow[]): string[] {
  return workflows.flatMap((workflow) =>
    jobs(workflow).flatMap(([name, job]) =>
      typeof job.permissions === 'object' && job.permissions !== null
        ? Object.entries(job.permissions)
            .filter(([, level]) => level === 'write')
            .map(([scope, level]) => `${workflow.file} ${name}: ${scope}: ${level}`)
        : [],
    ),
  );
}

/**
 * The Go programs of .go-tools reach a workflow only through ensure_go_tools
 * (scripts/lib/toolchain.sh), so CI runs the versions the test command runs:
 * no workflow installs one at a version of its own, and one that runs a tool
 * installs it that way.
 */
export function goToolProblems(workflows: readonly Workflow[], tools: readonly GoTool[]): string[] {
  const problems: string[] = [];
  for (const workflow of workflows) {
    const scripts = steps(workflow)
      .map((step) => String(step.run ?? ''))
      .join('\n');
    for (const tool of tools) {
      if (scripts.includes(`${tool.module}/`) || scripts.includes(`${tool.module}@`)) {
        problems.push(
          `${workflow.file}: installs ${tool.name} itself; .go-tools pins it for ensure_go_tools`,
        );
      }
      const runs = new RegExp(`(^|[\\s;|&(])${tool.name}(\\s|$)`, 'm').test(scripts);
      if (runs && !scripts.includes('ensure_go_tools')) {
        problems.push(`${workflow.file}: runs ${tool.name} without installing it through ensure_go_tools`);
      }
    }
  }
  return problems;
}

/** Every KUBERNETES_VERSION a workflow sets is the version of the kind node image. */
export function kubernetesVersionProblems(workflows: readonly Workflow[], pinned: string): string[] {
  const problems: string[] = [];
  for (const workflow of workflows) {
    const scopes = [workflow.doc.env, ...jobs(workflow).map(([, job]) => job.env)] as (Json | undefined)[];
    for (const env of scopes) {
      const version = env?.KUBERNETES_VERSION;
      if (version !== undefined && String(version) !== pinned) {
        problems.push(
          `${workflow.file}: KUBERNETES_VERSION ${version}, deploy/kind/cluster.yaml runs ${pinned}`,
        );
      }
    }
  }
  return problems;
}
