import { LOG_FIELD } from '@menagerie/contract';
import {
  largestSample,
  serviceNamesInTrace,
  spanRateQuery,
  traceIdsFromLogs,
} from '@menagerie/tools/e2e/checks/tempo';
import { expect } from 'chai';

const ID_A = 'a'.repeat(32);
const ID_B = '0123456789abcdef0123456789abcdef';

describe('trace ids and traces', () => {
  it('takes valid, distinct trace ids from log lines, newest first', () => {
    const lines = [
      { json: { [LOG_FIELD.traceId]: ID_B.toUpperCase() } },
      { json: { [LOG_FIELD.traceId]: ID_A } },
      { json: { [LOG_FIELD.traceId]: ID_B } },
      { json: { [LOG_FIELD.traceId]: '0'.repeat(32) } },
      { json: { [LOG_FIELD.traceId]: 'short' } },
      { json: { other: ID_A } },
      { json: undefined },
    ];
    expect(traceIdsFromLogs(lines)).to.deep.equal([ID_B, ID_A]);
  });

  const resource = (name: string) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
  });

  it('reads service names from the v2 answer (trace.resourceSpans)', () => {
    expect([
      ...serviceNamesInTrace({ trace: { resourceSpans: [resource('a'), resource('b')] } }),
    ]).to.deep.equal(['a', 'b']);
  });

  it('reads service names from the v1 answer (batches)', () => {
    expect([...serviceNamesInTrace({ batches: [resource('a')] })]).to.deep.equal(['a']);
  });

  it('finds no service in an empty or foreign answer', () => {
    expect(serviceNamesInTrace({ trace: {} }).size).to.equal(0);
    expect(serviceNamesInTrace('not a trace').size).to.equal(0);
  });
});

describe('TraceQL metrics answers', () => {
  it('takes the largest sample across series, whatever the value type', () => {
    const body = {
      series: [
        {
          labels: [],
          samples: [
            { timestampMs: '1', value: 0.5 },
            { timestampMs: '2', value: '2.25' },
          ],
        },
        { labels: [], samples: [{ timestampMs: '1', value: 1 }] },
      ],
    };
    expect(largestSample(body)).to.equal(2.25);
  });

  it('has no sample when Tempo computed no series, or answered something else', () => {
    expect(largestSample({ series: [] })).to.equal(undefined);
    expect(largestSample({ series: [{ samples: [{ value: 'NaN' }] }] })).to.equal(undefined);
    expect(largestSample({ error: 'localblocks processor not found' })).to.equal(undefined);
  });

  it("asks for the service's span rate", () => {
    expect(spanRateQuery('menagerie-server')).to.equal(
      '{ resource.service.name = "menagerie-server" } | rate()',
    );
  });
});
