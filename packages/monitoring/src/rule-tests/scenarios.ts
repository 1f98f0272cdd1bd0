import {
  ALERT,
  type AlertName,
  BLACKBOX_PROBE,
  CLIENT,
  CLIENT_METRICS,
  CLUSTER_ONLY_METRIC,
  LATENCY_BUCKETS_SECONDS,
  LATENCY_SLO,
  NAMESPACE,
  ROUTE,
  SERVER,
  SERVER_METRICS,
  SLI_WINDOWS,
  SLO_RECORD,
  STANDARD_METRIC,
  SYMPTOM_THRESHOLD,
} from '@menagerie/contract';
import { num } from '../promql.ts';
import { AVAILABILITY_SLI, errorBudget, LATENCY_SLI } from '../slo.ts';
import {
  counter,
  gauge,
  histogram,
  type InputSeries,
  type Labels,
  type LatencyMix,
  seriesName,
} from './series.ts';

/**
 * Scenarios for `promtool test rules`: for every alert, series that must fire
 * it and series that must not, with error-budget arithmetic spelled out.
 * Every number comes from the contract's SLOs, so a changed objective changes
 * the scenarios with it.
 */

export interface FiringAlert {
  /** Labels of the sample that fires (rule labels are added from the rule itself). */
  readonly sampleLabels: Labels;
  /** The sample's value, which annotations may print. */
  readonly value: number;
}

export interface AlertCheck {
  readonly alert: AlertName;
  readonly evalTime: string;
  readonly firing: readonly FiringAlert[];
}

export interface ExprCheck {
  readonly expr: string;
  readonly evalTime: string;
  readonly samples: readonly { readonly labels: string; readonly value: number }[];
}

export interface Scenario {
  readonly name: string;
  readonly series: readonly InputSeries[];
  readonly alerts: readonly AlertCheck[];
  readonly exprs?: readonly ExprCheck[];
}

// ---- the world the series describe -------------------------------------------

const serverTarget = {
  job: SERVER.name,
  namespace: NAMESPACE,
  service: SERVER.name,
  pod: `${SERVER.name}-7d9f8-abcde`,
  instance: '10.0.0.11:8080',
} as const;
const clientTarget = {
  job: CLIENT.name,
  namespace: NAMESPACE,
  service: CLIENT.name,
  pod: `${CLIENT.name}-5c6b7-fghij`,
  instance: '10.0.0.12:8081',
} as const;
/** What the SLI series keep after aggregation. */
const sliLabels = { namespace: NAMESPACE, service: SERVER.name } as const;

const count = `${SERVER_METRICS.requestDuration.name}_count`;
const request = (route: string, method: string, status: number): Labels => ({
  ...serverTarget,
  route,
  method,
  status_code: String(status),
});

/** API traffic per minute by status; 4xx is deliberately large: it is the client's doing, a good event. */
function apiTraffic(
  perMinute: { ok: number; invalid: number; failed: number },
  minutes: number,
): InputSeries[] {
  return [
    counter(count, request(ROUTE.animals, 'POST', 201), [{ perMinute: perMinute.ok, minutes }]),
    counter(count, request(ROUTE.animals, 'POST', 400), [{ perMinute: perMinute.invalid, minutes }]),
    counter(count, request(ROUTE.animal, 'GET', 500), [{ perMinute: perMinute.failed, minutes }]),
  ];
}

const up = (target: Labels, values: string): InputSeries => ({
  series: seriesName(STANDARD_METRIC.up.name, target),
  values,
});
const upFor = (minutes: number): InputSeries[] => [
  up(serverTarget, `1+0x${minutes}`),
  up(clientTarget, `1+0x${minutes}`),
];

const latency = (
  mix: Omit<LatencyMix, 'fastSeconds' | 'slowSeconds'>,
  minutes: number,
  spelling: 'v2' | 'v3',
) =>
  histogram(
    SERVER_METRICS.requestDuration.name,
    request(ROUTE.animals, 'POST', 201),
    LATENCY_BUCKETS_SECONDS,
    { ...mix, fastSeconds: 0.03, slowSeconds: 2 },
    minutes,
    spelling,
  );

const none = (alert: AlertName, evalTime: string): AlertCheck => ({ alert, evalTime, firing: [] });
const fires = (alert: AlertName, evalTime: string, sampleLabels: Labels, value: number): AlertCheck => ({
  alert,
  evalTime,
  firing: [{ sampleLabels, value }],
});

