/**
 * RDB length encoding (rdbSaveLen / rdbLoadLenByRef): 00xxxxxx (6 bits), 01xxxxxx+byte (14 bits,
 * big-endian), 0x80 + uint32 BE, 0x81 + uint64 BE; 11xxxxxx marks a special string encoding.
 *
 * Invariants:
 * - The writer picks the shortest form; the reader accepts any form (Redis does too).
 * - A 64-bit length above 2^53 cannot be a real length here and is corrupt.
 * - Any other 10xxxxxx byte is corrupt ("Unknown length encoding").
 */
import assert from 'node:assert/strict';
import type { ByteReader } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';
import { lengthMarker } from './rdb-format.ts';
import { labelText, type Label, type StreamContext } from './rdb-stream-context.ts';

export function writeLength(writer: ByteWriter, length: number): void {
  assert.ok(Number.isSafeInteger(length) && length >= 0, `a length is a non-negative integer: ${length}`);
  if (length < 1 << 6) writer.u8(length);
  else if (length < 1 << 14) {
    writer.u8(0x40 | (length >> 8));
    writer.u8(length & 0xff);
  } else if (length <= 0xffffffff) {
    writer.u8(lengthMarker.bits32);
    writer.u32be(length);
  } else {
    writer.u8(lengthMarker.bits64);
    writer.u64be(BigInt(length));
  }
}

export type LengthOrEncoding = { readonly special: false; readonly length: number } | { readonly special: true; readonly encoding: number };

export function readLengthOrEncoding(reader: ByteReader, context: StreamContext): LengthOrEncoding {
  const start = reader.position;
  const first = reader.u8();
  const kind = first >> 6;
  if (kind === 0) return { special: false, length: first & 0x3f };
  if (kind === 1) return { special: false, length: ((first & 0x3f) << 8) | reader.u8() };
  if (kind === 3) return { special: true, encoding: first & 0x3f };
  if (first === lengthMarker.bits32) return { special: false, length: reader.u32be() };
  if (first === lengthMarker.bits64) {
    const wide = reader.u64be();
    if (wide > BigInt(Number.MAX_SAFE_INTEGER)) throw context.error('corrupt', start, `64-bit length ${wide} is beyond any possible size`);
    return { special: false, length: Number(wide) };
  }
  throw context.error('corrupt', start, `unknown length encoding byte 0x${first.toString(16)}`);
}

/** A plain length; a special-encoding marker here is corrupt. */
export function readLength(reader: ByteReader, context: StreamContext, label: Label): number {
  const start = reader.position;
  const result = readLengthOrEncoding(reader, context);
  if (result.special) throw context.error('corrupt', start, `${labelText(label)}: expected a length, found string encoding ${result.encoding}`);
  return result.length;
}
