import { LOG_FIELD, type LogLevel } from '@menagerie/contract';
import { trace } from '@opentelemetry/api';
import { createLogger as createWinstonLogger, format } from 'winston';
import { LineBatchTransport } from './line-batch-transport.ts';

/** Flat, JSON-serialisable fields added to a log line. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined | readonly string[]>>;

export interface Logger {
  readonly level: LogLevel;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  isLevelEnabled(level: LogLevel): boolean;
  /** Ends the stream and resolves once every line has been written. */
  close(): Promise<void>;
}

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where lines go; stdout unless a test passes its own stream. */
  stream?: NodeJS.WritableStream;
}

const MESSAGE = Symbol.for('message');
const levelRank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The fields every line starts with; a call's own field of the same name replaces it. */
const BASE_FIELDS = new Set<string>([
  LOG_FIELD.time,
  LOG_FIELD.level,
  LOG_FIELD.message,
  LOG_FIELD.service,
  LOG_FIELD.traceId,
  LOG_FIELD.spanId,
]);

/**
 * A winston logger that writes one JSON object per line. The line is written
 * as text at the call site (trace ids are read there, while the span is
 * still active): field names are quoted once and kept, values are quoted by
 * JSON.stringify, the time string is made once per millisecond. Winston
 * carries the finished line to its transport, where lines are written in
 * batches, one write per event-loop turn (LineBatchTransport).
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const service = options.service;
  const transport = new LineBatchTransport(options.stream ?? process.stdout);
  const winston = createWinstonLogger({
    level,
    levels: levelRank,
    // The line is already text (below): no winston format needs to run.
    format: format((info) => info)(),
    transports: [transport],
  });

  const lineStart = `{${quoted(LOG_FIELD.time)}:"`;
  const afterTime = Object.fromEntries(
    (Object.keys(levelRank) as LogLevel[]).map((l) => [
      l,
      `",${quoted(LOG_FIELD.level)}:${quoted(l)},${quoted(LOG_FIELD.message)}:`,
    ]),
  ) as Record<LogLevel, string>;
  const serviceField = `,${quoted(LOG_FIELD.service)}:${quoted(service)}`;
  const traceIdKey = `,${quoted(LOG_FIELD.traceId)}:"`;
  const spanIdKey = `",${quoted(LOG_FIELD.spanId)}:"`;
  const clock = millisecondClock();

  const write = (lineLevel: LogLevel, msg: string, fields?: LogFields): void => {
    if (levelRank[lineLevel] > levelRank[level]) return;
    if (fields && overridesBaseField(fields)) {
      winston.log({
        level: lineLevel,
        message: msg,
        [MESSAGE]: JSON.stringify(recordOf(lineLevel, msg, fields)),
      });
      return;
    }
    let line = `${lineStart}${clock()}${afterTime[lineLevel]}${JSON.stringify(msg)}${serviceField}`;
    const span = trace.getActiveSpan();
    if (span) {
      const ids = span.spanContext();
      line += `${traceIdKey}${ids.traceId}${spanIdKey}${ids.spanId}"`;
    }
    if (fields) line += fieldsText(fields);
    winston.log({ level: lineLevel, message: msg, [MESSAGE]: `${line}}` });
  };

  /** The slower way, for the rare call that sets one of the base fields itself. */
  const recordOf = (lineLevel: LogLevel, msg: string, fields: LogFields): Record<string, unknown> => {
    const record: Record<string, unknown> = {
      [LOG_FIELD.time]: clock(),
      [LOG_FIELD.level]: lineLevel,
      [LOG_FIELD.message]: msg,
      [LOG_FIELD.service]: service,
    };
    const span = trace.getActiveSpan();
    if (span) {
      const ids = span.spanContext();
      record[LOG_FIELD.traceId] = ids.traceId;
      record[LOG_FIELD.spanId] = ids.spanId;
    }
    return Object.assign(record, fields);
  };

  return {
    level,
    error: (msg, fields) => write('error', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    debug: (msg, fields) => write('debug', msg, fields),
    isLevelEnabled: (l) => levelRank[l] <= levelRank[level],
    close: () =>
      new Promise<void>((resolve) => {
        winston.once('finish', () => {
          transport.close();
          resolve();
        });
        winston.end();
      }),
  };
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

function overridesBaseField(fields: LogFields): boolean {
  for (const key in fields) if (BASE_FIELDS.has(key)) return true;
  return false;
}

/** Quoted field names, made once per name (the names are a small fixed set). */
const quotedKeys = new Map<string, string>();

/** `,"key":value` for each field that has a value, as JSON.stringify would write it. */
function fieldsText(fields: LogFields): string {
  let text = '';
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    let name = quotedKeys.get(key);
    if (name === undefined) {
      name = `,${quoted(key)}:`;
      quotedKeys.set(key, name);
    }
    text +=
      name + (typeof value === 'number' && Number.isFinite(value) ? String(value) : JSON.stringify(value));
  }
  return text;
}

/** The current time as an ISO string, formatted at most once per millisecond. */
function millisecondClock(): () => string {
  let at = Number.NaN;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== at) {
      at = now;
      text = new Date(now).toISOString();
    }
    return text;
  };
}
