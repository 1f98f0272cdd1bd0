import { CLIENT, LABEL, SERVER, SLI_ROUTES, TARGET_LABEL } from '@menagerie/contract';
import { eq, oneOf, rate, selector } from '../promql.ts';
import { RATE_INTERVAL, scope } from './kit.ts';

/** Label matchers the dashboards combine: one service's targets within the selected scope. */
export const serverScope = [eq(TARGET_LABEL.job, SERVER.name), scope.namespace, scope.pod];
export const clientScope = [eq(TARGET_LABEL.job, CLIENT.name), scope.namespace, scope.pod];
export const anyServiceScope = [scope.namespace, scope.service, scope.pod];
export const apiRoutes = oneOf(LABEL.route, SLI_ROUTES);

/** `histogram_quantile` over a classic histogram's buckets, keeping `by` labels. */
export const quantile = (q: number, bucketSeries: string, by: readonly string[] = []): string =>
  `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(bucketSeries, RATE_INTERVAL)}))`;

export const rateOf = (metric: string, matchers: readonly string[]): string =>
  rate(selector(metric, matchers), RATE_INTERVAL);
