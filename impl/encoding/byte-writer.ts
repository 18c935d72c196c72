/**
 * A growable little buffer for building encoded bytes: append primitives, then take the result.
 *
 * Invariants:
 * - `length` is the number of bytes written since the last `take()`; capacity grows by doubling,
 *   so appending n bytes costs O(n) amortised.
 * - `take()` returns an independent copy and empties the writer, so one writer can be reused.
 * - Every integer written is asserted to fit its width before it is written.
 */
import assert from 'node:assert/strict';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  /** A Buffer over `buffer`, made once per growth (not once per string written). */
  private nodeBuffer: Buffer;
  private used = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buffer.buffer);
    this.nodeBuffer = Buffer.from(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  get length(): number {
    return this.used;
  }

  /** Claims `extra` bytes and returns their offset. Read `this.buffer` only after calling it. */
  private reserve(extra: number): number {
    const needed = this.used + extra;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
      this.nodeBuffer = Buffer.from(grown.buffer, grown.byteOffset, grown.length);
    }
    const at = this.used;
    this.used = needed;
    return at;
  }

  u8(value: number): void {
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xff, `u8 out of range: ${value}`);
    const at = this.reserve(1);
    this.buffer[at] = value;
  }

  bytes(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }

  /** Appends a ByteString (latin1: one char per byte). */
  latin1(text: string): void {
    const at = this.reserve(text.length);
    const written = this.nodeBuffer.write(text, at, 'latin1');
    assert.equal(written, text.length, 'a ByteString writes one byte per char');
  }

  u16le(value: number): void {
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffff, `u16 out of range: ${value}`);
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
  }

  u32le(value: number): void {
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `u32 out of range: ${value}`);
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
  }

  u32be(value: number): void {
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffffffff, `u32 out of range: ${value}`);
    const at = this.reserve(4);
    this.view.setUint32(at, value, false);
  }

  u64be(value: bigint): void {
    assert.ok(value >= 0n && value < 1n << 64n, `u64 out of range: ${value}`);
    const at = this.reserve(8);
    this.view.setBigUint64(at, value, false);
  }

  /** Signed little-endian integer of 1, 2, 3 or 4 bytes, two's complement. */
  intLE(value: number, width: 1 | 2 | 3 | 4): void {
    const limit = 2 ** (width * 8 - 1);
    assert.ok(Number.isInteger(value) && value >= -limit && value < limit, `int${width * 8} out of range: ${value}`);
    const at = this.reserve(width);
    const unsigned = value < 0 ? value + 2 * limit : value;
    for (let index = 0; index < width; index += 1) this.buffer[at + index] = Math.floor(unsigned / 2 ** (8 * index)) & 0xff;
  }

  i64le(value: bigint): void {
    assert.ok(value >= -(1n << 63n) && value < 1n << 63n, `int64 out of range: ${value}`);
    const at = this.reserve(8);
    this.view.setBigInt64(at, value, true);
  }

  f64le(value: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
  }

  /** Overwrites 4 bytes at `at` (for headers whose value is known only at the end). */
  patchU32le(at: number, value: number): void {
    assert.ok(at >= 0 && at + 4 <= this.used, 'patch inside the written bytes');
    this.view.setUint32(at, value, true);
  }

  take(): Uint8Array {
    const result = this.buffer.slice(0, this.used);
    this.used = 0;
    return result;
  }
}
