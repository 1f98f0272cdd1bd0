import { expect } from 'chai';
import { blocksNamed, parseAlloy } from './support/alloy-config.ts';
import { criLine, runPipeline } from './support/log-pipeline.ts';
import { analyseLogql, satisfies } from './support/logql.ts';
import { publicLabels, relabel } from './support/relabel.ts';

/** The helpers the live check reads the log collector's configuration with. */
describe('log collector checks', () => {
  const line = JSON.stringify({ level: 'warn', msg: 'x', trace_id: 'abc', status_code: 503 });

  it('runs cri, match, json, labels and structured_metadata as promtail does', () => {
    const stages = [
      { cri: {} },
      {
        match: {
          selector: '{app=~"menagerie-server|menagerie-client"}',
          stages: [
            { json: { expressions: { level: 'level', trace_id: 'trace_id' } } },
            { labels: { level: '' } },
            { structured_metadata: { trace_id: '' } },
          ],
        },
      },
    ];
    const kept = runPipeline(stages, { app: 'menagerie-server' }, criLine('2026-01-01T00:00:00Z', line));
    expect(kept.line).to.equal(line);
    expect(kept.labels).to.deep.equal({ app: 'menagerie-server', level: 'warn', stream: 'stdout' });
    expect(kept.structuredMetadata).to.deep.equal({ trace_id: 'abc' });
    const other = runPipeline(stages, { app: 'grafana' }, criLine('2026-01-01T00:00:00Z', line));
    expect(other.labels).to.deep.equal({ app: 'grafana', stream: 'stdout' });
  });

  it('refuses stages, expressions, relabel actions and LogQL it does not implement', () => {
    expect(() => runPipeline([{ regex: { expression: '.*' } }], {}, line)).to.throw('not implemented');
    expect(() => runPipeline([{ json: { expressions: { level: 'a.b' } } }], {}, line)).to.throw(
      'not implemented',
    );
    expect(() => relabel({}, [{ action: 'keep', source_labels: ['a'] }])).to.throw('not implemented');
    expect(() => analyseLogql('{app="x"} |= "error"')).to.throw('not implemented');
  });

  it('reads selectors, filters and groupings of LogQL, and compares values as Loki does', () => {
    const shape = analyseLogql(
      'sum by (route) (count_over_time({app=~"menagerie-.*", level="warn"} | json | status_code >= 500 [1m]))',
    );
    expect(shape.selector).to.deep.equal([
      { label: 'app', op: '=~', value: 'menagerie-.*' },
      { label: 'level', op: '=', value: 'warn' },
    ]);
    expect(shape.parsers).to.deep.equal(['json']);
    expect(shape.filters).to.deep.equal([{ label: 'status_code', op: '>=', value: 500 }]);
    expect(shape.groupBy).to.deep.equal(['route']);
    expect(satisfies(503, { label: 'status_code', op: '>=', value: 500 })).to.equal(true);
    expect(satisfies(499, { label: 'status_code', op: '>=', value: 500 })).to.equal(false);
    expect(satisfies('menagerie-server', { label: 'app', op: '=~', value: 'menagerie' })).to.equal(false);
  });

  it('reads Alloy blocks and applies relabel rules as Prometheus does', () => {
    const blocks = parseAlloy(`
      // a comment
      discovery.relabel "pods" {
        targets = discovery.kubernetes.pods.targets
        rule {
          source_labels = ["__meta_a", "__meta_b"]
          regex         = "^;*([^;]+)(;.*)?$"
          target_label  = "app"
        }
      }
    `);
    const [relabelBlock] = blocksNamed(blocks, 'discovery.relabel');
    expect(relabelBlock?.label).to.equal('pods');
    expect(relabelBlock?.attributes.targets).to.deep.equal({ ref: 'discovery.kubernetes.pods.targets' });
    const rule = relabelBlock?.blocks[0]?.attributes as { source_labels: string[] };
    expect(publicLabels(relabel({ __meta_a: '', __meta_b: 'web' }, [rule]))).to.deep.equal({ app: 'web' });
  });
});
