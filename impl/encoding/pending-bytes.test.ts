/**
 * Goal: the decoders' one buffer keeps their memory bounded by the incomplete unit: nothing is
 * buffered while whole units arrive, the buffer is the smallest doubling of 64 KiB that holds the
 * pending bytes, it compacts before it grows, and it shrinks back once a large unit is consumed
 * (a buffer over 4 × 64 KiB less than a quarter full shrinks to max(64 KiB, twice what is pending)).
 * Method: hand-made sequences of view/keep calls with chunks of distinct byte values; capacities
 * derived by hand from those rules; the pending bytes checked after every step.
 */
import { describe, expect, it } from 'vitest';
import { PendingBytes, type BytesView } from './pending-bytes.ts';

const KiB = 1024;
const chunkOf = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);
/** The viewed bytes as runs of [byte value, count] (readable, and fast on a megabyte). */
function runsOf(view: BytesView): [number, number][] {
  const runs: [number, number][] = [];
  for (let at = view.start; at < view.end; at += 1) {
    const value = view.bytes[at] as number;
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] === value) last[1] += 1;
    else runs.push([value, 1]);
  }
  return runs;
}

/** A PendingBytes holding `length` bytes of `value`, kept from a chunk (so the buffer is fresh). */
function pendingOf(length: number, value: number): PendingBytes {
  const pending = new PendingBytes();
  const chunk = chunkOf(length, value);
  pending.keep(pending.view(chunk), 0);
  return pending;
}

describe('PendingBytes', () => {
  it('a chunk of whole units is parsed in place and leaves no buffer behind', () => {
    const pending = new PendingBytes();
    const chunk = chunkOf(1000, 7);
    const view = pending.view(chunk);
    expect(view).toEqual({ bytes: chunk, start: 0, end: 1000 });
    pending.keep(view, 1000);
    expect([pending.length, pending.capacity]).toEqual([0, 0]);
  });

  it('an unparsed tail is copied out of the chunk, so the caller may reuse its chunk', () => {
    const pending = new PendingBytes();
    const chunk = chunkOf(1000, 7);
    pending.keep(pending.view(chunk), 990);
    chunk.fill(0);
    const view = pending.view(chunkOf(5, 8));
    expect(runsOf(view)).toEqual([[7, 10], [8, 5]]);
  });

  it.each([
    [10, 64 * KiB],
    [64 * KiB, 64 * KiB],
    [64 * KiB + 1, 128 * KiB],
    [128 * KiB, 128 * KiB],
    [128 * KiB + 1, 256 * KiB],
  ])('%i pending bytes are held in a buffer of %i bytes', (length, capacity) => {
    const pending = pendingOf(length, 1);
    expect([pending.length, pending.capacity]).toEqual([length, capacity]);
  });

  it('a chunk that fits after the pending bytes is appended in place, and one that fits after compaction does not grow the buffer', () => {
    const pending = pendingOf(60_000, 1); // buffer 64 KiB, bytes [0, 60000)
    const second = pending.view(chunkOf(1000, 2));
    pending.keep(second, 50_000); // 11,000 pending at [50000, 61000)
    // 4,536 more bytes end exactly at 64 KiB: appended after the pending bytes, which do not move
    // (no copy of the pending unit per push: appending n bytes costs O(n) amortised).
    const third = pending.view(chunkOf(4536, 3));
    expect([third.start, third.end, pending.capacity]).toEqual([50_000, 64 * KiB, 64 * KiB]);
    expect(runsOf(third)).toEqual([[1, 10_000], [2, 1000], [3, 4536]]);
    pending.keep(third, 60_000); // 5,536 pending at [60000, 65536)
    // 60,000 more bytes make exactly 64 KiB with the 5,536 pending: moved to the front, not grown.
    const fourth = pending.view(chunkOf(60_000, 4));
    expect([fourth.start, fourth.end, pending.capacity]).toEqual([0, 64 * KiB, 64 * KiB]);
    expect(runsOf(fourth)).toEqual([[2, 1000], [3, 4536], [4, 60_000]]);
  });

  it.each([
    [1024 * KiB, 100, 64 * KiB], // shrinks to the 64 KiB minimum
    [256 * KiB, 100, 256 * KiB], // not over 4 × 64 KiB: kept
    [512 * KiB, 128 * KiB, 512 * KiB], // a quarter full: kept
    [512 * KiB, 128 * KiB - 1, 256 * KiB - 2], // under a quarter: twice what is pending
  ])('a %i-byte buffer left with %i pending bytes ends with capacity %i', (size, left, capacity) => {
    const pending = pendingOf(size - 10, 1);
    const view = pending.view(chunkOf(10, 2)); // fills the buffer exactly
    expect(pending.capacity).toBe(size);
    pending.keep(view, view.end - left);
    expect([pending.length, pending.capacity]).toEqual([left, capacity]);
    expect(runsOf(pending.view(chunkOf(1, 3)))).toEqual([[1, left - 10], [2, 10], [3, 1]]);
  });
});
