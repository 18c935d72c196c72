/**
 * Zipmap blobs (Redis <= 2.4 small hashes; load only): `zmlen` (1 byte; 254 means "count
 * unknown"), then per pair: len, field, len, free, value, `free` unused bytes; then 0xFF.
 * A len is one byte below 254, or any byte from 254 up followed by a u32le (as Redis's
 * zipmapDecodeLength reads it); 0xFF is the end marker only where a field would start.
 *
 * Invariants (each a BlobFormatError, as Redis's deep zipmap check, which 7.0 always runs):
 * every length stays inside the blob; the 0xFF end is the last byte; a zmlen other than 254
 * equals the pair count; a zipmap with no pairs is invalid.
 */
import type { ByteString } from '../values/redis-value.ts';
import { ByteReader } from './byte-reader.ts';

const bigLength = 254;
const end = 255;

function readLength(reader: ByteReader): number {
  const first = reader.u8();
  return first < bigLength ? first : reader.u32le();
}

/** The pairs flattened: field, value, field, value, ... */
export function decodeZipmap(blob: Uint8Array): ByteString[] {
  const reader = ByteReader.forBlob(blob, 'zipmap');
  const declared = reader.u8();
  const elements: ByteString[] = [];
  while (reader.peekU8() !== end) {
    elements.push(reader.latin1(readLength(reader)));
    const valueLength = readLength(reader);
    const free = reader.u8();
    elements.push(reader.latin1(valueLength));
    reader.skip(free);
  }
  reader.skip(1);
  if (reader.remaining !== 0) reader.fail(`${reader.remaining} bytes after the end marker`);
  const pairs = elements.length / 2;
  if (pairs === 0) reader.fail('empty zipmap', 0);
  if (declared !== bigLength && declared !== pairs) reader.fail(`header count ${declared} but ${pairs} pairs`, 0);
  return elements;
}
