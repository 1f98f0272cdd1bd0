/**
 * The animals this client registered and has not retired, oldest first, in
 * a ring of fixed capacity. The client reads random members
 * (read_existing) and, once it holds more than `limit`, deletes the oldest
 * (retire_animal), so a long run never fills the server's store.
 */
export class Population {
  readonly limit: number;
  /** limit + room for registrations answered before the next retirement is planned. */
  readonly capacity: number;
  readonly #ids: (string | undefined)[];
  #oldest = 0;
  #size = 0;
  #forgotten = 0;

  constructor(limit: number, slack: number) {
    this.limit = limit;
    this.capacity = limit + slack;
    this.#ids = new Array(this.capacity);
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Ids dropped from memory because the ring was full (their animals stay
   * on the server). Zero unless more registrations are answered between two
   * retirements than the slack allows.
   */
  get forgotten(): number {
    return this.#forgotten;
  }

  get overLimit(): boolean {
    return this.#size > this.limit;
  }

  add(id: string): void {
    if (this.#size === this.capacity) {
      this.takeOldest();
      this.#forgotten++;
    }
    this.#ids[(this.#oldest + this.#size) % this.capacity] = id;
    this.#size++;
  }

  /** Removes and returns the oldest id. */
  takeOldest(): string | undefined {
    if (this.#size === 0) return undefined;
    const id = this.#ids[this.#oldest];
    this.#ids[this.#oldest] = undefined;
    this.#oldest = (this.#oldest + 1) % this.capacity;
    this.#size--;
    return id;
  }

  pick(random: () => number): string | undefined {
    if (this.#size === 0) return undefined;
    return this.#ids[(this.#oldest + Math.floor(random() * this.#size)) % this.capacity];
  }
}
