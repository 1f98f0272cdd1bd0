/** A source of uniform numbers in [0, 1). Math.random in production; seeded in tests. */
export type Random = () => number;

/**
 * mulberry32: a tiny seeded generator, good enough for fault injection and
 * reproducible tests (Node's crypto has no seedable generator, and a library
 * for twelve lines is not worth a dependency).
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller). */
export function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1]: log(0) is not a number
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** z such that P(Z <= z) = 0.99 for a standard normal Z. */
export const Z_99 = 2.326347874;
