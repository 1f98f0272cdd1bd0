import Router from '@koa/router';
import type { Logger } from '@menagerie/telemetry';
import Koa from 'koa';
import { edgeChecks } from './http/edge-checks.ts';
import { errorHandler } from './http/errors.ts';
import { securityHeaders } from './http/security-headers.ts';
import type { FaultInjector } from './profile/faults.ts';
import { animalRoutes } from './routes/animals.ts';
import { apiDescriptionRoute } from './routes/api-description.ts';
import { type Lifecycle, probeRoutes } from './routes/probes.ts';
import type { AnimalStore } from './store.ts';
import type { ServerTelemetry } from './telemetry.ts';

export interface AppDeps {
  store: AnimalStore;
  faults: FaultInjector;
  log: Logger;
  lifecycle: Lifecycle;
  telemetry: ServerTelemetry;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Errors are answered and logged by errorHandler; Koa's own stderr report
  // only sees failures writing to a socket the client already closed.
  app.silent = true;
  app.on('error', (error: Error) => deps.log.debug('response not delivered', { error: error.message }));

  const router = new Router();
  animalRoutes(router, deps);
  probeRoutes(router, deps.lifecycle, deps.telemetry.registry);
  apiDescriptionRoute(router);

  /** Methods a path allows, when the path matches a route but the method does not. */
  const allowedMethods = (method: string, path: string): string[] => {
    const match = router.match(path, method);
    if (match.route) return [];
    return [...new Set(match.path.flatMap((layer) => layer.methods))];
  };

  if (deps.telemetry.requests) app.use(deps.telemetry.requests);
  app.use(securityHeaders());
  app.use(async (ctx, next) => {
    await next();
    // Once shutdown has begun, close each connection after its response (so
    // keep-alive clients reconnect elsewhere), requests that were already in
    // flight when it began included: their connections would otherwise stay
    // open, idle, until the keep-alive timeout, and hold the close back.
    if (!deps.lifecycle.ready) ctx.set('Connection', 'close');
  });
  app.use(errorHandler(deps.log, allowedMethods));
  app.use(edgeChecks());
  app.use(router.routes());
  return app;
}
