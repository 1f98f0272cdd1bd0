import { existsSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { findOnPath } from '../prerequisites.ts';

/**
 * Loki, Tempo, promtail and Grafana have no Debian package. The local stack
 * runs them when it finds them, in the directory named by LGTM_BIN_ENV or on
 * PATH, as Grafana's apt repository, Homebrew or the projects' release
 * archives install them; without them the rest of the stack still starts.
 */
export const LGTM_BIN_ENV = 'MENAGERIE_LGTM_BIN';

/** The directory with the upstream charts unpacked (one folder per chart), whose rendered output configures the programs. */
export const UPSTREAM_CHARTS_ENV = 'MENAGERIE_UPSTREAM_CHARTS';

export interface LgtmProgram {
  /** Names to look for, in order. */
  readonly commands: readonly string[];
  readonly adds: string;
  readonly install: string;
}

export const LGTM_PROGRAM = {
  loki: {
    commands: ['loki'],
    adds: 'logs in Grafana (Explore, the logs dashboard, trace-to-logs links)',
    install:
      'Grafana apt repository: apt-get install loki; Homebrew: brew install loki; or a release archive of grafana/loki',
  },
  tempo: {
    commands: ['tempo'],
    adds: 'traces, the service graph and span metrics in Grafana',
    install:
      'Grafana apt repository: apt-get install tempo; Homebrew: brew install tempo; or a release archive of grafana/tempo',
  },
  promtail: {
    commands: ['promtail'],
    adds: "shipping the services' log lines to Loki with the chart's labels and parsing",
    install:
      'Grafana apt repository: apt-get install promtail; or a release archive of grafana/loki (3.6 is the last)',
  },
  grafana: {
    commands: ['grafana', 'grafana-server'],
    adds: "Grafana at http://127.0.0.1:3000 with the chart's datasources and dashboards",
    install: 'Grafana apt repository: apt-get install grafana; Homebrew: brew install grafana',
  },
} as const satisfies Record<string, LgtmProgram>;

export type LgtmName = keyof typeof LGTM_PROGRAM;

export interface FoundProgram {
  readonly path: string;
  /** For Grafana: its home (conf/defaults.ini and public/). */
  readonly home?: string;
}

/** The search path: LGTM_BIN_ENV first, then PATH. */
export function lgtmSearchPath(env: NodeJS.ProcessEnv = process.env): string {
  return [env[LGTM_BIN_ENV], env.PATH].filter(Boolean).join(delimiter);
}

/** Grafana's home: next to a binary in <home>/bin (a release archive or a build), else the apt package's. */
export function grafanaHome(binary: string): string | undefined {
  const candidates = [dirname(dirname(realpathSync(binary))), '/usr/share/grafana'];
  return candidates.find((home) => existsSync(join(home, 'conf', 'defaults.ini')));
}

export function findLgtm(env: NodeJS.ProcessEnv = process.env): Partial<Record<LgtmName, FoundProgram>> {
  const path = lgtmSearchPath(env);
  const found: Partial<Record<LgtmName, FoundProgram>> = {};
  for (const [name, program] of Object.entries(LGTM_PROGRAM) as [LgtmName, LgtmProgram][]) {
    const binary = program.commands.map((command) => findOnPath(command, path)).find(Boolean);
    if (!binary) continue;
    if (name === 'grafana') {
      const home = grafanaHome(binary);
      if (home) found.grafana = { path: binary, home };
    } else {
      found[name] = { path: binary };
    }
  }
  return found;
}

/** One line per missing program: what it would add and how to get it. */
export function missingLgtmLines(found: Partial<Record<LgtmName, FoundProgram>>): string[] {
  return (Object.entries(LGTM_PROGRAM) as [LgtmName, LgtmProgram][])
    .filter(([name]) => !found[name])
    .map(
      ([, program]) =>
        `${program.commands[0]} not found (in $${LGTM_BIN_ENV} or on PATH): it would add ${program.adds}. Install: ${program.install}`,
    );
}
