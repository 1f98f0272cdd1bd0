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
 * evicts: nothing stored is lost while the process lives.
 */
export class AnimalStore {
  readonly capacity: number;
  readonly #byId = new Map<string, Animal>();
  // Insertion order, for pages in O(limit): the store never deletes.
  readonly #order: Animal[] = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#order.length;
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
    this.#order.push(animal);
    return animal;
  }

  get(id: string): Animal | undefined {
    return this.#byId.get(id);
  }

  page(offset: number, limit: number): Page {
    return { items: this.#order.slice(offset, offset + limit), total: this.size, limit, offset };
  }
}
