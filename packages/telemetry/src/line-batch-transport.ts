import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');

/** Lines waiting longer than this many bytes are written at once, without waiting for the turn to end. */
export const LINE_BATCH_MAX_BYTES = 64 * 1024;

const open = new Set<LineBatchTransport>();
let exitHookInstalled = false;

/**
 * A winston transport that writes the lines logged during one event-loop turn
 * with a single write, at the end of the turn (setImmediate), instead of one
 * write (a system call on stdout) per line. A server answering many requests
 * per turn logs a request line for the price of a string concatenation.
 * Lines wait at most until the turn ends or LINE_BATCH_MAX_BYTES pile up, and
 * are written on close and when the process exits, so none is lost on a
 * normal stop or a process.exit.
 */
export class LineBatchTransport extends Transport {
  readonly #stream: NodeJS.WritableStream;
  #pending: string[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(stream: NodeJS.WritableStream) {
    super();
    this.#stream = stream;
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once('exit', () => {
        for (const transport of open) transport.flush();
      });
    }
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[MESSAGE] as string;
    this.#pending.push(line);
    this.#bytes += line.length + 1;
    if (this.#bytes >= LINE_BATCH_MAX_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushAtTurnEnd);
    }
    next();
  }

  /** Writes every pending line now. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const chunk = `${this.#pending.join('\n')}\n`;
    this.#pending = [];
    this.#bytes = 0;
    this.#stream.write(chunk);
  }

  override close(): void {
    this.flush();
    open.delete(this);
  }

  #flushAtTurnEnd = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
