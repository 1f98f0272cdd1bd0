/**
 * Input series for `promtool test rules`, written in its expanding notation
 * (`a+bxn` is n+1 samples a, a+b, …, a+nb, one per scrape interval).
 */

export type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

export const seriesName = (metric: string, labels: Labels): string =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

export interface Phase {
  /** Increase per scrape (per minute with a 1m interval). */
  readonly perMinute: number;
  readonly minutes: number;
}

/** A counter that starts at `start` and grows at each phase's pace in turn. */
export function counterValues(phases: readonly Phase[], start = 0): string {
  const parts: string[] = [];
  let value = start;
  phases.forEach((phase, i) => {
    if (i === 0) {
      parts.push(`${value}+${phase.perMinute}x${phase.minutes}`);
      value += phase.perMinute * phase.minutes;
    } else {
      value += phase.perMinute;
      parts.push(`${value}+${phase.perMinute}x${phase.minutes - 1}`);
      value += phase.perMinute * (phase.minutes - 1);
    }
  });
  return parts.join(' ');
}

/** A gauge holding each phase's value in turn. */
export const gaugeValues = (phases: readonly { value: number; minutes: number }[]): string =>
  phases.map((p, i) => `${p.value}+0x${i === 0 ? p.minutes : p.minutes - 1}`).join(' ');

export const counter = (
  metric: string,
  labels: Labels,
  phases: readonly Phase[],
  start = 0,
): InputSeries => ({
  series: seriesName(metric, labels),
  values: counterValues(phases, start),
});

export const gauge = (
  metric: string,
  labels: Labels,
  phases: readonly { value: number; minutes: number }[],
): InputSeries => ({ series: seriesName(metric, labels), values: gaugeValues(phases) });

/** How the `le` label of an integral bucket boundary is spelled: Prometheus 2 (text format) or 3. */
export type LeSpelling = 'v2' | 'v3';
const spellLe = (le: number, spelling: LeSpelling): string =>
  spelling === 'v3' && Number.isInteger(le) ? `${le}.0` : String(le);

export interface LatencyMix {
  /** Requests per minute finishing at `fastSeconds`, and at `slowSeconds`. */
  readonly fastPerMinute: number;
  readonly slowPerMinute: number;
  readonly fastSeconds: number;
  readonly slowSeconds: number;
}

/** `_bucket` (every boundary and +Inf) and `_count` series of a classic histogram fed by a constant mix. */
export function histogram(
  metric: string,
  labels: Labels,
  buckets: readonly number[],
  mix: LatencyMix,
  minutes: number,
  spelling: LeSpelling,
): InputSeries[] {
  const perMinute = (le: number): number =>
    (mix.fastSeconds <= le ? mix.fastPerMinute : 0) + (mix.slowSeconds <= le ? mix.slowPerMinute : 0);
  const total = mix.fastPerMinute + mix.slowPerMinute;
  return [
    ...buckets.map((le) =>
      counter(`${metric}_bucket`, { ...labels, le: spellLe(le, spelling) }, [
        { perMinute: perMinute(le), minutes },
      ]),
    ),
    counter(`${metric}_bucket`, { ...labels, le: '+Inf' }, [{ perMinute: total, minutes }]),
    counter(`${metric}_count`, labels, [{ perMinute: total, minutes }]),
  ];
}
