import { expect } from 'chai';
import {
  CLIENT,
  CLIENT_METRICS,
  COMMON_METRICS,
  LATENCY_BUCKETS_SECONDS,
  LATENCY_SLO,
  type MetricDefinition,
  SERVER,
  SERVER_METRICS,
} from '../src/index.ts';

const allMetrics: MetricDefinition[] = [
  ...Object.values(SERVER_METRICS),
  ...Object.values(CLIENT_METRICS),
  ...Object.values(COMMON_METRICS),
];

describe('contract', () => {
  it('gives every metric a unique name', () => {
    const names = allMetrics.map((m) => m.name);
    expect(new Set(names).size).to.equal(names.length);
  });

  it('follows Prometheus naming conventions', () => {
    for (const m of allMetrics) {
      expect(m.name, m.name).to.match(/^menagerie_[a-z][a-z0-9_]*$/);
      if (m.type === 'counter') expect(m.name, m.name).to.match(/_total$/);
      else expect(m.name, m.name).not.to.match(/_total$/);
      if (m.type === 'histogram') expect(m.name, m.name).to.match(/_seconds$/);
      for (const label of m.labels) expect(label).to.match(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('has histogram buckets that contain the latency SLO threshold', () => {
    expect(LATENCY_BUCKETS_SECONDS).to.include(LATENCY_SLO.thresholdSeconds);
    const sorted = [...LATENCY_BUCKETS_SECONDS].sort((a, b) => a - b);
    expect([...LATENCY_BUCKETS_SECONDS]).to.deep.equal(sorted);
  });

  it('gives the two services distinct ports', () => {
    expect(SERVER.port).to.not.equal(CLIENT.port);
  });
});
