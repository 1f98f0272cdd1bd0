import { BLACKBOX_PROBE } from '@menagerie/contract';

/**
 * The blackbox exporter's module, as the prometheus-blackbox-exporter chart
 * configures it by default (the chart's Probe names it).
 */
export const blackboxConfig = (): Record<string, unknown> => ({
  modules: {
    [BLACKBOX_PROBE.module]: {
      prober: 'http',
      timeout: '5s',
      http: {
        valid_http_versions: ['HTTP/1.1', 'HTTP/2.0'],
        follow_redirects: true,
        preferred_ip_protocol: 'ip4',
      },
    },
  },
});
