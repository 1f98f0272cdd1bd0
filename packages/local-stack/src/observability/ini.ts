/**
 * Sets keys in an INI text (Grafana's grafana.ini), leaving every other line
 * as it is: a key already in its section is replaced in place, a new one is
 * added at the end of its section, a new section at the end of the file.
 */
export function withIniSettings(
  ini: string,
  settings: Readonly<Record<string, Readonly<Record<string, string>>>>,
): string {
  const lines = ini.split('\n');
  const pending = new Map(
    Object.entries(settings).map(([name, keys]) => [name, new Map(Object.entries(keys))]),
  );
  const out: string[] = [];
  let current: string | undefined;
  const flush = () => {
    const keys = current === undefined ? undefined : pending.get(current);
    if (!keys) return;
    // Before the blank lines that close the section.
    let at = out.length;
    while (at > 0 && out[at - 1]?.trim() === '') at -= 1;
    out.splice(at, 0, ...[...keys].map(([key, value]) => `${key} = ${value}`));
    keys.clear();
  };
  for (const line of lines) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      flush();
      current = header[1];
      out.push(line);
      continue;
    }
    const pair = /^\s*([^=;#\s]+)\s*=/.exec(line);
    const keys = current === undefined ? undefined : pending.get(current);
    const key = pair?.[1];
    if (key !== undefined && keys?.has(key)) {
      out.push(`${key} = ${keys.get(key)}`);
      keys.delete(key);
      continue;
    }
    out.push(line);
  }
  flush();
  for (const [name, keys] of pending) {
    if (keys.size === 0) continue;
    if (out.length > 0 && out[out.length - 1]?.trim() !== '') out.push('');
    out.push(`[${name}]`, ...[...keys].map(([key, value]) => `${key} = ${value}`));
  }
  return `${out.join('\n').replace(/\n*$/, '')}\n`;
}
