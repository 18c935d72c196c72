/**
 * Goal: what a streaming consumer sees does not depend on how the file is cut into chunks: the
 * same items (header, aux, function, select-db, resize-db, keys with the file offsets of their
 * type bytes, skipped empty keys, end), the same trailing bytes, the same counters; and the
 * decoder's progress getters (finished, trailingBytes, skippedEmptyKeys, buffered bytes) report
 * the state of the load as it goes.
 * Method: one hand-made version-10 file with every record kind, an AOF-style tail after its
 * trailer, decoded whole (items checked against the bytes), then in chunks of every size and
 * split in two at every position.
 */
import { describe, expect, it } from 'vitest';
import { encodeListpack } from './listpack.ts';
import { RdbDecoder } from './rdb-decoder.ts';
import type { RdbItem } from './rdb-items.ts';
import { opcode } from './rdb-format.ts';
import { rdbFile } from './testing/rdb-test-file.ts';

const rdb = rdbFile((writer) => {
  writer.byte(opcode.aux).string('redis-ver').string('7.0.0');
  writer.byte(opcode.function2).string('#!lua name=lib');
  writer.byte(opcode.selectDb).length(3);
  writer.byte(opcode.resizeDb).length(3).length(1);
  writer.byte(opcode.expireTimeMs).int64le(1234n).byte(0).string('a').string('one');
  writer.byte(1).string('l').length(2).string('x').string('y');
  writer.byte(18).string('ql').length(1).length(2).blob(encodeListpack([]));
});
const tail = Buffer.from('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n');
const file = Buffer.concat([rdb, tail]);

/** The type byte sits right before the key's length byte. */
const typeByteOf = (marker: string): number => rdb.indexOf(marker, 0, 'latin1') - 1;

/** Items of a load, with the trailing bytes joined (their cut follows the chunks). */
function normalise(items: readonly RdbItem[]): { items: RdbItem[]; trailing: Buffer } {
  const trailing = Buffer.concat(items.flatMap((item) => (item.kind === 'trailing' ? [Buffer.from(item.bytes)] : [])));
  return { items: items.filter((item) => item.kind !== 'trailing'), trailing };
}

function decodeInChunks(chunks: readonly Uint8Array[]): { items: RdbItem[]; trailing: Buffer; decoder: RdbDecoder } {
  const decoder = new RdbDecoder({ fileName: 'appendonly.aof.1.base.rdb' });
  const items: RdbItem[] = [];
  for (const chunk of chunks) items.push(...decoder.push(chunk));
  decoder.end();
  return { ...normalise(items), decoder };
}

const expectedItems = (): unknown[] => [
  { kind: 'header', version: 10 },
  { kind: 'aux', key: 'redis-ver', value: '7.0.0' },
  { kind: 'function', source: '#!lua name=lib' },
  { kind: 'select-db', db: 3 },
  { kind: 'resize-db', db: 3, keyCount: 3, expiresCount: 1 },
  { kind: 'key', db: 3, key: 'a', value: { type: 'string', value: 'one' }, expireAtMs: 1234, offset: typeByteOf('\x01a\x03one') },
  { kind: 'key', db: 3, key: 'l', value: { type: 'list', items: ['x', 'y'] }, expireAtMs: null, offset: typeByteOf('\x01l\x02') },
  { kind: 'skipped-empty', db: 3, key: 'ql', offset: typeByteOf('\x02ql') },
  expect.objectContaining({ kind: 'end', checksum: 'verified', rdbLength: rdb.length }),
];

describe('RdbDecoder item stream', () => {
  it('a whole-file push returns every record as an item, in file order, then the tail as trailing bytes', () => {
    const { items, trailing, decoder } = decodeInChunks([file]);
    expect(items).toEqual(expectedItems());
    expect(trailing.equals(tail)).toBe(true);
    expect([decoder.bytesConsumed, decoder.trailingBytes, decoder.skippedEmptyKeys, decoder.finished]).toEqual([rdb.length, tail.length, 1, true]);
  });

  it('chunks of every size from 1 byte to the whole file give the same items, offsets and tail', () => {
    for (let size = 1; size <= file.length; size += 1) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < file.length; at += size) chunks.push(file.subarray(at, at + size));
      const { items, trailing, decoder } = decodeInChunks(chunks);
      expect({ size, items }).toEqual({ size, items: expectedItems() });
      expect({ size, trailing: trailing.toString('latin1'), counted: decoder.trailingBytes }).toEqual({ size, trailing: tail.toString('latin1'), counted: tail.length });
    }
  });

  it('a file split in two at any byte loads completely, including a split inside the EOF trailer', () => {
    for (let cut = 1; cut < rdb.length; cut += 1) {
      const { items, trailing } = decodeInChunks([rdb.subarray(0, cut), rdb.subarray(cut)]);
      expect({ cut, items }).toEqual({ cut, items: expectedItems() });
      expect(trailing.length).toBe(0);
    }
  });
});

describe('RdbDecoder progress while loading', () => {
  it('finished turns true only once the trailer is read; buffered bytes hold the incomplete unit', () => {
    const decoder = new RdbDecoder({ fileName: 'dump.rdb' });
    const trailerStart = rdb.length - 8;
    decoder.push(rdb.subarray(0, trailerStart + 3));
    expect(decoder.finished).toBe(false);
    // The EOF opcode and the 3 trailer bytes received so far wait for the rest of the trailer.
    expect(decoder.bufferedBytes).toBe(4);
    expect(decoder.bufferCapacity).toBeGreaterThanOrEqual(4);
    expect(decoder.bufferCapacity).toBeLessThanOrEqual(64 * 1024);
    decoder.push(rdb.subarray(trailerStart + 3));
    expect([decoder.finished, decoder.bufferedBytes, decoder.bytesConsumed]).toEqual([true, 0, rdb.length]);
  });

  it('bytes pushed after the end are trailing items that stay intact when the caller reuses its buffer', () => {
    const decoder = new RdbDecoder({ fileName: 'appendonly.aof.1.base.rdb' });
    decoder.push(rdb);
    const readBuffer = Buffer.from('*1\r\n$4\r\nPING\r\n');
    const items = decoder.push(readBuffer);
    readBuffer.fill(0);
    expect(items.map((item) => (item.kind === 'trailing' ? Buffer.from(item.bytes).toString('latin1') : item.kind))).toEqual(['*1\r\n$4\r\nPING\r\n']);
    expect(decoder.trailingBytes).toBe(14);
  });

  it('trailing bytes in the chunk that ends the RDB stay intact when the caller reuses its buffer', () => {
    const decoder = new RdbDecoder({ fileName: 'appendonly.aof.1.base.rdb' });
    const readBuffer = Buffer.from(file);
    const items = decoder.push(readBuffer);
    readBuffer.fill(0);
    expect(Buffer.concat(items.flatMap((item) => (item.kind === 'trailing' ? [item.bytes] : []))).equals(tail)).toBe(true);
  });

  it('an empty chunk after the end yields no trailing item and counts no bytes', () => {
    const decoder = new RdbDecoder({ fileName: 'dump.rdb' });
    decoder.push(rdb);
    expect(decoder.push(new Uint8Array(0))).toEqual([]);
    expect([decoder.trailingBytes, decoder.end().trailingBytes]).toEqual([0, 0]);
  });
});
