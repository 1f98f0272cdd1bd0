import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT, PATHS } from '@menagerie/contract';
import { describeSignals } from '@menagerie/settings';
import {
  type Logger,
  negotiateFormat,
  renderMetrics,
  type SpanExporter,
  startTelemetry,
} from '@menagerie/telemetry';
import type { ClientConfig } from './config.ts';
import { OpenLoop } from './open-loop.ts';
import { Population } from './population.ts';
import { planRequest, type Random, retirePlan, scenarioPicker } from './scenarios.ts';
import { createSender } from './sender.ts';
import { RunStats, type Summary, summaryFields } from './stats.ts';
import { type ClientTelemetry, clientTelemetry, clientTelemetryOff } from './telemetry.ts';

export interface ClientOptions {
  config: ClientConfig;
  /** Interface for /metrics and /healthz; all interfaces when undefined. */
  host?: string;
  random?: Random;
  env?: NodeJS.ProcessEnv;
  logStream?: NodeJS.WritableStream;
  spanExporter?: SpanExporter;
  /** Milliseconds between progress lines. */
  progressIntervalMs?: number;
}

export interface RunningClient {
  readonly port: number;
  readonly log: Logger;
  /** Resolves with the final summary when DURATION ends or stop() is called. */
  readonly finished: Promise<Summary>;
  /** Stops scheduling, waits for requests in flight (at most the request timeout), flushes spans and logs. */
  stop(): Promise<Summary>;
}

export const PROGRESS_INTERVAL_MS = 5000;

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export async function startClient(options: ClientOptions): Promise<RunningClient> {
  const { config } = options;
  const random = options.random ?? Math.random;
  const shared = startTelemetry({
    defaultServiceName: CLIENT.name,
    build: config,
    signals: config.telemetry,
    logLevel: config.logLevel,
    env: options.env ?? process.env,
    spanExporter: options.spanExporter,
    logStream: options.logStream,
  });
  const { log } = shared;
  const registry = shared.metrics?.registry;
  const telemetry: ClientTelemetry = registry ? clientTelemetry(registry, config.rate) : clientTelemetryOff;

  const http: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === PATHS.liveness) return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === PATHS.metrics && registry) {
      renderMetrics(registry, negotiateFormat(req.headers.accept)).then(
        ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
        () => json(res, 500, { error: { status: 500, code: 'internal_error', message: 'metrics failed' } }),
      );
      return;
    }
    json(res, 404, { error: { status: 404, code: 'not_found', message: 'no such resource' } });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;

  const send = createSender({
    baseUrl: config.serverUrl,
    timeoutMs: config.requestTimeoutMs,
    tracer: shared.tracer,
    log: shared.requestLog,
  });
  const nextScenario = scenarioPicker(config.weights, random);
  // Room for every registration that can be in flight when a retirement is planned.
  const population = new Population(config.populationLimit, config.maxInFlight);
  const stats = new RunStats();

  let endSchedule: () => void = () => {};
  const scheduleEnded = new Promise<void>((resolve) => {
    endSchedule = resolve;
  });
  const loop = new OpenLoop({
    rate: config.rate,
    maxInFlight: config.maxInFlight,
    durationSeconds: config.durationSeconds,
    onScheduled: () => telemetry.scheduled(),
    onUnsent: (reason) => {
      telemetry.unsent(reason);
      stats.unsent();
    },
    onScheduleEnd: () => endSchedule(),
    fire: async (scheduledAt) => {
      telemetry.inFlight(1);
      try {
        // Over the limit, the due request retires the oldest animal instead:
        // the schedule keeps its rate and the population stays bounded.
        const oldest = population.overLimit ? population.takeOldest() : undefined;
        const plan = oldest
          ? retirePlan(oldest)
          : planRequest(nextScenario(), random, population.pick(random));
        const result = await send(plan);
        const seconds = (performance.now() - scheduledAt) / 1000;
        if (result.createdId) population.add(result.createdId);
        stats.answered(result.outcome, result.expectation, seconds);
        telemetry.answered(plan.scenario, result.outcome, result.expectation, seconds, result.traceId);
      } catch (error) {
        log.error('request could not be planned or sent', { error: String(error) });
      } finally {
        telemetry.inFlight(-1);
      }
    },
  });

  log.info(`${shared.serviceName} sending to ${config.serverUrl}`, {
    port,
    server_url: config.serverUrl,
    target_rps: config.rate,
    duration_s: config.durationSeconds ?? 'until stopped',
    max_in_flight: config.maxInFlight,
    population_limit: config.populationLimit,
    request_timeout_ms: config.requestTimeoutMs,
    traces: shared.tracesDestination,
    telemetry: describeSignals(config.telemetry),
    version: config.version,
  });
  loop.start();
  const progress = setInterval(() => {
    log.info('progress', {
      ...summaryFields(stats.takeInterval(), config.rate),
      in_flight: loop.inFlight,
      population: population.size,
    });
  }, options.progressIntervalMs ?? PROGRESS_INTERVAL_MS);

  let stopping: Promise<Summary> | undefined;
  let reportFinished: (summary: Summary) => void = () => {};
  const finished = new Promise<Summary>((resolve) => {
    reportFinished = resolve;
  });
  const stop = () => {
    stopping ??= (async () => {
      loop.stop();
      clearInterval(progress);
      const drainLimit = new Promise<void>((resolve) =>
        setTimeout(resolve, config.requestTimeoutMs + 1000).unref(),
      );
      await Promise.race([loop.drained(), drainLimit]);
      const summary = stats.total();
      log.info('summary', {
        ...summaryFields(summary, config.rate),
        scheduled: loop.scheduled,
        population: population.size,
        population_forgotten: population.forgotten,
      });
      await shared.flushSpans().catch(() => {});
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await log.close();
      reportFinished(summary);
      return summary;
    })();
    return stopping;
  };
  void scheduleEnded.then(stop);

  return { port, log, finished, stop: () => stopping ?? stop() };
}
