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

/**
 * A winston logger that writes one JSON object per line. The record is built
 * flat at the call site (trace ids are read there, while the span is still
 * active) and serialised once; no other winston formats run. Lines are
 * written in batches, one write per event-loop turn (LineBatchTransport).
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const service = options.service;
  const oneJsonLine = format((info) => {
    (info as unknown as Record<symbol, string>)[MESSAGE] = JSON.stringify(info.record);
    return info;
  });
  const transport = new LineBatchTransport(options.stream ?? process.stdout);
  const winston = createWinstonLogger({
    level,
    levels: levelRank,
    format: oneJsonLine(),
    transports: [transport],
  });

  const write = (lineLevel: LogLevel, msg: string, fields?: LogFields): void => {
    if (levelRank[lineLevel] > levelRank[level]) return;
    const record: Record<string, unknown> = {
      [LOG_FIELD.time]: new Date().toISOString(),
      [LOG_FIELD.level]: lineLevel,
      [LOG_FIELD.message]: msg,
      [LOG_FIELD.service]: service,
    };
    const span = trace.getActiveSpan();
    if (span) {
      const ctx = span.spanContext();
      record[LOG_FIELD.traceId] = ctx.traceId;
      record[LOG_FIELD.spanId] = ctx.spanId;
    }
    if (fields) Object.assign(record, fields);
    winston.log({ level: lineLevel, message: msg, record });
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
