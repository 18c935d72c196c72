/**
 * RDB string encoding (rdbSaveRawString / rdbGenericLoadStringObject): int8/16/32 for short
 * canonical integers, LZF (0xC3 clen len data) when compression is on and it saves >= 4 bytes,
 * else a length-prefixed raw string.
 *
 * Invariants:
 * - Writer order: integer encoding (len <= 11, canonical, fits int32), then LZF (len > 20,
 *   compressed <= len - 4), then raw. Reading any of them yields the original bytes.
 * - The reader checks every declared size against the context's caps before buffering, and an
 *   LZF declared length against `lzfMaxExpansion` before allocating its output.
 */
import assert from 'node:assert/strict';
import { byteStringOf, type ByteString } from '../values/redis-value.ts';
import type { ByteReader } from './byte-reader.ts';
import type { ByteWriter } from './byte-writer.ts';
import { canonicalInteger, fitsSigned } from './canonical-integer.ts';
import { lzfCompress, lzfDecompress } from './lzf.ts';
import { BlobFormatError } from './rdb-decode-error.ts';
import { integerEncodingMaxLength, lzfMinInputLength, lzfMinSaving, stringEncoding } from './rdb-format.ts';
import { readLength, readLengthOrEncoding, writeLength } from './rdb-length.ts';
import { lzfMaxExpansion } from './rdb-limits.ts';
import { labelText, type Label, type StreamContext } from './rdb-stream-context.ts';

function writeInteger(writer: ByteWriter, text: string): boolean {
  if (text.length > integerEncodingMaxLength) return false;
  const value = canonicalInteger(text);
  if (typeof value !== 'number') return false;
  if (fitsSigned(value, 8)) {
    writer.u8(0xc0 | stringEncoding.int8);
    writer.intLE(value, 1);
  } else if (fitsSigned(value, 16)) {
    writer.u8(0xc0 | stringEncoding.int16);
    writer.intLE(value, 2);
  } else if (fitsSigned(value, 32)) {
    writer.u8(0xc0 | stringEncoding.int32);
    writer.intLE(value, 4);
  } else return false;
  return true;
}

function writeCompressed(writer: ByteWriter, bytes: Uint8Array): boolean {
  const compressed = lzfCompress(bytes, bytes.length - lzfMinSaving);
  if (compressed === undefined) return false;
  assert.ok(compressed.length <= bytes.length - lzfMinSaving, 'LZF is used only when it saves 4 bytes');
  writer.u8(0xc0 | stringEncoding.lzf);
  writeLength(writer, compressed.length);
  writeLength(writer, bytes.length);
  writer.bytes(compressed);
  return true;
}

/** Writes raw bytes (a listpack or intset blob, or a string's bytes) the way Redis does. */
export function writeRdbBytes(writer: ByteWriter, bytes: Uint8Array, compression: boolean): void {
  if (bytes.length <= integerEncodingMaxLength && writeInteger(writer, Buffer.from(bytes).toString('latin1'))) return;
  if (compression && bytes.length >= lzfMinInputLength && writeCompressed(writer, bytes)) return;
  writeLength(writer, bytes.length);
  writer.bytes(bytes);
}

/** Reused for the bytes of a string LZF is tried on (compression copies what it keeps). */
let compressionInput = Buffer.alloc(4096);

function latin1Bytes(text: ByteString): Uint8Array {
  if (text.length > compressionInput.length) compressionInput = Buffer.alloc(Math.max(text.length, 2 * compressionInput.length));
  const written = compressionInput.write(text, 0, 'latin1');
  assert.equal(written, text.length, 'a ByteString writes one byte per char');
  return compressionInput.subarray(0, written);
}

export function writeRdbString(writer: ByteWriter, text: ByteString, compression: boolean): void {
  if (writeInteger(writer, text)) return;
  if (compression && text.length >= lzfMinInputLength) {
    if (writeCompressed(writer, latin1Bytes(text))) return;
  }
  writeLength(writer, text.length);
  writer.latin1(text);
}

const asciiBytes = (value: number): Uint8Array => Buffer.from(String(value), 'latin1');

/** Reads one RDB string as bytes. The result may alias the reader's buffer: use it at once. */
export function readRdbBytes(reader: ByteReader, context: StreamContext, label: Label): Uint8Array {
  const start = reader.position;
  const header = readLengthOrEncoding(reader, context);
  if (!header.special) {
    context.requireBytes(reader.position, header.length, label, start);
    return reader.take(header.length);
  }
  switch (header.encoding) {
    case stringEncoding.int8:
      return asciiBytes(reader.intLE(1));
    case stringEncoding.int16:
      return asciiBytes(reader.intLE(2));
    case stringEncoding.int32:
      return asciiBytes(reader.intLE(4));
    case stringEncoding.lzf: {
      const compressedLength = readLength(reader, context, () => `${labelText(label)} (LZF compressed length)`);
      const length = readLength(reader, context, () => `${labelText(label)} (LZF length)`);
      context.requireBytes(reader.position, compressedLength, () => `${labelText(label)} (LZF data)`, start);
      if (length > context.limits.maxStringBytes || length > compressedLength * lzfMaxExpansion) {
        throw context.error('corrupt', start, `${labelText(label)}: LZF length ${length} is impossible for ${compressedLength} compressed bytes`);
      }
      const compressed = reader.take(compressedLength);
      try {
        return lzfDecompress(compressed, length);
      } catch (error) {
        if (error instanceof BlobFormatError) throw context.error('corrupt', start, `${labelText(label)}: invalid LZF compressed string: ${error.message}`);
        throw error;
      }
    }
    default:
      throw context.error('corrupt', start, `${labelText(label)}: unknown RDB string encoding ${header.encoding}`);
  }
}

export function readRdbString(reader: ByteReader, context: StreamContext, label: Label): ByteString {
  const start = reader.position;
  const first = reader.u8();
  if (first < 0x80) {
    // Fast path: a raw string with a 6- or 14-bit length (shorter than 16384 bytes).
    const length = first < 0x40 ? first : ((first & 0x3f) << 8) | reader.u8();
    context.requireBytes(reader.position, length, label, start);
    return reader.latin1(length);
  }
  reader.position = start;
  return byteStringOf(readRdbBytes(reader, context, label));
}