const availabilityBudget = errorBudget(AVAILABILITY_SLI.slo);
const latencyBudget = errorBudget(LATENCY_SLI.slo);
const sloSample = (name: string) => ({ ...sliLabels, slo: name });
const ratioLabels = (slo: string, window: string): string =>
  `{namespace="${NAMESPACE}", service="${SERVER.name}", slo="${slo}", slo_window="${window}"}`;

/** `series` equals `expected` up to float noise: 1 with the series' labels. */
const approximately = (series: string, expected: number, labels: string, evalTime: string): ExprCheck => ({
  expr: `abs(${series} - ${expected}) < bool 1e-9`,
  evalTime,
  samples: [{ labels, value: 1 }],
});

/** p99 of a two-speed mix whose slow share lands in the (1, 2.5] bucket, as histogram_quantile interpolates it. */
function interpolatedP99(fast: number, slow: number): number {
  const rank = 0.99 * (fast + slow);
  return 1 + (2.5 - 1) * ((rank - fast) / slow);
}

// ---- availability ---------------------------------------------------------

/** 10% of API requests fail: burn rate 20× (budget 0.5%), over both page thresholds (14.4× and 6×). */
const availabilityPage: Scenario = {
  name: `availability: ${num(0.1 / availabilityBudget)}× burn pages (and opens a ticket, which Alertmanager inhibits)`,
  series: [...upFor(70), ...apiTraffic({ ok: 60, invalid: 30, failed: 10 }, 70)],
  alerts: [
    fires(ALERT.availabilityFastBurn, '1h', sloSample('availability'), 0.1),
    fires(ALERT.availabilitySlowBurn, '1h', sloSample('availability'), 0.1),
  ],
};

/** 2% fail: burn rate 4×, above the 3× ticket threshold, below both page thresholds. */
const availabilityTicket: Scenario = {
  name: 'availability: 4× burn opens a ticket and does not page',
  series: [...upFor(190), ...apiTraffic({ ok: 68, invalid: 30, failed: 2 }, 190)],
  alerts: [
    none(ALERT.availabilityFastBurn, '3h'),
    fires(ALERT.availabilitySlowBurn, '3h', sloSample('availability'), 0.02),
  ],
  exprs: [
    approximately(
      `${SLO_RECORD.currentBurnRate}{slo="availability"}`,
      0.02 / availabilityBudget,
      ratioLabels('availability', '5m'),
      '3h',
    ),
  ],
};

/** 0.6% fail: 1.2×, caught only by the slowest pair (1× over 3d and 6h). */
const availabilitySlowLeak: Scenario = {
  name: 'availability: a 1.2× leak opens a ticket through the 3d/6h pair only',
  series: [...upFor(430), ...apiTraffic({ ok: 694, invalid: 300, failed: 6 }, 430)],
  alerts: [
    none(ALERT.availabilityFastBurn, '7h'),
    fires(ALERT.availabilitySlowBurn, '7h', sloSample('availability'), 0.006),
  ],
};

/** 0.2% fail and 30% invalid requests: well inside the SLO, nothing fires. */
const availabilityHealthy: Scenario = {
  name: 'availability: 0.2% 5xx and 30% 4xx is healthy; nothing fires',
  series: [...upFor(190), ...apiTraffic({ ok: 698, invalid: 300, failed: 2 }, 190)],
  alerts: [none(ALERT.availabilityFastBurn, '3h'), none(ALERT.availabilitySlowBurn, '3h')],
  exprs: [
    approximately(
      `${SLO_RECORD.errorRatio('1h')}{slo="availability"}`,
      0.002,
      ratioLabels('availability', '1h'),
      '3h',
    ),
  ],
};

/** 5xx on a route outside SLI_ROUTES (a probe endpoint) is not an SLI event. */
const availabilityOtherRoutes: Scenario = {
  name: 'availability: 5xx outside the SLI routes does not count',
  series: [
    ...upFor(70),
    counter(count, request(ROUTE.animals, 'POST', 201), [{ perMinute: 100, minutes: 70 }]),
    counter(count, request('/readyz', 'GET', 503), [{ perMinute: 50, minutes: 70 }]),
  ],
  alerts: [none(ALERT.availabilityFastBurn, '1h'), none(ALERT.availabilitySlowBurn, '1h')],
  exprs: [
    {
      expr: `${SLO_RECORD.errorRatio('5m')}{slo="availability"}`,
      evalTime: '1h',
      samples: [{ labels: `${SLO_RECORD.errorRatio('5m')}${ratioLabels('availability', '5m')}`, value: 0 }],
    },
  ],
};

