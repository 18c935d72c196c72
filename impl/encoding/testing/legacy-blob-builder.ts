/**
 * Test support: builds the load-only blobs Redis 7.0 no longer writes (ziplists, zipmaps) and
 * raw RDB records around them, so decoders can be tested on every legacy encoding. Verified
 * against redis-check-rdb 7.0.15 when written; not used by the codec itself.
 *
 * Invariants:
 * - `ziplistOf` writes the exact layout the decoder checks: correct prevlens, zltail and zllen;
 *   integers in the smallest ziplist integer encoding unless `forceString`.
 * - Everything here is pure and deterministic.
 */
import { ByteWriter } from '../byte-writer.ts';
import { canonicalInteger, fitsSigned } from '../canonical-integer.ts';
import { writeLength } from '../rdb-length.ts';
import { writeRdbBytes, writeRdbString } from '../rdb-string.ts';

function ziplistEntryBody(writer: ByteWriter, element: string): void {
  const integer = canonicalInteger(element);
  if (integer === undefined) {
    const length = element.length;
    if (length < 64) writer.u8(length);
    else if (length < 16384) {
      writer.u8(0x40 | (length >> 8));
      writer.u8(length & 0xff);
    } else {
      writer.u8(0x80);
      writer.u32be(length);
    }
    writer.latin1(element);
  } else if (typeof integer === 'number' && integer >= 0 && integer <= 12) writer.u8(0xf1 + integer);
  else if (fitsSigned(integer, 8)) {
    writer.u8(0xfe);
    writer.intLE(Number(integer), 1);
  } else if (fitsSigned(integer, 16)) {
    writer.u8(0xc0);
    writer.intLE(Number(integer), 2);
  } else if (fitsSigned(integer, 24)) {
    writer.u8(0xf0);
    writer.intLE(Number(integer), 3);
  } else if (fitsSigned(integer, 32)) {
    writer.u8(0xd0);
    writer.intLE(Number(integer), 4);
  } else {
    writer.u8(0xe0);
    writer.i64le(BigInt(integer));
  }
}

export function ziplistOf(elements: readonly string[]): Uint8Array {
  const entries: Uint8Array[] = [];
  let previous = 0;
  for (const element of elements) {
    const writer = new ByteWriter();
    if (previous < 254) writer.u8(previous);
    else {
      writer.u8(0xfe);
      writer.u32le(previous);
    }
    ziplistEntryBody(writer, element);
    const entry = writer.take();
    entries.push(entry);
    previous = entry.length;
  }
  const writer = new ByteWriter();
  const body = entries.reduce((sum, entry) => sum + entry.length, 0);
  const lastLength = entries.at(-1)?.length ?? 0;
  writer.u32le(10 + body + 1);
  writer.u32le(10 + body - lastLength);
  writer.u16le(Math.min(elements.length, 0xffff));
  for (const entry of entries) writer.bytes(entry);
  writer.u8(0xff);
  return writer.take();
}

/** A zipmap of field/value pairs; `free` unused bytes follow each value. */
export function zipmapOf(pairs: readonly [string, string][], free = 0): Uint8Array {
  const writer = new ByteWriter();
  writer.u8(Math.min(pairs.length, 254));
  const length = (value: number): void => {
    if (value < 254) writer.u8(value);
    else {
      writer.u8(254);
      writer.u32le(value);
    }
  };
  for (const [field, value] of pairs) {
    length(field.length);
    writer.latin1(field);
    length(value.length);
    writer.u8(free);
    writer.latin1(value);
    for (let index = 0; index < free; index += 1) writer.u8(0);
  }
  writer.u8(0xff);
  return writer.take();
}

/** Raw RDB pieces for hand-made files. */
export class RdbRecordWriter {
  private readonly writer = new ByteWriter();

  header(version: number): this {
    this.writer.latin1(`REDIS${String(version).padStart(4, '0')}`);
    return this;
  }
  byte(value: number): this {
    this.writer.u8(value);
    return this;
  }
  length(value: number): this {
    writeLength(this.writer, value);
    return this;
  }
  string(value: string, compression = false): this {
    writeRdbString(this.writer, value, compression);
    return this;
  }
  blob(bytes: Uint8Array, compression = false): this {
    writeRdbBytes(this.writer, bytes, compression);
    return this;
  }
  int32le(value: number): this {
    this.writer.intLE(value, 4);
    return this;
  }
  int64le(value: bigint): this {
    this.writer.i64le(value);
    return this;
  }
  f64le(value: number): this {
    this.writer.f64le(value);
    return this;
  }
  raw(bytes: Uint8Array): this {
    this.writer.bytes(bytes);
    return this;
  }
  take(): Uint8Array {
    return this.writer.take();
  }
}
