import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import type { LRParser } from '@lezer/lr';
import { expect } from 'chai';
import { listPanelQueries, substituteVariables } from '../src/inspect/index.ts';

const errorsIn = (parser: LRParser, query: string): string[] => {
  const errors: string[] = [];
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}: ${query.slice(node.from, node.from + 30)}`);
    },
  });
  return errors;
};

describe('LogQL and TraceQL', () => {
  const queries = listPanelQueries();

  it('has Loki and Tempo panels to check', () => {
    expect(queries.filter((q) => q.datasource.type === 'loki')).to.not.be.empty;
    expect(queries.filter((q) => q.queryType === 'traceql')).to.not.be.empty;
  });

  it('parses every LogQL query with Grafana’s grammar (lezer-logql)', () => {
    const broken = queries
      .filter((q) => q.datasource.type === 'loki')
      .map((q) => ({ q, errors: errorsIn(logqlParser, substituteVariables(q.query)) }))
      .filter(({ errors }) => errors.length > 0)
      .map(({ q, errors }) => `${q.dashboardUid} / ${q.panelTitle}: ${errors.join('; ')}`);
    expect(broken).to.deep.equal([]);
  });

  it('parses every TraceQL query with Grafana’s grammar (lezer-traceql)', () => {
    const broken = queries
      .filter((q) => q.queryType === 'traceql')
      .map((q) => ({ q, errors: errorsIn(traceqlParser, substituteVariables(q.query)) }))
      .filter(({ errors }) => errors.length > 0)
      .map(({ q, errors }) => `${q.dashboardUid} / ${q.panelTitle}: ${errors.join('; ')}`);
    expect(broken).to.deep.equal([]);
  });

  it('has no Tempo query other than TraceQL searches and the service graph', () => {
    const others = queries.filter(
      (q) => q.datasource.type === 'tempo' && q.queryType !== 'traceql' && q.queryType !== 'serviceMap',
    );
    expect(others).to.deep.equal([]);
  });

  it('catches syntax errors (the checks can fail)', () => {
    expect(errorsIn(logqlParser, '{app="x" | json')).to.not.be.empty;
    expect(errorsIn(traceqlParser, '{ resource.service.name = }')).to.not.be.empty;
  });
});
