import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { BURN_RATE_POLICY, CLIENT, DASHBOARD_UID, SLI_WINDOWS, SLO_RECORD } from '@menagerie/contract';
import { num } from '../promql.ts';
import * as clientQueries from '../queries/client.ts';
import * as q from '../queries/slo.ts';
import { AVAILABILITY_SLI, errorBudget, periodWindow, SLIS, type SliDefinition } from '../slo.ts';
import {
  buildDashboard,
  prom,
  RANGE,
  RATE_INTERVAL,
  type RowSpec,
  statPanel,
  timeseriesPanel,
} from './kit.ts';
import { releaseMarkers } from './overview.ts';

/**
 * SLOs: for availability and latency, the SLI, the objective, the error budget
 * left over the SLO period and the burn rate over every alerting window. All
 * panels read the recording rules, so they show exactly what the alerts see.
 */

const pct = (ratio: number): string => `${num(ratio * 100)}%`;

function sloRow(sli: SliDefinition): RowSpec {
  const { slo } = sli;
  const budget = errorBudget(slo);
  const period = periodWindow(slo);
  const factors = [
    ...new Set(Object.values(BURN_RATE_POLICY).flatMap((conditions) => conditions.map((c) => c.factor))),
  ];
  return {
    title: `${slo.name} SLO: ${pct(slo.objective)} of API requests not ${sli.badEvent}, over ${slo.windowDays} days`,
    panels: [
      statPanel({
        title: `${slo.name}: SLI over up to ${period}`,
        description: `Share of API requests not ${sli.badEvent} over the last ${slo.windowDays} days (traffic-weighted), or over the data Prometheus holds when that is shorter: "data behind the ${slo.windowDays}-day figures" gives the span. Red below the objective.`,
        unit: 'percentunit',
        decimals: 3,
        thresholds: [
          ['red', null],
          ['green', slo.objective],
        ],
        queries: [prom(q.sli(slo, period), '{{service}}', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: objective`,
        description: `The objective, as the ${SLO_RECORD.objective} recording rule states it.`,
        unit: 'percentunit',
        decimals: 2,
        queries: [prom(q.objective(slo), 'objective', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: data behind the ${slo.windowDays}-day figures`,
        description: `How much of the ${slo.windowDays}-day SLO period the SLI and error-budget figures really cover: from the first recorded SLI sample in the period to now. Orange while Prometheus holds less than the period (a recent start, or a retention shorter than ${slo.windowDays} days, as in the ci environment).`,
        unit: 's',
        decimals: 1,
        thresholds: [
          ['orange', null],
          ['green', slo.windowDays * 86400],
        ],
        queries: [prom(q.dataSpan(slo, period), '{{service}}', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: error budget left (up to ${period})`,
        description: `Share of the ${slo.windowDays}-day error budget (${pct(budget)} of requests) not yet spent, over the data there is (see "data behind the ${slo.windowDays}-day figures"). Negative means the SLO is broken.`,
        unit: 'percentunit',
        decimals: 1,
        thresholds: [
          ['red', null],
          ['orange', 0],
          ['green', 0.25],
        ],
        queries: [prom(q.budgetRemaining(slo), '{{service}}', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: burn-rate alerts firing`,
        description: `Burn-rate alerts of this SLO now firing (${sli.alerts.page} pages, ${sli.alerts.ticket} opens a ticket).`,
        unit: 'short',
        thresholds: [
          ['green', null],
          ['red', 1],
        ],
        queries: [prom(q.alertsFiring(slo), 'firing', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: SLI over the range`,
        description: `Share of API requests not ${sli.badEvent}, averaged over the dashboard's time range from the 5-minute recording.`,
        unit: 'percentunit',
        decimals: 3,
        thresholds: [
          ['red', null],
          ['green', slo.objective],
        ],
        queries: [prom(q.sliOverRange(slo, RANGE), '{{service}}', { instant: true })],
      }),
      statPanel({
        title: `${slo.name}: burn rate now`,
        description:
          'Error ratio over the last 5 minutes divided by the error budget: 1× spends the budget exactly over the SLO period.',
        unit: 'suffix:×',
        decimals: 2,
        thresholds: [
          ['green', null],
          ['orange', 1],
          ['red', Math.max(...factors)],
        ],
        queries: [prom(q.currentBurnRate(slo), '{{service}}', { instant: true })],
      }),
      timeseriesPanel({
        title: `${slo.name}: SLI`,
        description: `Share of API requests not ${sli.badEvent}, over 5 minutes and 1 hour. The dashed line is the objective.`,
        unit: 'percentunit',
        thresholds: [
          ['red', null],
          ['green', slo.objective],
        ],
        queries: (['5m', '1h'] as const).map((window) => prom(q.sli(slo, window), `{{service}} ${window}`)),
      }),
      timeseriesPanel({
        title: `${slo.name}: burn rate per window`,
        description: `Error ratio over each alerting window divided by the error budget (${pct(budget)}). Dashed lines: the burn-rate factors of the page and ticket alerts (${factors.map((f) => `${num(f)}×`).join(', ')}).`,
        unit: 'suffix:×',
        min: 0,
        thresholds: [['green', null], ...factors.map((f) => ['red', f] as const)],
        queries: SLI_WINDOWS.map((window) => prom(q.burnRate(slo, window, budget), `{{service}} ${window}`)),
      }),
      timeseriesPanel({
        title: `${slo.name}: error budget left over time (up to ${period})`,
        description: `Share of the ${slo.windowDays}-day error budget not yet spent, as the period recording rule computes it over up to ${slo.windowDays} days of data (see "data behind the ${slo.windowDays}-day figures").`,
        unit: 'percentunit',
        span: 24,
        queries: [prom(q.budgetRemaining(slo), '{{service}}')],
      }),
    ],
  };
}

const otherViews: RowSpec = {
  title: 'Other views of availability',
  panels: [
    timeseriesPanel({
      title: 'Availability: server vs client vs probe',
      description: `Three views of the same service. Server: API requests not answered 5xx (the SLI). Client: ${CLIENT.name} requests that got an answer other than 5xx (network errors and timeouts count as failures). Probe: blackbox probe success.`,
      unit: 'percentunit',
      span: 24,
      queries: [
        prom(q.serverAvailability(AVAILABILITY_SLI.slo), 'server (SLI)'),
        prom(`1 - ${clientQueries.failedShare(RATE_INTERVAL)}`, 'client'),
        prom(q.probeAvailability, 'probe'),
      ],
    }),
  ],
};

export const slosDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.slos,
    title: 'Menagerie / SLOs',
    description:
      'Availability and latency SLOs of the server: SLI, objective, error budget left and burn rate per window, from the SLO recording rules.',
    annotations: [releaseMarkers()],
    rows: [...SLIS.map(sloRow), otherViews],
  });
