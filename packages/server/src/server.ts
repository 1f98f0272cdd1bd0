import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SERVER } from '@menagerie/contract';
import { describeSignals } from '@menagerie/settings';
import { type Logger, type SpanExporter, startTelemetry } from '@menagerie/telemetry';
import type Koa from 'koa';
import { createApp } from './app.ts';
import type { ServerConfig } from './config.ts';
import { routeEdgeRequests } from './http/node-edge.ts';
import { faultInjector } from './profile/faults.ts';
import { loadBehaviourProfile } from './profile/load.ts';
import { NO_FAULTS } from './profile/profile.ts';
import type { Random } from './random.ts';
import type { Lifecycle } from './routes/probes.ts';
import { AnimalStore } from './store.ts';
import { serverTelemetry } from './telemetry.ts';

/**
 * How long shutdown waits for the last spans to be exported. A collector
 * that is down would otherwise hold the exit for the exporter's whole
 * timeout (10 s per attempt); the chart's grace period leaves 10 s after the
 * drain for this and the exit.
 */
export const SPAN_FLUSH_TIMEOUT_MS = 5000;

export interface StartOptions {
  config: ServerConfig;
  /** Interface to listen on; all interfaces when undefined. */
  host?: string;
  random?: Random;
  env?: NodeJS.ProcessEnv;
  /** Log destination; stdout when undefined. */
  logStream?: NodeJS.WritableStream;
  /** Replaces the OTLP exporter (tests). */
  spanExporter?: SpanExporter;
  /**
   * Replaces the app the HTTP server runs with one built around it. Only the
   * benchmark's stock peer uses it, to put generic instrumentation around
   * the server with its own telemetry off.
   */
  wrapApp?: (app: Koa) => Koa;
  /** Most time a client may take to send a whole request (tests shorten it). */
  requestTimeoutMs?: number;
}

/**
 * A request (headers and body) must arrive within this; a client that
 * trickles one in, or declares a body it never sends, gets a 408 and loses
 * the connection, instead of holding it for Node's default 300 s.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly log: Logger;
  readonly store: AnimalStore;
  /** Readiness off, stop accepting, let in-flight requests finish (within the grace period), flush spans and logs. */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config } = options;
  const env = options.env ?? process.env;
  const profile = config.faults ? loadBehaviourProfile(config.behaviourProfilePath) : NO_FAULTS;

  const signals = config.telemetry;
  const store = new AnimalStore(config.storeCapacity);
  const shared = startTelemetry({
    defaultServiceName: SERVER.name,
    build: config,
    signals,
    logLevel: config.logLevel,
    env,
    spanExporter: options.spanExporter,
    logStream: options.logStream,
  });
  const { log } = shared;

  const lifecycle: Lifecycle = { ready: true };
  const app = createApp({
    store,
    faults: faultInjector(profile, options.random ?? Math.random),
    log,
    lifecycle,
    telemetry: serverTelemetry(shared, { capacity: config.storeCapacity, size: () => store.size }),
  });

  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const handle = (options.wrapApp ? options.wrapApp(app) : app).callback();
  const server: Server = createServer(
    {
      // A request without Host is refused by the app (edgeChecks), with a
      // JSON body, instead of by Node with an empty 400.
      requireHostHeader: false,
      requestTimeout,
      headersTimeout: Math.min(requestTimeout, 15_000),
      // How often Node looks for requests over their timeout (its default is 30 s).
      connectionsCheckingInterval: Math.min(requestTimeout / 2, 5_000),
    },
    handle,
  );
  routeEdgeRequests(server, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? 'localhost';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  log.info(`${shared.serviceName} listening on port ${port}`, {
    port,
    url,
    traces: shared.tracesDestination,
    telemetry: describeSignals(signals),
    faults: config.faults ? 'on' : 'off',
    behaviour_profile: config.faults
      ? (config.behaviourProfilePath ?? 'built-in defaults')
      : 'none (FAULTS=off)',
    store_capacity: config.storeCapacity,
    version: config.version,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      lifecycle.ready = false;
      log.info('shutting down: readiness off, finishing in-flight requests', {
        grace_seconds: config.shutdownGraceSeconds,
      });
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => {
        log.warn('grace period over: closing the connections still open');
        server.closeAllConnections();
      }, config.shutdownGraceSeconds * 1000);
      await closed;
      clearTimeout(grace);
      let flushTimer: NodeJS.Timeout | undefined;
      const flushLimit = new Promise<string>((resolve) => {
        flushTimer = setTimeout(
          () => resolve(`not done after ${SPAN_FLUSH_TIMEOUT_MS} ms`),
          SPAN_FLUSH_TIMEOUT_MS,
        );
      });
      const flushed = await Promise.race([
        shared.flushSpans().then(
          () => undefined,
          (error: unknown) => String(error),
        ),
        flushLimit,
      ]);
      clearTimeout(flushTimer);
      if (flushed !== undefined) log.warn('spans could not all be exported', { error: flushed });
      log.info('stopped', { animals: store.size });
      await log.close();
    })();
    return closing;
  };

  return { url, port, log, store, close };
}
