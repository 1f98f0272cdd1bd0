import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * Reads PromQL with Prometheus' own grammar (the one its web UI uses): syntax
 * errors, and the metric names an expression selects.
 */

export interface PromqlSyntaxError {
  readonly at: number;
  readonly near: string;
}

export function promqlSyntaxErrors(expr: string): PromqlSyntaxError[] {
  const errors: PromqlSyntaxError[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push({ at: node.from, near: expr.slice(node.from, node.from + 30) });
    },
  });
  return errors;
}

/**
 * Names of the metrics selected by an expression. A selector without a metric
 * name (`{__name__=~"…"}`) is reported as `null` so callers can reject it:
 * such a selector hides which metrics a query depends on.
 */
export function selectedMetricNames(expr: string): (string | null)[] {
  const names: (string | null)[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return;
      const identifier: SyntaxNode | null = node.node.getChild('Identifier');
      names.push(identifier ? expr.slice(identifier.from, identifier.to) : null);
    },
  });
  return names;
}
