import { randomBytes, randomUUID } from 'node:crypto';
import {
  chmodSync,
  createWriteStream,
  mkdirSync,
  renameSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { NAMESPACE, OTLP, STACK } from '@menagerie/contract';
import type { K8sObject } from '@menagerie/tools/charts/manifests';
import { stringify } from 'yaml';
import type { ProcessGroup } from '../processes.ts';
import {
  grafanaFiles,
  type LocalPod,
  lokiConfig,
  podLogFile,
  podTargets,
  promtailConfig,
  tempoConfig,
} from './configs.ts';
import { withIniSettings } from './ini.ts';
import type { Loopback } from './loopback.ts';
import {
  type FoundProgram,
  findLgtm,
  type LgtmName,
  missingLgtmLines,
  UPSTREAM_CHARTS_ENV,
} from './programs.ts';
import { renderRelease } from './rendered.ts';

/** Loopback ports of the observability programs: their cluster Service ports where they are free to use. */
export interface LgtmPorts {
  readonly loki: number;
  readonly tempo: number;
  readonly promtail: number;
  readonly grafana: number;
}

/** Ports nobody reaches from outside the stack: gRPC and gossip, apart so Loki and Tempo can share a host. */
const INTERNAL = { lokiGrpc: 9095, lokiMemberlist: 7946, tempoGrpc: 9097, tempoMemberlist: 7947 } as const;

/** The one mapping from the cluster's Services and paths to this stack. */
export function stackLoopback(
  dir: string,
  ports: LgtmPorts & { prometheus: number; alertmanager: number },
): Loopback {
  return {
    host: '127.0.0.1',
    namespace: NAMESPACE,
    routes: [
      { service: STACK.prometheus.service, port: STACK.prometheus.port, local: ports.prometheus },
      { service: STACK.alertmanager.service, port: STACK.alertmanager.port, local: ports.alertmanager },
      { service: STACK.loki.service, port: STACK.loki.port, local: ports.loki },
      { service: STACK.loki.service, port: INTERNAL.lokiGrpc, local: INTERNAL.lokiGrpc },
      { service: `${STACK.loki.service}-memberlist`, local: INTERNAL.lokiMemberlist },
      { service: STACK.tempo.service, port: STACK.tempo.port, local: ports.tempo },
    ],
    listen: { [OTLP.grpcPort]: OTLP.grpcPort, [OTLP.httpPort]: OTLP.httpPort },
    paths: {
      '/var/loki': join(dir, 'loki'),
      '/etc/loki/runtime-config': join(dir, 'loki'),
      '/var/tempo': join(dir, 'tempo'),
      '/tmp/tempo': join(dir, 'tempo', 'generator'),
      '/tmp/traces': join(dir, 'tempo', 'generator-traces'),
      '/conf': join(dir, 'tempo'),
      '/var/log/pods': join(dir, 'pod-logs', 'pods'),
      '/run/promtail': join(dir, 'promtail'),
    },
  };
}

export interface Observability {
  readonly running: readonly LgtmName[];
  readonly urls: Partial<Record<'grafana' | 'loki' | 'tempo' | 'promtail', string>>;
  /** The URL that answers 200 once each program is ready. */
  readonly readiness: Readonly<Record<string, string>>;
  readonly grafanaLogin?: { user: string; password: string };
  /** Where the services send OTLP, when Tempo runs. */
  readonly otlpEndpoint?: string;
  /** A stdout line of a local pod, written where the kubelet would keep it. */
  podLine(pod: LocalPod, line: string): void;
  /** The pods running now, for promtail's discovery. */
  publishPods(pods: readonly LocalPod[]): void;
  close(): Promise<void>;
}

export interface ObservabilityOptions {
  readonly group: ProcessGroup;
  readonly dir: string;
  readonly found: Partial<Record<LgtmName, FoundProgram>>;
  /** The rendered release; without it (no upstream charts) only Grafana can be configured. */
  readonly objects: readonly K8sObject[];
  readonly loopback: Loopback;
  readonly ports: LgtmPorts;
  readonly logLevel: string;
}

/** A local pod with a fresh uid, on this host. */
export const localPod = (deployment: string, pod: string, container: string): LocalPod => ({
  deployment,
  pod,
  container,
  uid: randomUUID(),
  node: hostname(),
});

const write = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

/** Writes every program's configuration and starts the programs that were found. */
export function startObservability(options: ObservabilityOptions): Observability {
  const { group, dir, found, objects, loopback, ports } = options;
  const file = (...parts: string[]) => join(dir, ...parts);
  const at = (port: number) => `http://${loopback.host}:${port}`;
  const running: LgtmName[] = [];
  const urls: Observability['urls'] = {};
  let grafanaLogin: Observability['grafanaLogin'];

  /** Loki, Tempo and promtail take the same flags: a config file and a log level. */
  const startWithConfig = (
    name: 'loki' | 'tempo' | 'promtail',
    program: FoundProgram,
    config: string,
    port: number,
  ) => {
    group.start({
      name,
      command: program.path,
      args: [`-config.file=${config}`, `-log.level=${options.logLevel}`],
    });
    running.push(name);
    urls[name] = at(port);
  };

  if (found.loki) {
    write(
      file('loki', 'loki.yaml'),
      lokiConfig(objects, loopback, {
        http: ports.loki,
        grpc: INTERNAL.lokiGrpc,
        memberlist: INTERNAL.lokiMemberlist,
      }),
    );
    write(file('loki', 'runtime-config.yaml'), '{}\n');
    startWithConfig('loki', found.loki, file('loki', 'loki.yaml'), ports.loki);
  }
  if (found.tempo) {
    const tempo = tempoConfig(objects, loopback, {
      http: ports.tempo,
      grpc: INTERNAL.tempoGrpc,
      memberlist: INTERNAL.tempoMemberlist,
    });
    write(file('tempo', 'tempo.yaml'), tempo.tempo);
    write(file('tempo', 'overrides.yaml'), tempo.overrides);
    startWithConfig('tempo', found.tempo, file('tempo', 'tempo.yaml'), ports.tempo);
  }
  const logs = new Map<string, WriteStream>();
  if (found.promtail && found.loki) {
    mkdirSync(file('promtail'), { recursive: true });
    write(file('promtail', 'targets.json'), '[]\n');
    write(
      file('promtail', 'promtail.yaml'),
      promtailConfig(objects, loopback, file('promtail', 'targets.json'), ports.promtail),
    );
    startWithConfig('promtail', found.promtail, file('promtail', 'promtail.yaml'), ports.promtail);
  }
  if (found.grafana?.home) {
    const grafana = grafanaFiles(objects, loopback);
    for (const [name, text] of Object.entries(grafana.datasources)) {
      write(file('grafana', 'provisioning', 'datasources', name), text);
    }
    for (const [folder, dashboards] of Object.entries(grafana.dashboards)) {
      for (const [name, json] of Object.entries(dashboards))
        write(file('grafana', 'dashboards', folder, name), json);
    }
    // The provider the chart's dashboards sidecar configures: one folder per grafana_folder annotation.
    write(
      file('grafana', 'provisioning', 'dashboards', 'sidecar.yaml'),
      stringify({
        apiVersion: 1,
        providers: [
          {
            name: 'sidecarProvider',
            type: 'file',
            disableDeletion: false,
            allowUiUpdates: false,
            updateIntervalSeconds: 30,
            options: { path: file('grafana', 'dashboards'), foldersFromFilesStructure: true },
          },
        ],
      }),
    );
    for (const empty of ['plugins', 'notifiers', 'alerting'])
      mkdirSync(file('grafana', 'provisioning', empty), { recursive: true });
    grafanaLogin = { user: 'admin', password: randomBytes(12).toString('base64url') };
    // For the live check (--grafana-password-file), readable by this user only.
    write(file('grafana', 'admin-password'), `${grafanaLogin.password}\n`);
    chmodSync(file('grafana', 'admin-password'), 0o600);
    write(
      file('grafana', 'grafana.ini'),
      withIniSettings(grafana.ini, {
        paths: {
          data: file('grafana', 'data'),
          logs: file('grafana', 'logs'),
          plugins: file('grafana', 'plugins'),
          provisioning: file('grafana', 'provisioning'),
        },
        server: { http_addr: loopback.host, http_port: String(ports.grafana), domain: loopback.host },
        security: { admin_user: grafanaLogin.user, admin_password: grafanaLogin.password },
        unified_storage: { index_path: file('grafana', 'search') },
      }),
    );
    const binary = found.grafana.path;
    group.start({
      name: 'grafana',
      command: binary,
      // `grafana server` (Grafana 10 and later) or the older `grafana-server`.
      args: [
        ...(binary.endsWith('grafana-server') ? [] : ['server']),
        `--homepath=${found.grafana.home}`,
        `--config=${file('grafana', 'grafana.ini')}`,
      ],
    });
    running.push('grafana');
    urls.grafana = at(ports.grafana);
  }

  const readiness: Record<string, string> = {};
  if (urls.loki) readiness.Loki = `${urls.loki}/ready`;
  if (urls.tempo) readiness.Tempo = `${urls.tempo}/ready`;
  if (urls.promtail) readiness.promtail = `${urls.promtail}/ready`;
  if (urls.grafana) readiness.Grafana = `${urls.grafana}/api/health`;
  return {
    running,
    urls,
    readiness,
    ...(grafanaLogin ? { grafanaLogin } : {}),
    ...(found.tempo ? { otlpEndpoint: at(OTLP.httpPort) } : {}),
    podLine(pod, line) {
      if (!urls.promtail) return;
      const path = file('pod-logs', podLogFile(pod));
      let stream = logs.get(path);
      if (!stream) {
        mkdirSync(dirname(path), { recursive: true });
        stream = createWriteStream(path, { flags: 'a' });
        logs.set(path, stream);
      }
      // The kubelet's CRI format: time, stream, full-line tag, the line.
      stream.write(`${new Date().toISOString()} stdout F ${line}\n`);
    },
    publishPods(pods) {
      if (!urls.promtail) return;
      writeFileSync(file('promtail', 'targets.json.tmp'), podTargets(objects, pods));
      renameSync(file('promtail', 'targets.json.tmp'), file('promtail', 'targets.json'));
    },
    async close() {
      await Promise.all([...logs.values()].map((stream) => new Promise((resolve) => stream.end(resolve))));
    },
  };
}

/**
 * Finds the programs, says in one line each what a missing one would add,
 * renders the release and starts what it can. Without the upstream charts
 * there is no configuration to run them with, and it says so.
 */
export async function prepareObservability(
  options: { readonly upstreamDir?: string; readonly environment: string },
  dir: string,
  ports: LgtmPorts & { prometheus: number; alertmanager: number },
  group: ProcessGroup,
  logLevel: string,
  out: NodeJS.WritableStream,
): Promise<Observability | undefined> {
  const found = findLgtm();
  for (const line of missingLgtmLines(found)) out.write(`[local stack] ${line}\n`);
  if (Object.keys(found).length === 0) return undefined;
  if (!options.upstreamDir) {
    out.write(
      `[local stack] ${Object.keys(found).join(', ')} found, but not started: their configuration is the umbrella chart rendered ` +
        `against the upstream charts; set ${UPSTREAM_CHARTS_ENV} to a directory with them unpacked (docs/local-stack.md)\n`,
    );
    return undefined;
  }
  const objects = await renderRelease(options.upstreamDir, options.environment);
  return startObservability({
    group,
    dir,
    found,
    objects,
    loopback: stackLoopback(dir, ports),
    ports,
    logLevel,
  });
}
