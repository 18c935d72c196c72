/**
 * A bounds-checked cursor over bytes. What happens on a short read is the caller's policy:
 * a stream reader signals "need more bytes up to position p" (NeedMoreBytes), a blob reader
 * reports a structural fault (BlobFormatError), since a blob is complete by construction.
 *
 * Invariants:
 * - `position <= end <= bytes.length` always; no read ever touches a byte at or past `end`.
 * - A failed read leaves `position` unspecified; the caller restarts or abandons the unit.
 * - NeedMoreBytes is internal to the decoder; it never escapes to a user of impl/encoding/.
 */
import assert from 'node:assert/strict';
import { BlobFormatError } from './rdb-decode-error.ts';

/** Internal signal: the current unit needs the buffer to extend to `until` (exclusive). */
export class NeedMoreBytes {
  constructor(readonly until: number) {}
}

export type ShortReadPolicy = { readonly kind: 'stream' } | { readonly kind: 'blob'; readonly blobKind: string };

export class ByteReader {
  private view: DataView;
  /** A Buffer over the same bytes, made once per `bytes` (not once per string read). */
  private buffer: Buffer;

  constructor(
    public bytes: Uint8Array,
    public position: number,
    public end: number,
    private readonly policy: ShortReadPolicy,
  ) {
    assert.ok(position >= 0 && position <= end && end <= bytes.length, 'reader bounds inside the bytes');
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static forBlob(bytes: Uint8Array, blobKind: string): ByteReader {
    return new ByteReader(bytes, 0, bytes.length, { kind: 'blob', blobKind });
  }

  /** Points the reader at new bytes (the stream decoder reuses one reader). */
  reset(bytes: Uint8Array, position: number, end: number): void {
    assert.ok(position >= 0 && position <= end && end <= bytes.length, 'reader bounds inside the bytes');
    if (bytes !== this.bytes) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.bytes = bytes;
    this.position = position;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  fail(detail: string, at = this.position): never {
    const blobKind = this.policy.kind === 'blob' ? this.policy.blobKind : 'stream';
    throw new BlobFormatError(blobKind, at, detail);
  }

  /** Claims `count` bytes and returns where they start. */
  private claim(count: number): number {
    const at = this.position;
    if (count > this.end - at) {
      if (this.policy.kind === 'stream') throw new NeedMoreBytes(at + count);
      this.fail(`needs ${count} bytes but only ${this.end - at} remain`, at);
    }
    this.position = at + count;
    return at;
  }

  u8(): number {
    return this.bytes[this.claim(1)] as number;
  }

  peekU8(): number {
    const at = this.claim(1);
    this.position = at;
    return this.bytes[at] as number;
  }

  take(count: number): Uint8Array {
    const at = this.claim(count);
    return this.bytes.subarray(at, at + count);
  }

  /** `count` bytes as a ByteString (latin1: one char per byte). */
  latin1(count: number): string {
    const at = this.claim(count);
    return this.buffer.toString('latin1', at, at + count);
  }

  skip(count: number): void {
    this.claim(count);
  }

  u16le(): number {
    return this.view.getUint16(this.claim(2), true);
  }

  u32le(): number {
    return this.view.getUint32(this.claim(4), true);
  }

  u32be(): number {
    return this.view.getUint32(this.claim(4), false);
  }

  u64be(): bigint {
    return this.view.getBigUint64(this.claim(8), false);
  }

  /** Signed little-endian integer of 1, 2, 3 or 4 bytes. */
  intLE(width: 1 | 2 | 3 | 4): number {
    const at = this.claim(width);
    switch (width) {
      case 1:
        return this.view.getInt8(at);
      case 2:
        return this.view.getInt16(at, true);
      case 3: {
        const unsigned = this.view.getUint16(at, true) | ((this.bytes[at + 2] as number) << 16);
        return unsigned >= 0x800000 ? unsigned - 0x1000000 : unsigned;
      }
      case 4:
        return this.view.getInt32(at, true);
    }
  }

  i64le(): bigint {
    return this.view.getBigInt64(this.claim(8), true);
  }

  f64le(): number {
    return this.view.getFloat64(this.claim(8), true);
  }
}
