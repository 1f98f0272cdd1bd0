import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program the local stack runs, and the Debian package that installs it. */
export interface Program {
  readonly command: string;
  readonly debianPackage: string;
  readonly purpose: string;
}

export const PROGRAM = {
  prometheus: {
    command: 'prometheus',
    debianPackage: 'prometheus',
    purpose: 'scrapes the services, evaluates the chart rules, stores exemplars',
  },
  alertmanager: {
    command: 'prometheus-alertmanager',
    debianPackage: 'prometheus-alertmanager',
    purpose: "receives the alerts, with the chart's routes and inhibitions",
  },
  blackboxExporter: {
    command: 'prometheus-blackbox-exporter',
    debianPackage: 'prometheus-blackbox-exporter',
    purpose: "probes the server's readiness from outside",
  },
} as const satisfies Record<string, Program>;

/** The absolute path of `command` on PATH, or undefined. */
export function findOnPath(command: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export class PrerequisiteError extends Error {}

/**
 * Fails with one message naming every missing program, its Debian package and
 * the install command, and every service that has not been built.
 */
export function checkPrerequisites(
  programs: readonly Program[],
  builtFiles: readonly string[],
  path = process.env.PATH ?? '',
): void {
  const missing = programs.filter((p) => !findOnPath(p.command, path));
  const unbuilt = builtFiles.filter((file) => !existsSync(file));
  if (missing.length === 0 && unbuilt.length === 0) return;
  const lines: string[] = [];
  for (const p of missing) {
    lines.push(`${p.command} is not on PATH (Debian package ${p.debianPackage}; it ${p.purpose})`);
  }
  if (missing.length > 0) {
    lines.push(`install: sudo apt-get install ${missing.map((p) => p.debianPackage).join(' ')}`);
  }
  for (const file of unbuilt) lines.push(`${file} is missing: build first (pnpm build)`);
  throw new PrerequisiteError(lines.join('\n'));
}
