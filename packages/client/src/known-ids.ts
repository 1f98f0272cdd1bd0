/** The most recent ids the server returned, bounded, for reads of existing animals. */
export class KnownIds {
  readonly #ids: string[] = [];
  #next = 0;
  readonly capacity: number;

  constructor(capacity = 1000) {
    this.capacity = capacity;
  }

  add(id: string): void {
    if (this.#ids.length < this.capacity) this.#ids.push(id);
    else this.#ids[this.#next] = id;
    this.#next = (this.#next + 1) % this.capacity;
  }

  pick(random: () => number): string | undefined {
    if (this.#ids.length === 0) return undefined;
    return this.#ids[Math.floor(random() * this.#ids.length)];
  }
}
