import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { BURN_RATE_POLICY, CLIENT, DASHBOARD_UID, SLI_WINDOWS, SLO_RECORD } from '@menagerie/contract';
import { num } from '../promql.ts';
import * as clientQueries from '../queries/client.ts';
import * as q from '../queries/slo.ts';
import { AVAILABILITY_SLI, errorBudget, periodWindow, SLIS, type SliDefinition } from '../slo.ts';
import {
  buildDashboard,
  DATASOURCE,
  dashedLines,
  defaultStat,
  defaultTimeseries,
  neutral,
  promInstantQuery,
  promQuery,
  RANGE,
  RATE_INTERVAL,
  type Row,
  refIdAt,
  row,
  steps,
} from './kit.ts';
import { releaseMarkers } from './overview.ts';

/**
 * SLOs: for availability and latency, the SLI, the objective, the error budget
 * left over the SLO period and the burn rate over every alerting window. All
 * panels read the recording rules, so they show exactly what the alerts see.
 */

export const slosDashboard = (): dashboard.Dashboard =>
  buildDashboard({
    uid: DASHBOARD_UID.slos,
    title: 'Menagerie / SLOs',
    description:
      'Availability and latency SLOs of the server: SLI, objective, error budget left and burn rate per window, from the SLO recording rules.',
    annotations: [releaseMarkers()],
    rows: [...SLIS.map(sloRow), row('Other views of availability', availabilityViewsPanel())],
  });

const pct = (ratio: number): string => `${num(ratio * 100)}%`;

/** The burn-rate factors the page and ticket alerts fire at. */
const burnRateFactors = (): number[] => [
  ...new Set(Object.values(BURN_RATE_POLICY).flatMap((conditions) => conditions.map((c) => c.factor))),
];

/** The same panels for each SLO. */
function sloRow(sli: SliDefinition): Row {
  const { slo } = sli;
  return row(
    `${slo.name} SLO: ${pct(slo.objective)} of API requests not ${sli.badEvent}, over ${slo.windowDays} days`,
    sliOverPeriodStat(sli),
    objectiveStat(sli),
    dataSpanStat(sli),
    budgetLeftStat(sli),
    alertsFiringStat(sli),
    sliOverRangeStat(sli),
    burnRateNowStat(sli),
    sliPanel(sli),
    burnRatePerWindowPanel(sli),
    budgetLeftOverTimePanel(sli),
  );
}

// ---- stats --------------------------------------------------------------------

function sliOverPeriodStat({ slo, badEvent }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: SLI over up to ${periodWindow(slo)}`)
    .description(
      `Share of API requests not ${badEvent} over the last ${slo.windowDays} days (traffic-weighted), or over the data Prometheus holds when that is shorter: "data behind the ${slo.windowDays}-day figures" gives the span. Red below the objective.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.sli(slo, periodWindow(slo)), '{{service}}').refId('A'))
    .thresholds(steps(['red', null], ['green', slo.objective]))
    .decimals(3);
}

function objectiveStat({ slo }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: objective`)
    .description(`The objective, as the ${SLO_RECORD.objective} recording rule states it.`)
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.objective(slo), 'objective').refId('A'))
    .thresholds(neutral())
    .decimals(2);
}

function dataSpanStat({ slo }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: data behind the ${slo.windowDays}-day figures`)
    .description(
      `How much of the ${slo.windowDays}-day SLO period the SLI and error-budget figures really cover: from the first recorded SLI sample in the period to now. Orange while Prometheus holds less than the period (a recent start, or a retention shorter than ${slo.windowDays} days, as in the ci environment).`,
    )
    .unit('s')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.dataSpan(slo, periodWindow(slo)), '{{service}}').refId('A'))
    .thresholds(steps(['orange', null], ['green', slo.windowDays * 86400]))
    .decimals(1);
}

function budgetLeftStat({ slo }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: error budget left (up to ${periodWindow(slo)})`)
    .description(
      `Share of the ${slo.windowDays}-day error budget (${pct(errorBudget(slo))} of requests) not yet spent, over the data there is (see "data behind the ${slo.windowDays}-day figures"). Negative means the SLO is broken.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.budgetRemaining(slo), '{{service}}').refId('A'))
    .thresholds(steps(['red', null], ['orange', 0], ['green', 0.25]))
    .decimals(1);
}

