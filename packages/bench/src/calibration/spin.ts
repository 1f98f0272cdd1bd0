/**
 * A calibration load, loaded with `node --import` before the server by the
 * `spin=<µs>` configuration: each request first busy-waits a set number of
 * microseconds of pure arithmetic, with no allocation and no I/O. Work of a
 * known size, so what it adds to the server's CPU per request in situ,
 * against that size, is what any per-request work costs on the machine at
 * hand beyond its own time (fewer requests to share each event-loop turn and
 * each kernel wake-up). Only the benchmark loads it.
 */
import { subscribe } from 'node:diagnostics_channel';

/** Microseconds each request spins for. */
export const SPIN_US_ENV = 'MENAGERIE_BENCH_SPIN_US';

/** Keeps the CPU busy for at least `microseconds` (the clock read each turn is what cannot be optimised away). */
export function spin(microseconds: number): void {
  const until = performance.now() + microseconds / 1000;
  while (performance.now() < until) {
    // Busy by design.
  }
}

const microseconds = Number(process.env[SPIN_US_ENV] ?? 0);
if (microseconds > 0) {
  // Published by node:http for every request, before the server's handler runs.
  subscribe('http.server.request.start', () => spin(microseconds));
}
