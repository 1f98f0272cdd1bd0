import { BLACKBOX_PROBE, CLIENT, PATHS, SERVER, TARGET_LABEL } from '@menagerie/contract';
import type { Rhythm } from '../settings.ts';
import {
  clientPod,
  type Labels,
  type PodEndpoint,
  probeLabels,
  prometheusPod,
  serviceMonitorLabels,
} from '../target-labels.ts';

/** The blackbox exporter's probe endpoint (what the Probe's `prober.path` says in the chart). */
export const BLACKBOX_PROBE_PATH = '/probe';

export interface PrometheusConfigOptions {
  readonly rhythm: Rhythm;
  /** The chart's rule files, loaded as they are. */
  readonly ruleFiles: readonly string[];
  readonly alertmanagerAddress: string;
  /** File-based discovery of the server pods, rewritten on every rollout. */
  readonly serverTargetsFile: string;
  readonly clientAddress: string;
  readonly prometheusAddress: string;
  readonly blackboxAddress: string;
  /** What the probe requests: the server's readiness through its Service. */
  readonly probeUrl: string;
}

export interface StaticTargets {
  readonly targets: readonly string[];
  readonly labels: Labels;
}

export const podTargets = (address: string, pod: PodEndpoint): StaticTargets => ({
  targets: [address],
  labels: serviceMonitorLabels(pod),
});

/**
 * prometheus.yml for the local stack. Prometheus 2.42 asks for OpenMetrics
 * first in its Accept header, which is how the services' exemplars arrive;
 * the exemplar-storage feature flag keeps them.
 */
export function prometheusConfig(o: PrometheusConfigOptions): Record<string, unknown> {
  const podJob = (job: string, address: string, pod: PodEndpoint) => ({
    job_name: job,
    metrics_path: PATHS.metrics,
    static_configs: [podTargets(address, pod)],
  });
  return {
    global: {
      scrape_interval: o.rhythm.scrapeInterval,
      scrape_timeout: o.rhythm.scrapeInterval,
      evaluation_interval: o.rhythm.evaluationInterval,
    },
    rule_files: [...o.ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [o.alertmanagerAddress] }] }] },
    scrape_configs: [
      {
        job_name: SERVER.name,
        metrics_path: PATHS.metrics,
        file_sd_configs: [{ files: [o.serverTargetsFile] }],
      },
      podJob(CLIENT.name, o.clientAddress, clientPod),
      podJob(prometheusPod.service, o.prometheusAddress, prometheusPod),
      // The same relabelling the operator generates for a Probe with static targets.
      {
        job_name: BLACKBOX_PROBE.job,
        metrics_path: BLACKBOX_PROBE_PATH,
        params: { module: [BLACKBOX_PROBE.module] },
        static_configs: [{ targets: [o.probeUrl], labels: probeLabels }],
        relabel_configs: [
          { source_labels: ['__address__'], target_label: '__param_target' },
          { source_labels: ['__param_target'], target_label: TARGET_LABEL.instance },
          { target_label: '__address__', replacement: o.blackboxAddress },
        ],
      },
    ],
  };
}