function alertsFiringStat({ slo, alerts }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: burn-rate alerts firing`)
    .description(
      `Burn-rate alerts of this SLO now firing (${alerts.page} pages, ${alerts.ticket} opens a ticket).`,
    )
    .unit('short')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.alertsFiring(slo), 'firing').refId('A'))
    .thresholds(steps(['green', null], ['red', 1]));
}

function sliOverRangeStat({ slo, badEvent }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: SLI over the range`)
    .description(
      `Share of API requests not ${badEvent}, averaged over the dashboard's time range from the 5-minute recording.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.sliOverRange(slo, RANGE), '{{service}}').refId('A'))
    .thresholds(steps(['red', null], ['green', slo.objective]))
    .decimals(3);
}

function burnRateNowStat({ slo }: SliDefinition): stat.PanelBuilder {
  return defaultStat()
    .title(`${slo.name}: burn rate now`)
    .description(
      'Error ratio over the last 5 minutes divided by the error budget: 1× spends the budget exactly over the SLO period.',
    )
    .unit('suffix:×')
    .datasource(DATASOURCE.prometheus)
    .span(4)
    .height(5)
    .withTarget(promInstantQuery(q.currentBurnRate(slo), '{{service}}').refId('A'))
    .thresholds(steps(['green', null], ['orange', 1], ['red', Math.max(...burnRateFactors())]))
    .decimals(2);
}

// ---- over time ----------------------------------------------------------------

function sliPanel({ slo, badEvent }: SliDefinition): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title(`${slo.name}: SLI`)
    .description(
      `Share of API requests not ${badEvent}, over 5 minutes and 1 hour. The dashed line is the objective.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .withTarget(promQuery(q.sli(slo, '5m'), '{{service}} 5m').refId('A'))
    .withTarget(promQuery(q.sli(slo, '1h'), '{{service}} 1h').refId('B'))
    .thresholds(steps(['red', null], ['green', slo.objective]))
    .thresholdsStyle(dashedLines());
}

function burnRatePerWindowPanel({ slo }: SliDefinition): timeseries.PanelBuilder {
  const budget = errorBudget(slo);
  const factors = burnRateFactors();
  return defaultTimeseries()
    .title(`${slo.name}: burn rate per window`)
    .description(
      `Error ratio over each alerting window divided by the error budget (${pct(budget)}). Dashed lines: the burn-rate factors of the page and ticket alerts (${factors.map((f) => `${num(f)}×`).join(', ')}).`,
    )
    .unit('suffix:×')
    .datasource(DATASOURCE.prometheus)
    .span(12)
    .height(8)
    .targets(
      SLI_WINDOWS.map((window, i) =>
        promQuery(q.burnRate(slo, window, budget), `{{service}} ${window}`).refId(refIdAt(i)),
      ),
    )
    .min(0)
    .thresholds(steps(['green', null], ...factors.map((f) => ['red', f] as const)))
    .thresholdsStyle(dashedLines());
}

function budgetLeftOverTimePanel({ slo }: SliDefinition): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title(`${slo.name}: error budget left over time (up to ${periodWindow(slo)})`)
    .description(
      `Share of the ${slo.windowDays}-day error budget not yet spent, as the period recording rule computes it over up to ${slo.windowDays} days of data (see "data behind the ${slo.windowDays}-day figures").`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(promQuery(q.budgetRemaining(slo), '{{service}}').refId('A'));
}

// ---- Other views of availability ----------------------------------------------

function availabilityViewsPanel(): timeseries.PanelBuilder {
  return defaultTimeseries()
    .title('Availability: server vs client vs probe')
    .description(
      `Three views of the same service. Server: API requests not answered 5xx (the SLI). Client: ${CLIENT.name} requests that got an answer other than 5xx (network errors and timeouts count as failures). Probe: blackbox probe success.`,
    )
    .unit('percentunit')
    .datasource(DATASOURCE.prometheus)
    .span(24)
    .height(8)
    .withTarget(promQuery(q.serverAvailability(AVAILABILITY_SLI.slo), 'server (SLI)').refId('A'))
    .withTarget(promQuery(`1 - ${clientQueries.failedShare(RATE_INTERVAL)}`, 'client').refId('B'))
    .withTarget(promQuery(q.probeAvailability, 'probe').refId('C'));
}
