import { expect } from 'chai';
import { AnimalStore } from '../src/index.ts';

describe('animal store', () => {
  it('stores, finds and pages animals in insertion order', () => {
    const store = new AnimalStore(10);
    const ids = ['A', 'B', 'C'].map((name) => store.add({ name, species: 'cat', legs: 4 })?.id);
    expect(store.get(ids[1] as string)?.name).to.equal('B');
    const page = store.page(1, 5);
    expect(page.items.map((a) => a.name)).to.deep.equal(['B', 'C']);
    expect(page).to.include({ total: 3, offset: 1, limit: 5 });
  });

  it('refuses animals when full and keeps every stored one', () => {
    const store = new AnimalStore(2);
    const first = store.add({ name: 'A', species: 'cat', legs: 4 });
    store.add({ name: 'B', species: 'cat', legs: 4 });
    expect(store.full).to.equal(true);
    expect(store.add({ name: 'C', species: 'cat', legs: 4 })).to.equal(undefined);
    expect(store.size).to.equal(2);
    expect(store.get(first?.id as string)?.name).to.equal('A');
  });

  it('deletes animals, frees their room and pages what is left in insertion order', () => {
    const store = new AnimalStore(3);
    const ids = ['A', 'B', 'C'].map((name) => store.add({ name, species: 'cat', legs: 4 })?.id as string);
    expect(store.full).to.equal(true);
    expect(store.remove(ids[1] as string)).to.equal(true);
    expect(store.remove(ids[1] as string)).to.equal(false);
    expect(store.get(ids[1] as string)).to.equal(undefined);
    expect(store.full).to.equal(false);
    store.add({ name: 'D', species: 'cat', legs: 4 });
    expect(store.page(0, 10).items.map((a) => a.name)).to.deep.equal(['A', 'C', 'D']);
    expect(store.page(1, 1).items.map((a) => a.name)).to.deep.equal(['C']);
    expect(store.page(3, 5)).to.deep.include({ items: [], total: 3 });
  });
});
