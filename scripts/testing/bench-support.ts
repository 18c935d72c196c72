/**
 * What both benchmarks (bench-rdb.ts, bench-aof.ts) share: the seeded value generator, timing, a
 * free port for redis-server, and medians. Benchmark support only: it reads the host's clock.
 */
import { performance } from 'node:perf_hooks';

export { freePort } from '../../conformance/interop/free-port.ts';

/** mulberry32: the 32-bit values of the benchmarks' random 100-byte values, from `initial`. */
export function prng(initial: number): () => number {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return (mixed ^ (mixed >>> 14)) >>> 0;
  };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export const megabytes = (bytes: number): number => bytes / 1e6;
