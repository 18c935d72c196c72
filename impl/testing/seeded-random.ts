/**
 * Test support for impl/: a seeded uniform source (mulberry32), so a crash sweep or a sampled
 * power-loss state replays from its seed. model/ keeps its own copy, since the layers never share.
 *
 * Invariant: the same seed yields the same sequence, every value in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
