import type Router from '@koa/router';
import { PATHS } from '@menagerie/contract';
import type { Registry } from '@menagerie/telemetry';
import { negotiateFormat, renderMetrics } from '@menagerie/telemetry';
import { HttpProblem } from '../http/errors.ts';

export interface Lifecycle {
  /** False once shutdown has begun. */
  ready: boolean;
}

export function probeRoutes(router: Router, lifecycle: Lifecycle, registry: Registry | undefined): void {
  router.get(PATHS.liveness, (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get(PATHS.readiness, (ctx) => {
    if (!lifecycle.ready) throw new HttpProblem(503, 'shutting_down', 'the server is shutting down');
    ctx.body = { status: 'ready' };
  });

  // With TELEMETRY=off there is no registry and no route: /metrics is a 404.
  if (registry) {
    router.get(PATHS.metrics, async (ctx) => {
      const { contentType, body } = await renderMetrics(registry, negotiateFormat(ctx.get('Accept')));
      ctx.set('Content-Type', contentType);
      ctx.body = body;
    });
  }
}
