import { randomUUID } from 'node:crypto';
import type { Animal, AnimalInput } from '@menagerie/animals';

export interface Page {
  items: Animal[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * In-memory animals, bounded. When full it refuses new animals and never
 * evicts: an animal stays until a caller deletes it.
 */
export class AnimalStore {
  readonly capacity: number;
  // A Map iterates in insertion order, so it is also the order of pages.
  readonly #byId = new Map<string, Animal>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#byId.size;
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** Stores the animal, or returns undefined when the store is full. */
  add(input: AnimalInput): Animal | undefined {
    if (this.full) return undefined;
    const animal: Animal = {
      id: randomUUID(),
      name: input.name,
      species: input.species,
      legs: input.legs,
      ...(input.age === undefined ? {} : { age: input.age }),
      createdAt: new Date().toISOString(),
    };
    this.#byId.set(animal.id, animal);
    return animal;
  }

  get(id: string): Animal | undefined {
    return this.#byId.get(id);
  }

  /** Deletes an animal; false when there is none with this id. */
  remove(id: string): boolean {
    return this.#byId.delete(id);
  }

  /**
   * Animals in insertion order. O(offset + limit): deletions leave no index
   * to jump to an offset with, and the offset is bounded by the capacity.
   */
  page(offset: number, limit: number): Page {
    const items: Animal[] = [];
    if (offset < this.size) {
      let index = 0;
      for (const animal of this.#byId.values()) {
        if (index++ < offset) continue;
        items.push(animal);
        if (items.length === limit) break;
      }
    }
    return { items, total: this.size, limit, offset };
  }
}
