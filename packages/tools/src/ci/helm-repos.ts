/**
 * The chart repositories a Chart.yaml depends on, as `name url` lines for
 * `helm repo add`. `helm dependency build` finds a repository by its URL, so
 * the names only need to be distinct and readable.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export function chartRepositories(chartYaml: string): [name: string, url: string][] {
  const chart = parse(chartYaml) as { dependencies?: { repository?: unknown }[] } | null;
  const urls = (chart?.dependencies ?? [])
    .map((d) => d.repository)
    .filter((r): r is string => typeof r === 'string' && /^https?:\/\//.test(r));
  const names = new Set<string>();
  return [...new Set(urls.map((u) => u.replace(/\/+$/, '')))].map((url) => {
    const { hostname, pathname } = new URL(url);
    const base = `${hostname.split('.')[0]}${pathname.replace(/[^a-zA-Z0-9]+/g, '-')}`.replace(/-+$/, '');
    let name = base.toLowerCase();
    for (let i = 2; names.has(name); i++) name = `${base.toLowerCase()}-${i}`;
    names.add(name);
    return [name, url];
  });
}

export function main(argv: readonly string[]): number {
  const [file] = argv;
  if (!file) {
    console.error('usage: helm-repos.js CHART_YAML');
    return 2;
  }
  for (const [name, url] of chartRepositories(readFileSync(file, 'utf8'))) console.log(`${name} ${url}`);
  return 0;
}
