/**
 * CRC-64 "Jones" as Redis computes it for the RDB trailer: reflected polynomial
 * 0x95AC9329AC4BC9B5, init 0, refin/refout true, xorout 0.
 *
 * Invariants:
 * - crc64("123456789") == 0xE9C6D914C4B8D9CA.
 * - Incremental: updating with a then b equals one update with a‖b.
 * - The 64-bit state is kept as two uint32 halves (no BigInt per byte); `digest()` joins them.
 * - Eight bytes are folded per step (slicing-by-8: table k holds a byte's CRC followed by k zero
 *   bytes), the tail byte by byte; the result equals the bytewise definition for every input.
 */
import assert from 'node:assert/strict';

const reflectedPolynomial = 0x95ac9329ac4bc9b5n;

/** Table k at [k * 256 + byte]: the CRC of `byte` followed by k zero bytes, as two halves. */
function buildTables(): { low: Int32Array; high: Int32Array } {
  // Int32Array: every entry stays a small integer in V8 (a Uint32 above 2^31 would not).
  const low = new Int32Array(8 * 256);
  const high = new Int32Array(8 * 256);
  for (let index = 0; index < 256; index += 1) {
    let crc = BigInt(index);
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1n ? (crc >> 1n) ^ reflectedPolynomial : crc >> 1n;
    low[index] = Number(BigInt.asIntN(32, crc));
    high[index] = Number(BigInt.asIntN(32, crc >> 32n));
  }
  for (let table = 1; table < 8; table += 1) {
    for (let index = 0; index < 256; index += 1) {
      const previous = (table - 1) * 256 + index;
      const previousLow = low[previous] as number;
      const previousHigh = high[previous] as number;
      const slot = previousLow & 0xff;
      low[table * 256 + index] = ((previousLow >>> 8) | (previousHigh << 24)) ^ (low[slot] as number);
      high[table * 256 + index] = (previousHigh >>> 8) ^ (high[slot] as number);
    }
  }
  return { low, high };
}

const tables = buildTables();

export class Crc64 {
  private low = 0;
  private high = 0;

  update(bytes: Uint8Array): this {
    const tableLow = tables.low;
    const tableHigh = tables.high;
    let low = this.low;
    let high = this.high;
    const whole = bytes.length - (bytes.length % 8);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < whole; at += 8) {
      const a = low ^ view.getInt32(at, true);
      const b = high ^ view.getInt32(at + 4, true);
      const s7 = 7 * 256 + (a & 0xff);
      const s6 = 6 * 256 + ((a >>> 8) & 0xff);
      const s5 = 5 * 256 + ((a >>> 16) & 0xff);
      const s4 = 4 * 256 + (a >>> 24);
      const s3 = 3 * 256 + (b & 0xff);
      const s2 = 2 * 256 + ((b >>> 8) & 0xff);
      const s1 = 256 + ((b >>> 16) & 0xff);
      const s0 = b >>> 24;
      low =
        (tableLow[s7] as number) ^
        (tableLow[s6] as number) ^
        (tableLow[s5] as number) ^
        (tableLow[s4] as number) ^
        (tableLow[s3] as number) ^
        (tableLow[s2] as number) ^
        (tableLow[s1] as number) ^
        (tableLow[s0] as number);
      high =
        (tableHigh[s7] as number) ^
        (tableHigh[s6] as number) ^
        (tableHigh[s5] as number) ^
        (tableHigh[s4] as number) ^
        (tableHigh[s3] as number) ^
        (tableHigh[s2] as number) ^
        (tableHigh[s1] as number) ^
        (tableHigh[s0] as number);
    }
    for (let index = whole; index < bytes.length; index += 1) {
      const slot = (low ^ (bytes[index] as number)) & 0xff;
      low = ((low >>> 8) | (high << 24)) ^ (tableLow[slot] as number);
      high = (high >>> 8) ^ (tableHigh[slot] as number);
    }
    this.low = low >>> 0;
    this.high = high >>> 0;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.high) << 32n) | BigInt(this.low);
  }

  /** The digest as stored in the RDB trailer: 8 bytes little-endian. */
  digestBytes(): Uint8Array {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, this.low, true);
    view.setUint32(4, this.high, true);
    assert.equal(readChecksumLE(bytes, 0), this.digest());
    return bytes;
  }
}

export function crc64(bytes: Uint8Array): bigint {
  return new Crc64().update(bytes).digest();
}

/** The 8-byte little-endian checksum at `offset`. */
export function readChecksumLE(bytes: Uint8Array, offset: number): bigint {
  assert.ok(offset + 8 <= bytes.length, 'a checksum is 8 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  return view.getBigUint64(0, true);
}
