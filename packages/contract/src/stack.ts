/**
 * The observability stack in the cluster: the Service each upstream chart
 * creates for our release (their names are fixed with fullnameOverride in the
 * umbrella chart) and the Grafana datasource uids dashboards refer to.
 * Everything runs in NAMESPACE (services.ts), one Helm release.
 */
export const RELEASE = 'menagerie';

export const STACK = {
  prometheus: { service: 'kps-prometheus', port: 9090 },
  alertmanager: { service: 'kps-alertmanager', port: 9093 },
  grafana: { service: 'grafana', port: 80 },
  loki: { service: 'loki', port: 3100 },
  tempo: { service: 'tempo', port: 3200, otlpGrpcPort: 4317, otlpHttpPort: 4318 },
  blackboxExporter: { service: 'blackbox-exporter', port: 9115 },
} as const;

export const DATASOURCE_UID = {
  prometheus: 'prometheus',
  loki: 'loki',
  tempo: 'tempo',
  alertmanager: 'alertmanager',
} as const;