/**
 * One hour at 20% errors, then clean traffic. 35 minutes later the 1h window
 * still burns above 14.4× (500 bad of 6000), but the 5m and 30m windows are
 * clean, so the page has reset; the 2h/1d ticket is still open.
 */
const availabilityRecovery: Scenario = {
  name: 'availability: the short windows reset the page once errors stop',
  series: [
    ...upFor(100),
    counter(count, request(ROUTE.animals, 'POST', 201), [
      { perMinute: 80, minutes: 60 },
      { perMinute: 100, minutes: 40 },
    ]),
    counter(count, request(ROUTE.animal, 'GET', 500), [
      { perMinute: 20, minutes: 60 },
      { perMinute: 0, minutes: 40 },
    ]),
  ],
  alerts: [
    fires(ALERT.availabilityFastBurn, '50m', sloSample('availability'), 0.2),
    none(ALERT.availabilityFastBurn, '95m'),
    fires(ALERT.availabilitySlowBurn, '95m', sloSample('availability'), 1200 / 9500),
  ],
  exprs: [
    {
      expr: `${SLO_RECORD.errorRatio('1h')}{slo="availability"} > bool (14.4 * ${availabilityBudget})`,
      evalTime: '95m',
      samples: [{ labels: ratioLabels('availability', '1h'), value: 1 }],
    },
  ],
};

// ---- latency --------------------------------------------------------------

/** 20% of API requests over the threshold: 20× burn of the 1% budget; p99 far above it too. */
const latencyPage: Scenario = {
  name: 'latency: 20× burn pages; p99 above the threshold raises the info alert (le spelled as Prometheus 2 does)',
  series: [...upFor(70), ...latency({ fastPerMinute: 80, slowPerMinute: 20 }, 70, 'v2')],
  alerts: [
    fires(ALERT.latencyFastBurn, '1h', sloSample('latency'), 0.2),
    fires(ALERT.latencySlowBurn, '1h', sloSample('latency'), 0.2),
    fires(ALERT.highLatency, '1h', sliLabels, interpolatedP99(80, 20)),
  ],
};

/** 4% slow: 4× burn, a ticket and no page (le spelled as Prometheus 3 normalises it). */
const latencyTicket: Scenario = {
  name: 'latency: 4× burn opens a ticket and does not page (le spelled as Prometheus 3 does)',
  series: [...upFor(190), ...latency({ fastPerMinute: 96, slowPerMinute: 4 }, 190, 'v3')],
  alerts: [
    none(ALERT.latencyFastBurn, '3h'),
    fires(ALERT.latencySlowBurn, '3h', sloSample('latency'), 0.04),
    fires(ALERT.highLatency, '3h', sliLabels, interpolatedP99(96, 4)),
  ],
};

/** 0.3% slow: inside the 1% budget, p99 under the threshold. */
const latencyHealthy: Scenario = {
  name: `latency: 0.3% over ${LATENCY_SLO.thresholdSeconds}s is healthy; nothing fires`,
  series: [...upFor(190), ...latency({ fastPerMinute: 997, slowPerMinute: 3 }, 190, 'v3')],
  alerts: [
    none(ALERT.latencyFastBurn, '3h'),
    none(ALERT.latencySlowBurn, '3h'),
    none(ALERT.highLatency, '3h'),
  ],
  exprs: [
    approximately(
      `${SLO_RECORD.currentBurnRate}{slo="latency"}`,
      0.003 / latencyBudget,
      ratioLabels('latency', '5m'),
      '3h',
    ),
  ],
};

// ---- zero traffic -----------------------------------------------------------

const ZERO_MINUTES = 70;
/** The same series, stuck at 1000 for the whole run: the service is up but nobody calls it. */
const frozen = (series: InputSeries[]): InputSeries[] =>
  series.map((s) => ({ series: s.series, values: `1000+0x${ZERO_MINUTES}` }));

/** Every SLI ratio of both SLOs reads exactly 0 (not NaN) and the whole budget is left. */
const zeroTrafficExprs: ExprCheck[] = [AVAILABILITY_SLI, LATENCY_SLI].flatMap((sli) => [
  ...[...SLI_WINDOWS, `${sli.slo.windowDays}d`].map((window) => ({
    expr: `${SLO_RECORD.errorRatio(window)}{slo="${sli.slo.name}"}`,
    evalTime: '1h',
    samples: [{ labels: `${SLO_RECORD.errorRatio(window)}${ratioLabels(sli.slo.name, window)}`, value: 0 }],
  })),
  {
    expr: `${SLO_RECORD.budgetRemaining}{slo="${sli.slo.name}"}`,
    evalTime: '1h',
    samples: [
      {
        labels: `${SLO_RECORD.budgetRemaining}{namespace="${NAMESPACE}", service="${SERVER.name}", slo="${sli.slo.name}", slo_window="${sli.slo.windowDays}d"}`,
        value: 1,
      },
    ],
  },
]);

