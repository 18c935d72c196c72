/**
 * The decoder's only byte buffer: the bytes of the one unit that is not complete yet.
 *
 * Invariants:
 * - When nothing is pending, a pushed chunk is parsed in place (no copy); only its unparsed tail
 *   is copied in.
 * - Capacity grows by doubling (appending n bytes costs O(n) amortised) and shrinks back once a
 *   large unit has been consumed, so the buffer stays O(largest incomplete unit + one chunk).
 * - `keep` copies what it keeps out of a caller's chunk: the caller may reuse its chunk memory.
 */
import assert from 'node:assert/strict';

const minimumCapacity = 64 * 1024;

export interface BytesView {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
}

export class PendingBytes {
  private buffer = new Uint8Array(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  get capacity(): number {
    return this.buffer.length;
  }

  /** The pending bytes followed by `chunk`. */
  view(chunk: Uint8Array): BytesView {
    if (this.length === 0) return { bytes: chunk, start: 0, end: chunk.length };
    this.append(chunk);
    return { bytes: this.buffer, start: this.start, end: this.end };
  }

  private append(chunk: Uint8Array): void {
    const used = this.length;
    if (this.end + chunk.length > this.buffer.length) {
      const needed = used + chunk.length;
      if (needed <= this.buffer.length) this.buffer.copyWithin(0, this.start, this.end);
      else {
        let capacity = Math.max(minimumCapacity, this.buffer.length * 2);
        while (capacity < needed) capacity *= 2;
        const grown = new Uint8Array(capacity);
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = used;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
    assert.equal(this.length, used + chunk.length, 'append keeps every byte');
  }

  /** After parsing `view` up to `from`, keeps bytes [from, view.end) as pending. */
  keep(view: BytesView, from: number): void {
    assert.ok(from >= view.start && from <= view.end, 'kept range inside the view');
    const tail = view.bytes.subarray(from, view.end);
    if (view.bytes !== this.buffer) {
      assert.equal(this.length, 0, 'a chunk is parsed in place only when nothing was pending');
      this.start = 0;
      this.end = 0;
      if (tail.length > 0) this.append(tail);
      return;
    }
    this.start = from;
    if (this.buffer.length > 4 * minimumCapacity && this.length * 4 < this.buffer.length) {
      const shrunk = new Uint8Array(Math.max(minimumCapacity, this.length * 2));
      shrunk.set(tail);
      this.buffer = shrunk;
      this.start = 0;
      this.end = tail.length;
    }
  }
}
