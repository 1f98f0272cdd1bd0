import { analyseLogql, satisfies } from './logql.ts';

/**
 * The promtail pipeline stages the chart uses (cri, match, json, labels,
 * structured_metadata), with promtail's semantics; Alloy's stage.* blocks are
 * the same stages and run through the same code. Any other stage is refused,
 * so a new stage in the chart fails the check until it is taught here.
 */

export type Stage = Readonly<Record<string, unknown>>;

export interface LogEntry {
  labels: Record<string, string>;
  structuredMetadata: Record<string, string>;
  /** Values extracted by the stages so far. */
  extracted: Record<string, unknown>;
  line: string;
  timestamp?: string;
}

// promtail's cri stage: "<time> <stream> <flags> <content>"; it also makes `stream` a label.
const CRI = /^(\S+?) (stdout|stderr) (\S+?) (.*)$/s;

function runStage(stage: Stage, entry: LogEntry): void {
  const [name, config] = Object.entries(stage)[0] ?? [];
  switch (name) {
    case 'cri': {
      const match = CRI.exec(entry.line);
      if (!match) return;
      const [, time, stream, , content] = match;
      entry.timestamp = time as string;
      entry.labels.stream = stream as string;
      entry.line = content as string;
      return;
    }
    case 'match': {
      const { selector, stages } = config as { selector: string; stages: Stage[] };
      const { selector: matchers } = analyseLogql(selector);
      if (matchers.every((m) => satisfies(entry.labels[m.label], m))) {
        for (const inner of stages) runStage(inner, entry);
      }
      return;
    }
    case 'json': {
      const { expressions } = config as { expressions: Record<string, string> };
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(entry.line) as Record<string, unknown>;
      } catch {
        return;
      }
      for (const [key, expression] of Object.entries(expressions)) {
        // Promtail takes a JMESPath expression; the chart uses plain field names only.
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(expression)) {
          throw new Error(`json expression "${expression}" is more than a field name: not implemented`);
        }
        if (expression in parsed) entry.extracted[key] = parsed[expression];
      }
      return;
    }
    case 'labels':
    case 'structured_metadata': {
      const into = name === 'labels' ? entry.labels : entry.structuredMetadata;
      for (const [label, source] of Object.entries(config as Record<string, string | null>)) {
        const value = entry.extracted[source || label];
        if (value !== undefined && value !== null && value !== '') into[label] = String(value);
      }
      return;
    }
    default:
      throw new Error(`pipeline stage "${name}" is not implemented by this check`);
  }
}

export function runPipeline(
  stages: readonly Stage[],
  labels: Record<string, string>,
  line: string,
): LogEntry {
  const entry: LogEntry = { labels: { ...labels }, structuredMetadata: {}, extracted: {}, line };
  for (const stage of stages) runStage(stage, entry);
  return entry;
}

/** A line as the kubelet writes it to the file promtail tails (CRI log format, a full line). */
export const criLine = (time: string, line: string): string => `${time} stdout F ${line}`;
