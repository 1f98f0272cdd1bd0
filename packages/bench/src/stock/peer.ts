/**
 * The stock peer: the registry server with its own telemetry off
 * (TELEMETRY=off) and the usual generic set-up around it: the OpenTelemetry
 * SDK with auto-instrumentation (./register.ts, loaded first with --import),
 * a prom-client request histogram middleware and a winston json() + Console
 * line per request.
 */
import { serverConfigFromEnv, startServer } from '@menagerie/server';
import Koa, { type Middleware } from 'koa';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { createLogger, format, transports } from 'winston';
import { sdk } from './register.ts';

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const requestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Duration of HTTP requests.',
  labelNames: ['method', 'route', 'code'],
  registers: [registry],
});
const logger = createLogger({ level: 'info', format: format.json(), transports: [new transports.Console()] });

const stockInstrumentation: Middleware = async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.path === '/metrics') {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
    return;
  }
  const started = performance.now();
  const end = requestDuration.startTimer();
  try {
    await next();
  } finally {
    const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
    end({ method: ctx.method, route, code: String(ctx.status) });
    logger.info('request', {
      method: ctx.method,
      url: ctx.url,
      status: ctx.status,
      duration_ms: performance.now() - started,
    });
  }
};

/**
 * The stock middleware runs first, in the same Koa context as the server's
 * own middleware (so it sees the matched route), the way an application adds
 * generic instrumentation to its app.
 */
function aroundServer(app: Koa): Koa {
  const stock = new Koa();
  stock.silent = app.silent;
  stock.use(stockInstrumentation);
  for (const middleware of app.middleware) stock.use(middleware);
  return stock;
}

const server = await startServer({ config: serverConfigFromEnv(), wrapApp: aroundServer });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server
    .close()
    .then(() => sdk.shutdown())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
