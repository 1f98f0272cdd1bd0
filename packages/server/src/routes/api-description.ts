import type Router from '@koa/router';
import { PATHS } from '@menagerie/contract';
import { renderOpenApiDocument } from '../openapi/document.ts';

/** Serves the OpenAPI document, rendered once at start (it depends on no request or setting). */
export function apiDescriptionRoute(router: Router): void {
  const document = renderOpenApiDocument();
  router.get(PATHS.apiDescription, (ctx) => {
    ctx.type = 'application/json';
    ctx.body = document;
  });
}