const everyAlert = (evalTime: string): AlertCheck[] =>
  Object.values(ALERT).map((alert) => none(alert, evalTime));

const zeroTraffic: Scenario = {
  name: 'zero traffic: counters that stop moving give 0 ratios, no NaN, no alert',
  series: [
    ...upFor(ZERO_MINUTES),
    ...frozen([
      ...apiTraffic({ ok: 1, invalid: 1, failed: 1 }, ZERO_MINUTES),
      ...latency({ fastPerMinute: 1, slowPerMinute: 1 }, ZERO_MINUTES, 'v2'),
    ]),
    ...frozen([
      counter(
        `${CLIENT_METRICS.requestDuration.name}_count`,
        { ...clientTarget, outcome: 'network_error', scenario: 'valid' },
        [{ perMinute: 1, minutes: ZERO_MINUTES }],
      ),
      counter(
        `${CLIENT_METRICS.requestDuration.name}_count`,
        { ...clientTarget, outcome: 'success', scenario: 'valid' },
        [{ perMinute: 1, minutes: ZERO_MINUTES }],
      ),
    ]),
  ],
  alerts: [...everyAlert('30m'), ...everyAlert('1h')],
  exprs: zeroTrafficExprs,
};

const noSeries: Scenario = {
  name: 'no request ever: no SLI series at all (nothing to be NaN), no alert',
  series: upFor(120),
  alerts: everyAlert('2h'),
  exprs: [
    {
      expr: `absent(${SLO_RECORD.errorRatio('5m')})`,
      evalTime: '2h',
      samples: [{ labels: '{}', value: 1 }],
    },
  ],
};

// ---- symptoms ---------------------------------------------------------------

const secondServerPod = { ...serverTarget, pod: `${SERVER.name}-7d9f8-klmno`, instance: '10.0.0.13:8080' };

const serverDown: Scenario = {
  name: 'server down: every server target down for 2 minutes pages',
  series: [
    up(serverTarget, '1+0x10 0+0x20'),
    up(secondServerPod, '1+0x10 0+0x20'),
    up(clientTarget, '1+0x30'),
  ],
  alerts: [
    none(ALERT.serverDown, '12m'),
    fires(ALERT.serverDown, '15m', { namespace: NAMESPACE, service: SERVER.name }, 0),
    none(ALERT.serverTargetMissing, '25m'),
  ],
};

const oneOfTwoDown: Scenario = {
  name: 'server down: one pod of two down is not an outage',
  series: [up(serverTarget, '1+0x10 0+0x20'), up(secondServerPod, '1+0x30'), up(clientTarget, '1+0x30')],
  alerts: [none(ALERT.serverDown, '25m')],
};

const targetMissing: Scenario = {
  name: 'target missing: no server target at all for 5 minutes pages',
  series: [up(clientTarget, '1+0x20')],
  alerts: [
    none(ALERT.serverTargetMissing, '3m'),
    fires(ALERT.serverTargetMissing, '10m', { job: SERVER.name, namespace: NAMESPACE }, 1),
    none(ALERT.serverDown, '10m'),
  ],
};

const clientCount = `${CLIENT_METRICS.requestDuration.name}_count`;
const clientRequests = (outcome: string, scenario: string, perMinute: number, minutes: number): InputSeries =>
  counter(clientCount, { ...clientTarget, outcome, scenario }, [{ perMinute, minutes }]);
const unreachable = 0.1;

const clientCannotReach: Scenario = {
  name: `client: ${unreachable * 100}% of requests without an answer (threshold ${SYMPTOM_THRESHOLD.clientUnreachableRatio * 100}%) opens a ticket`,
  series: [
    ...upFor(30),
    clientRequests('success', 'valid', 60, 30),
    clientRequests('client_error', 'invalid_legs', 30, 30),
    clientRequests('network_error', 'valid', 6, 30),
    clientRequests('timeout', 'valid', 4, 30),
  ],
  alerts: [fires(ALERT.clientCannotReachServer, '20m', { namespace: NAMESPACE }, unreachable)],
};

