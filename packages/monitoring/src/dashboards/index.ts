import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { clientDashboard } from './client.ts';
import { logsDashboard } from './logs.ts';
import { overviewDashboard } from './overview.ts';
import { podsDashboard } from './pods.ts';
import { slosDashboard } from './slos.ts';
import { tracesDashboard } from './traces.ts';

export interface DashboardFile {
  /** File name without extension, under charts/menagerie/files/dashboards. */
  readonly name: string;
  readonly dashboard: dashboard.Dashboard;
}

export const dashboardFiles = (): DashboardFile[] => [
  { name: 'service-overview', dashboard: overviewDashboard() },
  { name: 'slos', dashboard: slosDashboard() },
  { name: 'client', dashboard: clientDashboard() },
  { name: 'logs', dashboard: logsDashboard() },
  { name: 'traces', dashboard: tracesDashboard() },
  { name: 'pods', dashboard: podsDashboard() },
];
