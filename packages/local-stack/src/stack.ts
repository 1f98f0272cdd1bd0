import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLIENT,
  CLIENT_ENV,
  LOG_FIELD,
  OTEL_ENV,
  OUTPUT_DIR,
  PATHS,
  ROUTE,
  SERVER,
  SERVER_ENV,
  TARGET_LABEL,
} from '@menagerie/contract';
import { REPOSITORY_ROOT } from '@menagerie/contract/repository';
import { chartRunbookBaseUrl, withRunbookLinks } from '@menagerie/tools/charts/runbook-links';
import { parse, stringify } from 'yaml';
import { blackboxConfig } from './config/blackbox.ts';
import { podTargets, prometheusConfig } from './config/prometheus.ts';
import {
  type AlertmanagerApi,
  alertmanagerApi,
  type PrometheusApi,
  prometheusApi,
  waitUntil,
} from './http-apis.ts';
import type { LocalPod } from './observability/configs.ts';
import { localPod, type Observability, prepareObservability } from './observability/start.ts';
import { checkPrerequisites, PROGRAM } from './prerequisites.ts';
import { createProcessGroup, type ManagedProcess, type ProcessGroup } from './processes.ts';
import { startServiceProxy } from './service-proxy.ts';
import type { Rhythm, StackPorts } from './settings.ts';
import { clientPod, type PodEndpoint, serverPod } from './target-labels.ts';
import { startTraceSink, type TraceSink } from './trace-sink.ts';

const HOST = '127.0.0.1';

export const packageMain = (name: 'server' | 'client'): string =>
  fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));

/** The chart's rule files (paths relative to the repository). */
export const chartRuleFiles = (): string[] =>
  readdirSync(join(REPOSITORY_ROOT, OUTPUT_DIR.rules))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(OUTPUT_DIR.rules, name));

/**
 * Writes the chart's rule files under `dir`, at the same relative paths (so
 * Prometheus's pages name them as the repository does), as the chart's
 * PrometheusRules carry them in the cluster: each alert linked to its runbook
 * from the chart's alerting.runbookBaseUrl.
 */
export function writeChartRuleFiles(dir: string): string[] {
  const baseUrl = chartRunbookBaseUrl();
  const files = chartRuleFiles();
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    const rules = parse(readFileSync(join(REPOSITORY_ROOT, file), 'utf8'));
    writeFileSync(target, stringify(withRunbookLinks(rules, baseUrl)));
  }
  return files;
}

/** The chart's Alertmanager configuration, used as it is. */
export const CHART_ALERTMANAGER_CONFIG = join(REPOSITORY_ROOT, OUTPUT_DIR.alertmanager, 'alertmanager.yaml');

/** What differs between two releases of the server. */
export interface Release {
  /** MENAGERIE_VERSION; the build-info metric and the release markers show it. */
  readonly version?: string;
  /** BEHAVIOUR_PROFILE: a YAML file under packages/server/profiles, for instance. */
  readonly behaviourProfile?: string;
}

export interface StackOptions {
  readonly ports: StackPorts;
  /** Emptied at start: generated configuration, Prometheus' and Alertmanager's data. */
  readonly dir: string;
  readonly rhythm: Rhythm;
  readonly out?: NodeJS.WritableStream;
  /** Where both services export spans; without it the stack runs a sink that drops them. */
  readonly otlpEndpoint?: string;
  readonly release?: Release;
  /** Extra client variables (RATE, …); the client also inherits the launcher's environment. */
  readonly clientEnv?: Readonly<Record<string, string>>;
  /** Log level of Prometheus, Alertmanager and the blackbox exporter. */
  readonly monitoringLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Every stdout line of every server pod. */
  readonly onServerLine?: (line: string, pod: string) => void;
  /** How long everything may take to come up. */
  readonly startTimeoutMs?: number;
  /**
   * Also run Loki, Tempo, promtail and Grafana where they are installed, each
   * configured by the umbrella chart rendered against the upstream charts in
   * `upstreamDir` with the helmfile `environment`'s values.
   */
  readonly observability?: { readonly upstreamDir?: string; readonly environment: string };
}

export interface StackUrls {
  readonly serverApi: string;
  readonly serverMetrics: string;
  readonly clientMetrics: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly blackboxExporter: string;
  readonly probe: string;
}

