/**
 * Ziplist blobs (pre-7.0 small lists, hashes and zsets; load only): `u32le zlbytes`,
 * `u32le zltail` (offset of the last entry), `u16le zllen` (65535 = unknown), entries, 0xFF.
 * An entry is prevlen (1 byte, or 0xFE + u32le) + encoding (+ data):
 * 00pppppp / 01pppppp qqqqqqqq / 10______ + u32be string lengths; 0xC0 int16, 0xD0 int32,
 * 0xE0 int64, 0xF0 int24, 0xFE int8 (little-endian); 0xF1..0xFD immediate 0..12.
 *
 * Invariants (all checked, each a BlobFormatError, as Redis's deep integrity check does):
 * zlbytes equals the blob size; the blob ends with 0xFF and nothing follows it; every prevlen
 * equals the previous entry's size; entries stay inside the blob; zltail points at the last
 * entry (or the header end when empty); zllen matches unless it is 65535.
 */
import type { ByteString } from '../values/redis-value.ts';
import { ByteReader } from './byte-reader.ts';

const headerSize = 10;
const terminator = 0xff;
const bigPrevlen = 0xfe;
const unknownCount = 0xffff;

function readValue(reader: ByteReader): ByteString {
  const encodingAt = reader.position;
  const encoding = reader.u8();
  switch (encoding >> 6) {
    case 0:
      return reader.latin1(encoding & 0x3f);
    case 1:
      return reader.latin1(((encoding & 0x3f) << 8) | reader.u8());
    case 2:
      return reader.latin1(reader.u32be());
  }
  switch (encoding) {
    case 0xc0:
      return String(reader.intLE(2));
    case 0xd0:
      return String(reader.intLE(4));
    case 0xe0:
      return reader.i64le().toString();
    case 0xf0:
      return String(reader.intLE(3));
    case 0xfe:
      return String(reader.intLE(1));
  }
  if (encoding >= 0xf1 && encoding <= 0xfd) return String((encoding & 0x0f) - 1);
  return reader.fail(`invalid entry encoding byte 0x${encoding.toString(16)}`, encodingAt);
}

export function decodeZiplist(blob: Uint8Array): ByteString[] {
  const reader = ByteReader.forBlob(blob, 'ziplist');
  if (blob.length < headerSize + 1) reader.fail(`${blob.length} bytes is shorter than an empty ziplist`);
  const totalBytes = reader.u32le();
  const tailOffset = reader.u32le();
  const count = reader.u16le();
  if (totalBytes !== blob.length) reader.fail(`header says ${totalBytes} bytes, blob has ${blob.length}`, 0);
  if (blob[blob.length - 1] !== terminator) reader.fail('last byte is not the 0xFF terminator', blob.length - 1);
  reader.end = blob.length - 1;
  const elements: ByteString[] = [];
  let previousSize = 0;
  let lastEntryStart = headerSize;
  while (reader.position < reader.end) {
    const entryStart = reader.position;
    const first = reader.u8();
    if (first === terminator) reader.fail('0xFF terminator before the end of the ziplist', entryStart);
    const prevlen = first < bigPrevlen ? first : reader.u32le();
    if (prevlen !== previousSize) reader.fail(`prevlen ${prevlen} but the previous entry has ${previousSize} bytes`, entryStart);
    elements.push(readValue(reader));
    previousSize = reader.position - entryStart;
    lastEntryStart = entryStart;
  }
  if (tailOffset !== lastEntryStart) reader.fail(`zltail ${tailOffset} but the last entry starts at ${lastEntryStart}`, 4);
  if (count !== unknownCount && count !== elements.length) reader.fail(`header count ${count} but ${elements.length} entries`, 8);
  return elements;
}