const clientReachesServer: Scenario = {
  name: 'client: 2% network errors and many 4xx stay under the threshold',
  series: [
    ...upFor(30),
    clientRequests('success', 'valid', 68, 30),
    clientRequests('client_error', 'invalid_legs', 30, 30),
    clientRequests('network_error', 'valid', 2, 30),
  ],
  alerts: [none(ALERT.clientCannotReachServer, '20m')],
};

const probeTarget = {
  job: BLACKBOX_PROBE.job,
  namespace: NAMESPACE,
  instance: `http://${SERVER.name}.${NAMESPACE}:${SERVER.port}/readyz`,
};

const probeFailing: Scenario = {
  name: 'probe: failing for 2 minutes pages',
  series: [
    gauge(STANDARD_METRIC.probeSuccess.name, probeTarget, [
      { value: 1, minutes: 5 },
      { value: 0, minutes: 20 },
    ]),
  ],
  alerts: [
    none(ALERT.probeFailing, '6m'),
    fires(ALERT.probeFailing, '10m', { namespace: NAMESPACE, instance: probeTarget.instance }, 0),
  ],
};

const probeFlapping: Scenario = {
  name: 'probe: succeeding (one failed probe aside) does not page',
  series: [{ series: seriesName(STANDARD_METRIC.probeSuccess.name, probeTarget), values: '1+0x10 0 1+0x10' }],
  alerts: [none(ALERT.probeFailing, '12m'), none(ALERT.probeFailing, '20m')],
};

const store = (animals: number): InputSeries[] => [
  gauge(SERVER_METRICS.storeAnimals.name, serverTarget, [{ value: animals, minutes: 20 }]),
  gauge(SERVER_METRICS.storeCapacity.name, serverTarget, [{ value: 100000, minutes: 20 }]),
];

const storeNearlyFull: Scenario = {
  name: `store: 95% full (threshold ${SYMPTOM_THRESHOLD.storeFullRatio * 100}%) for 5 minutes opens a ticket`,
  series: store(95000),
  alerts: [
    fires(
      ALERT.storeNearCapacity,
      '10m',
      { namespace: NAMESPACE, service: SERVER.name, pod: serverTarget.pod },
      0.95,
    ),
  ],
};

const storeHalfFull: Scenario = {
  name: 'store: half full is fine',
  series: store(50000),
  alerts: [none(ALERT.storeNearCapacity, '10m')],
};

const ksmTarget = { job: 'kube-state-metrics', service: 'kps-kube-state-metrics', instance: '10.0.0.2:8080' };
const restarts = (labels: Labels, values: string): InputSeries => ({
  series: seriesName(CLUSTER_ONLY_METRIC.podRestarts.name, { ...ksmTarget, ...labels }),
  values,
});

const podRestarted: Scenario = {
  name: 'pods: a server container restart opens a ticket',
  series: [
    restarts(
      { namespace: NAMESPACE, pod: serverTarget.pod, container: SERVER.container, uid: 'a1' },
      '0+0x10 1+0x20',
    ),
  ],
  alerts: [
    none(ALERT.podRestarting, '9m'),
    fires(
      ALERT.podRestarting,
      '15m',
      { namespace: NAMESPACE, pod: serverTarget.pod, container: SERVER.container },
      1,
    ),
  ],
};

const otherRestarts: Scenario = {
  name: 'pods: restarts of other namespaces and containers, or none, are ignored',
  series: [
    restarts(
      { namespace: NAMESPACE, pod: serverTarget.pod, container: SERVER.container, uid: 'a1' },
      '2+0x30',
    ),
    restarts(
      { namespace: 'kube-system', pod: 'coredns-1', container: SERVER.container, uid: 'b2' },
      '0+0x10 1+0x20',
    ),
    restarts(
      { namespace: NAMESPACE, pod: serverTarget.pod, container: 'sidecar', uid: 'a1' },
      '0+0x10 1+0x20',
    ),
  ],
  alerts: [none(ALERT.podRestarting, '15m')],
};

export const SCENARIOS: readonly Scenario[] = [
  availabilityPage,
  availabilityTicket,
  availabilitySlowLeak,
  availabilityHealthy,
  availabilityOtherRoutes,
  availabilityRecovery,
  latencyPage,
  latencyTicket,
  latencyHealthy,
  zeroTraffic,
  noSeries,
  serverDown,
  oneOfTwoDown,
  targetMissing,
  clientCannotReach,
  clientReachesServer,
  probeFailing,
  probeFlapping,
  storeNearlyFull,
  storeHalfFull,
  podRestarted,
  otherRestarts,
];
