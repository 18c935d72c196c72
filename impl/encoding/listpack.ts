/**
 * Listpack blobs (Redis 7.0 listpack.c): `u32le total_bytes`, `u16le count` (65535 = unknown),
 * entries, 0xFF. An entry is encoding+data followed by its backlen (the size of encoding+data in
 * 7-bit groups, most significant first, all but the first byte flagged 0x80).
 *
 * Invariants:
 * - Elements that are canonical int64 text are stored as integers in the smallest encoding
 *   (7-bit uint, 13-bit, int16, int24, int32, int64); all others as 6/12/32-bit-length strings.
 * - Backlen sizes follow Redis's thresholds exactly (<=127, <16383, <2097151, <268435455).
 * - decode(encode(xs)) == xs. The decoder rejects (BlobFormatError) a wrong total_bytes, a count
 *   mismatch, an entry or backlen reaching outside the blob, a wrong backlen, an invalid encoding
 *   byte, a missing terminator and bytes after it.
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { canonicalInteger, fitsSigned, type IntegerValue } from './canonical-integer.ts';

const headerSize = 6;
const terminator = 0xff;
const unknownCount = 0xffff;

export function backlenSize(entryLength: number): number {
  if (entryLength <= 127) return 1;
  if (entryLength < 16383) return 2;
  if (entryLength < 2097151) return 3;
  if (entryLength < 268435455) return 4;
  return 5;
}

function integerEncodingSize(value: IntegerValue): number {
  if (value >= 0 && value <= 127) return 1;
  if (fitsSigned(value, 13)) return 2;
  if (fitsSigned(value, 16)) return 3;
  if (fitsSigned(value, 24)) return 4;
  if (fitsSigned(value, 32)) return 5;
  return 9;
}

function stringEncodingSize(length: number): number {
  return length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length;
}

/** Bytes one element takes in a listpack, backlen included. */
export function listpackEntrySize(element: ByteString): number {
  const integer = canonicalInteger(element);
  const length = integer === undefined ? stringEncodingSize(element.length) : integerEncodingSize(integer);
  return length + backlenSize(length);
}

export function listpackSize(entriesSize: number): number {
  return headerSize + entriesSize + 1;
}

function writeBacklen(writer: ByteWriter, entryLength: number): void {
  const size = backlenSize(entryLength);
  for (let index = size - 1; index >= 0; index -= 1) {
    const group = Math.floor(entryLength / 2 ** (7 * index)) & 0x7f;
    writer.u8(index === size - 1 ? group : group | 0x80);
  }
}

function writeEntry(writer: ByteWriter, element: ByteString): void {
  const start = writer.length;
  const integer = canonicalInteger(element);
  if (integer === undefined) {
    const length = element.length;
    if (length < 64) writer.u8(0x80 | length);
    else if (length < 4096) {
      writer.u8(0xe0 | (length >> 8));
      writer.u8(length & 0xff);
    } else {
      writer.u8(0xf0);
      writer.u32le(length);
    }
    writer.latin1(element);
  } else if (integer >= 0 && integer <= 127) writer.u8(Number(integer));
  else if (fitsSigned(integer, 13)) {
    const unsigned = Number(integer) & 0x1fff;
    writer.u8(0xc0 | (unsigned >> 8));
    writer.u8(unsigned & 0xff);
  } else if (typeof integer === 'number' && fitsSigned(integer, 32)) {
    const width = fitsSigned(integer, 16) ? 2 : fitsSigned(integer, 24) ? 3 : 4;
    writer.u8(0xf0 + width - 1);
    writer.intLE(integer, width);
  } else {
    writer.u8(0xf4);
    writer.i64le(BigInt(integer));
  }
  writeBacklen(writer, writer.length - start);
}

export function encodeListpack(elements: readonly ByteString[]): Uint8Array {
  const writer = new ByteWriter(64);
  writer.u32le(0);
  writer.u16le(elements.length < unknownCount ? elements.length : unknownCount);
  for (const element of elements) writeEntry(writer, element);
  writer.u8(terminator);
  writer.patchU32le(0, writer.length);
  const blob = writer.take();
  assert.equal(blob.length, listpackSize(elements.reduce((sum, element) => sum + listpackEntrySize(element), 0)));
  return blob;
}

/** Reads one entry's value and returns it with the size of encoding+data. */
function readEntry(reader: ByteReader): ByteString {
  const first = reader.u8();
  if (first < 0x80) return String(first);
  if (first < 0xc0) return reader.latin1(first & 0x3f);
  if (first < 0xe0) {
    const unsigned = ((first & 0x1f) << 8) | reader.u8();
    return String(unsigned >= 4096 ? unsigned - 8192 : unsigned);
  }
  if (first < 0xf0) return reader.latin1(((first & 0x0f) << 8) | reader.u8());
  switch (first) {
    case 0xf0:
      return reader.latin1(reader.u32le());
    case 0xf1:
      return String(reader.intLE(2));
    case 0xf2:
      return String(reader.intLE(3));
    case 0xf3:
      return String(reader.intLE(4));
    case 0xf4:
      return reader.i64le().toString();
    default:
      return reader.fail(`invalid entry encoding byte 0x${first.toString(16)}`, reader.position - 1);
  }
}

/**
 * Redis's deep check (lpValidateNext with lpDecodeBacklen): the backlen is read from its last
 * byte backwards, 7 bits a byte, up to the first byte without the 0x80 flag (a fifth flagged
 * byte makes it invalid), and only the value is compared with the entry size; how many bytes
 * that read took is not checked, and it may run back into the entry's data.
 */
function checkBacklen(reader: ByteReader, entryLength: number, entryStart: number): void {
  reader.skip(backlenSize(entryLength));
  let value = 0;
  for (let consumed = 0; ; consumed += 1) {
    const byte = reader.bytes[reader.position - 1 - consumed] as number;
    value += (byte & 0x7f) * 2 ** (7 * consumed);
    if ((byte & 0x80) === 0) break;
    if (consumed === 4) {
      reader.fail(`backlen has a continuation flag on all 5 bytes (entry size ${entryLength})`, entryStart);
    }
  }
  if (value !== entryLength) reader.fail(`backlen ${value} does not match entry size ${entryLength}`, entryStart);
}

export function decodeListpack(blob: Uint8Array): ByteString[] {
  const reader = ByteReader.forBlob(blob, 'listpack');
  if (blob.length < headerSize + 1) reader.fail(`${blob.length} bytes is shorter than an empty listpack`);
  const totalBytes = reader.u32le();
  const count = reader.u16le();
  if (totalBytes !== blob.length) reader.fail(`header says ${totalBytes} bytes, blob has ${blob.length}`, 0);
  if (blob[blob.length - 1] !== terminator) reader.fail('last byte is not the 0xFF terminator', blob.length - 1);
  reader.end = blob.length - 1; // entries never overlap the terminator
  const elements: ByteString[] = [];
  while (reader.position < reader.end) {
    const entryStart = reader.position;
    if (blob[entryStart] === terminator) reader.fail('0xFF terminator before the end of the listpack', entryStart);
    elements.push(readEntry(reader));
    checkBacklen(reader, reader.position - entryStart, entryStart);
  }
  if (count !== unknownCount && count !== elements.length) reader.fail(`header count ${count} but ${elements.length} entries`, 4);
  assert.equal(reader.position, blob.length - 1, 'entries end at the terminator');
  return elements;
}
