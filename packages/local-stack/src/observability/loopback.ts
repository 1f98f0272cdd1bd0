/**
 * The one translation from the cluster to this machine. The configuration
 * files Loki, Tempo, promtail and Grafana run with here are the chart's own
 * rendered output; only what names the cluster's network and disks changes:
 * a Service address becomes a loopback port, a listen address on every
 * interface becomes loopback, and a path in a container becomes a folder of
 * the local stack.
 */

/** A cluster Service port and the loopback port that stands for it here. */
export interface Route {
  /** The Service name, without namespace or cluster domain. */
  readonly service: string;
  /** The Service port; undefined for a bare host name (memberlist join addresses). */
  readonly port?: number;
  readonly local: number;
}

export interface Loopback {
  readonly host: string;
  readonly namespace: string;
  readonly routes: readonly Route[];
  /** Ports the programs listen on with 0.0.0.0, and where they listen here (same port when absent). */
  readonly listen: Readonly<Record<number, number>>;
  /** Container paths (prefixes) and the local folders that replace them. */
  readonly paths: Readonly<Record<string, string>>;
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a Service's name takes: `loki`, `loki.menagerie`, `loki.menagerie.svc`, `loki.menagerie.svc.cluster.local`. */
function serviceHost(service: string, namespace: string): string {
  return `${literal(service)}(?:\\.${literal(namespace)}(?:\\.svc(?:\\.cluster\\.local)?)?)?`;
}

/** Rewrites every Service address, every 0.0.0.0 listen address and every container path in `text`. */
export function toLoopback(text: string, map: Loopback): string {
  let out = text;
  // Longer names first, so `loki-memberlist` is not taken for `loki`.
  const routes = [...map.routes].sort((a, b) => b.service.length - a.service.length);
  for (const route of routes) {
    const host = serviceHost(route.service, map.namespace);
    const pattern =
      route.port === undefined
        ? new RegExp(`(?<![\\w.-])${host}(?![\\w.:-])`, 'g')
        : new RegExp(`(?<![\\w.-])${host}:${route.port}(?!\\d)`, 'g');
    out = out.replace(pattern, `${map.host}:${route.local}`);
  }
  out = out.replace(/(?<![\w.])0\.0\.0\.0:(\d+)/g, (_match, port: string) => {
    const local = map.listen[Number(port)] ?? Number(port);
    return `${map.host}:${local}`;
  });
  const paths = Object.entries(map.paths).sort(([a], [b]) => b.length - a.length);
  for (const [from, to] of paths) {
    out = out.replace(new RegExp(`(?<![\\w/.-])${literal(from)}(?=/|[\\s"',;]|$)`, 'gm'), to);
  }
  return out;
}