export interface LocalStack {
  readonly urls: StackUrls;
  /** Loki, Tempo, promtail and Grafana, as far as they run. */
  readonly observability?: Observability;
  readonly prometheus: PrometheusApi;
  readonly alertmanager: AlertmanagerApi;
  /** The server pod receiving the Service's traffic now. */
  readonly serverPod: PodEndpoint;
  /** Resolves with a reason when a process dies on its own. */
  readonly failed: Promise<string>;
  /** A rolling update of the server: new pod up and scraped, Service moved, old pod stopped. */
  rollOut(release: Release): Promise<void>;
  /** Stops everything; resolves with the exit code the launcher should use. */
  stop(): Promise<number>;
}

export function stackUrls(ports: StackPorts): StackUrls {
  const at = (port: number) => `http://${HOST}:${port}`;
  return {
    serverApi: `${at(ports.server)}${ROUTE.animals}`,
    serverMetrics: `${at(ports.server)}${PATHS.metrics}`,
    clientMetrics: `${at(ports.client)}${PATHS.metrics}`,
    prometheus: at(ports.prometheus),
    alertmanager: at(ports.alertmanager),
    blackboxExporter: at(ports.blackboxExporter),
    probe: `${at(ports.server)}${PATHS.readiness}`,
  };
}

/** Writes a file so that a watcher (Prometheus' file discovery) never reads half of it. */
function writeAtomically(file: string, content: string): void {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

interface RunningPod {
  readonly endpoint: PodEndpoint;
  readonly logs: LocalPod;
  readonly process: ManagedProcess;
  readonly port: number;
}

const ok = async (url: string): Promise<true | undefined> =>
  (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined;

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const { ports, dir, rhythm } = options;
  const out = options.out ?? process.stdout;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const serverMain = packageMain('server');
  const clientMain = packageMain('client');
  checkPrerequisites(Object.values(PROGRAM), [serverMain, clientMain]);

  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['prometheus-data', 'alertmanager-data']) mkdirSync(join(dir, sub), { recursive: true });
  const file = (name: string) => join(dir, name);
  const urls = stackUrls(ports);
  const address = (port: number) => `${HOST}:${port}`;
  // Prometheus runs in `dir` and reads the rule files written there.
  const ruleFiles = writeChartRuleFiles(dir);
  const serverTargetsFile = file('server-targets.json');
  writeAtomically(serverTargetsFile, '[]\n');
  writeFileSync(file('blackbox.yml'), stringify(blackboxConfig()));
  writeFileSync(
    file('prometheus.yml'),
    stringify(
      prometheusConfig({
        rhythm,
        ruleFiles,
        alertmanagerAddress: address(ports.alertmanager),
        serverTargetsFile,
        clientAddress: address(ports.client),
        prometheusAddress: address(ports.prometheus),
        blackboxAddress: address(ports.blackboxExporter),
        probeUrl: urls.probe,
      }),
    ),
  );

  const group: ProcessGroup = createProcessGroup(out, 'alertmanager'.length);
  const prometheus = prometheusApi(urls.prometheus);
  const alertmanager = alertmanagerApi(urls.alertmanager);
  const logLevel = options.monitoringLogLevel ?? 'warn';
  let sink: TraceSink | undefined;
  let observability: Observability | undefined;
  const proxy = await startServiceProxy(ports.server, HOST);
  const cleanUp = async () => {
    await group.stop();
    await proxy.close();
    await sink?.close();
    await observability?.close();
  };

  try {
    if (options.observability) {
      observability = await prepareObservability(options.observability, dir, ports, group, logLevel, out);
    }
    const tracesTo = options.otlpEndpoint ?? observability?.otlpEndpoint;
    if (!tracesTo) sink = await startTraceSink(HOST);
    const otlpEndpoint = tracesTo ?? (sink as TraceSink).endpoint;
    const untilFailure = <T>(what: string, check: () => Promise<T | undefined>) =>
      Promise.race([
        waitUntil(what, check, timeoutMs),
        group.failed.then((reason) => Promise.reject(new Error(reason))),
      ]);

    let generation = 0;
    const startPod = async (release: Release): Promise<RunningPod> => {
      const endpoint = serverPod(generation++);
      const logs = localPod(SERVER.name, endpoint.pod, SERVER.container);
      let announce: (port: number) => void = () => {};
      const announced = new Promise<number>((resolve) => {
        announce = resolve;
      });
      const env: Record<string, string> = { [SERVER_ENV.port]: '0', [OTEL_ENV.endpoint]: otlpEndpoint };
      if (release.version) env[SERVER_ENV.version] = release.version;
      if (release.behaviourProfile) env[SERVER_ENV.behaviourProfile] = release.behaviourProfile;
      const child = group.start({
        name: 'server',
        command: process.execPath,
        args: [serverMain],
        env,
        onStdoutLine: (line) => {
          options.onServerLine?.(line, endpoint.pod);
          observability?.podLine(logs, line);
          if (!line.includes('listening')) return;
          try {
            const port = (JSON.parse(line) as Record<string, unknown>).port;
            if (typeof port === 'number') announce(port);
          } catch {}
        },
      });
      const port = await untilFailure(`server pod ${endpoint.pod} to listen`, async () =>
        Promise.race([announced, new Promise<undefined>((r) => setTimeout(() => r(undefined), 200))]),
      );
      await untilFailure(`${endpoint.pod} to be ready`, () => ok(`http://${HOST}:${port}${PATHS.readiness}`));
      return { endpoint, logs, process: child, port };
    };
    const clientLogs = localPod(CLIENT.name, clientPod.pod, CLIENT.container);
    const publishPods = (pods: readonly RunningPod[]) => {
      writeAtomically(
        serverTargetsFile,
        `${JSON.stringify(
          pods.map((p) => podTargets(address(p.port), p.endpoint)),
          null,
          2,
        )}\n`,
      );
      observability?.publishPods([...pods.map((p) => p.logs), clientLogs]);
    };
    const scrapedUp = (pod: PodEndpoint) => async () =>
      (await prometheus.targets()).some((t) => t.labels[TARGET_LABEL.pod] === pod.pod && t.health === 'up') ||
      undefined;

    group.start({
      name: 'alertmanager',
      command: PROGRAM.alertmanager.command,
      args: [
        `--config.file=${CHART_ALERTMANAGER_CONFIG}`,
        `--storage.path=${file('alertmanager-data')}`,
        `--web.listen-address=${address(ports.alertmanager)}`,
        `--web.external-url=${urls.alertmanager}`,
        // One Alertmanager, no gossip port.
        '--cluster.listen-address=',
        `--log.level=${logLevel}`,
      ],
    });
    group.start({
      name: 'blackbox',
      command: PROGRAM.blackboxExporter.command,
      args: [
        `--config.file=${file('blackbox.yml')}`,
        `--web.listen-address=${address(ports.blackboxExporter)}`,
        `--log.level=${logLevel}`,
      ],
    });
    let current = await startPod(options.release ?? {});
    publishPods([current]);
    proxy.route(current.port);
    group.start({
      name: 'client',
      command: process.execPath,
      args: [clientMain],
      env: {
        [CLIENT_ENV.port]: String(ports.client),
        [CLIENT_ENV.serverUrl]: `http://${HOST}:${ports.server}`,
        [OTEL_ENV.endpoint]: otlpEndpoint,
        ...options.clientEnv,
      },
      onStdoutLine: (line) => observability?.podLine(clientLogs, line),
    });
    group.start({
      name: 'prometheus',
      command: PROGRAM.prometheus.command,
      cwd: dir,
      args: [
        '--config.file=prometheus.yml',
        '--storage.tsdb.path=prometheus-data',
        `--web.listen-address=${address(ports.prometheus)}`,
        `--web.external-url=${urls.prometheus}`,
        '--enable-feature=exemplar-storage',
        // Tempo's metrics generator writes span metrics and the service graph here.
        '--web.enable-remote-write-receiver',
        `--log.level=${logLevel}`,
      ],
    });

    await untilFailure('Alertmanager to be ready', async () => (await alertmanager.ready()) || undefined);
    await untilFailure('Prometheus to be ready', async () => (await prometheus.ready()) || undefined);
    await untilFailure('every scrape target to be up', async () => {
      const targets = await prometheus.targets();
      return targets.length === 4 && targets.every((t) => t.health === 'up') ? true : undefined;
    });
    for (const [name, url] of Object.entries(observability?.readiness ?? {})) {
      await untilFailure(`${name} to be ready`, () => ok(url));
    }

    let rolling = false;
    return {
      urls,
      ...(observability ? { observability } : {}),
      prometheus,
      alertmanager,
      failed: group.failed,
      get serverPod() {
        return current.endpoint;
      },
      async rollOut(release) {
        if (rolling) throw new Error('a rollout is already under way');
        rolling = true;
        try {
          const next = await startPod(release);
          publishPods([current, next]);
          await untilFailure(`Prometheus to scrape ${next.endpoint.pod}`, scrapedUp(next.endpoint));
          proxy.route(next.port);
          await current.process.stop();
          publishPods([next]);
          current = next;
        } finally {
          rolling = false;
        }
      },
      async stop() {
        await cleanUp();
        return group.exitCode;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The JSON object of a log line, or undefined for a line that is not one. */
export function parseLogLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(line) as unknown;
    return typeof parsed === 'object' && parsed !== null && LOG_FIELD.level in parsed
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
