/**
 * Goal: the encoder picks the type byte Redis 7.0 would for each value, on both sides of every
 * default threshold, and every such value round-trips through a whole file.
 */
import { describe, expect, it } from 'vitest';
import type { ByteString, DatabaseContents, RedisValue } from '../values/redis-value.ts';
import { ByteReader } from './byte-reader.ts';
import { canonicalDataset } from './testing/dataset-canonical-form.ts';
import { decodeIntset } from './intset.ts';
import { decodeListpack } from './listpack.ts';
import { decodeRdb, encodeRdb } from './rdb-dataset.ts';
import { RdbEncoder } from './rdb-encoder.ts';
import { opcode, typeByte } from './rdb-format.ts';
import { readLength } from './rdb-length.ts';
import { defaultRdbDecodeLimits } from './rdb-limits.ts';
import { StreamContext } from './rdb-stream-context.ts';
import { readRdbBytes, readRdbString } from './rdb-string.ts';

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
const hashOf = (count: number, fieldLength: number, valueLength: number): RedisValue => ({
  type: 'hash',
  fields: new Map(range(count).map((index) => [`${index}`.padStart(fieldLength, 'f'), 'v'.repeat(valueLength)])),
});
const zsetOf = (count: number, memberLength: number): RedisValue => ({ type: 'zset', scores: new Map(range(count).map((index) => [`${index}`.padStart(memberLength, 'm'), index / 7])) });
const setOf = (members: ByteString[]): RedisValue => ({ type: 'set', members: new Set(members) });

/** Encodes one key; returns its entry record and checks the whole file round-trips. */
function encodeOne(key: ByteString, value: RedisValue, compression = true, expireAtMs: number | null = null): Uint8Array {
  const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression });
  const database: DatabaseContents = new Map([[key, { value, expireAtMs }]]);
  const chunks = [encoder.header(), encoder.selectDb(0, 1, expireAtMs === null ? 0 : 1)];
  const entry = encoder.entry(key, value, expireAtMs);
  chunks.push(entry, encoder.end());
  const decoded = decodeRdb(Buffer.concat(chunks), 'one.rdb');
  expect(canonicalDataset(decoded.databases)).toBe(canonicalDataset(new Map([[0, database]])));
  return entry;
}

const context = new StreamContext('entry', defaultRdbDecodeLimits, undefined);
/** A reader positioned after an entry's type byte and key. */
function afterKey(entry: Uint8Array): ByteReader {
  const reader = new ByteReader(entry, 1, entry.length, { kind: 'stream' });
  readRdbString(reader, context, 'key');
  return reader;
}

describe('type byte choice at 7.0 default thresholds', () => {
  it.each([
    ['a hash of 512 fields with 64-byte values', hashOf(512, 64, 64), typeByte.hashListpack],
    ['a hash of 513 fields', hashOf(513, 4, 4), typeByte.hash],
    ['a hash with one 65-byte value', hashOf(1, 1, 65), typeByte.hash],
    ['a hash with one 65-byte field', hashOf(1, 65, 1), typeByte.hash],
    ['a zset of 128 members of 64 bytes', zsetOf(128, 64), typeByte.zsetListpack],
    ['a zset of 129 members', zsetOf(129, 3), typeByte.zset2],
    ['a zset with one 65-byte member', zsetOf(1, 65), typeByte.zset2],
    ['a set of 512 integers', setOf(range(512).map(String)), typeByte.setIntset],
    ['a set of 513 integers', setOf(range(513).map(String)), typeByte.set],
    ['a set with one non-integer member', setOf(['1', 'x']), typeByte.set],
    ['a set with a non-canonical integer "-0"', setOf(['1', '-0']), typeByte.set],
    ['a set with an integer beyond int64', setOf(['9223372036854775808']), typeByte.set],
    ['a one-item list', { type: 'list', items: ['a'] } as RedisValue, typeByte.listQuicklist2],
    ['a string', { type: 'string', value: 'v' } as RedisValue, typeByte.string],
  ])('%s is written as type %i', (_name, value, expected) => {
    for (const compression of [true, false]) expect(encodeOne('k', value, compression)[0]).toBe(expected);
  });

  it.each([
    ['int16 members', ['-32768', '32767', '5'], 2],
    ['an int32 member', ['32768', '1'], 4],
    ['an int64 member', ['-2147483649', '1'], 8],
    ['int64 extremes', ['-9223372036854775808', '9223372036854775807'], 8],
  ])('an intset of %s has width %i, members ascending', (_name, members, width) => {
    const blob = readRdbBytes(afterKey(encodeOne('s', setOf(members), false)), context, 'intset');
    expect(blob[0]).toBe(width);
    expect(decodeIntset(blob)).toEqual([...members].sort((left, right) => (BigInt(left) < BigInt(right) ? -1 : 1)));
  });

  it('a zset listpack holds member, score pairs in ascending score order, integer scores as integers', () => {
    const value: RedisValue = { type: 'zset', scores: new Map([['c', 3], ['a', 1.5], ['b', -Infinity], ['d', -0], ['e', 2 ** 60]]) };
    const blob = readRdbBytes(afterKey(encodeOne('z', value, false)), context, 'listpack');
    expect(decodeListpack(blob).join(' ')).toEqual(['b', '-inf', 'd', '-0', 'a', '1.5', 'c', '3', 'e', '1152921504606846976'].join(' '));
  });

  it('zset members with equal scores are written in byte order of the member, whatever the insertion order', () => {
    const members = ['e', 'd', 'c', 'b', 'a', 'B', 'ab', 'a\u0000', '\u00ff'];
    const value: RedisValue = { type: 'zset', scores: new Map(members.map((member) => [member, 1])) };
    const blob = readRdbBytes(afterKey(encodeOne('z', value, false)), context, 'listpack');
    const written = decodeListpack(blob).filter((_item, index) => index % 2 === 0);
    expect(written).toEqual(['B', 'a', 'a\u0000', 'ab', 'b', 'c', 'd', 'e', '\u00ff']);
  });

  it('a ZSET_2 is written highest score first, as 8-byte little-endian doubles', () => {
    const entry = encodeOne('z', zsetOf(129, 3), false);
    const reader = afterKey(entry);
    expect(readLength(reader, context, 'count')).toBe(129);
    expect(readRdbString(reader, context, 'member')).toBe('128');
    expect(reader.f64le()).toBe(128 / 7);
  });
});

describe('lists are quicklists of listpack nodes of at most 8 KiB', () => {
  function nodesOf(entry: Uint8Array): Uint8Array[] {
    const reader = afterKey(entry);
    const count = readLength(reader, context, 'nodes');
    return range(count).map(() => {
      expect(readLength(reader, context, 'container')).toBe(2);
      return Uint8Array.from(readRdbBytes(reader, context, 'node'));
    });
  }

  it('5000 items of about 20 bytes span several nodes, each listpack <= 8192 bytes, in order', () => {
    const items = range(5000).map((index) => `item-${index}-${'x'.repeat(index % 20)}`);
    const nodes = nodesOf(encodeOne('l', { type: 'list', items }, false));
    expect(nodes.length).toBeGreaterThan(5);
    for (const node of nodes) expect(node.length).toBeLessThanOrEqual(8192);
    expect(nodes.flatMap((node) => decodeListpack(node))).toEqual(items);
  });

  it('a node is filled up to the limit: adding the next item would pass 8192 bytes', () => {
    const items = range(3000).map((index) => `${'y'.repeat(30)}${index}`);
    const nodes = nodesOf(encodeOne('l', { type: 'list', items }, false));
    const first = nodes[0] as Uint8Array;
    expect(first.length + 36).toBeGreaterThan(8192);
  });

  it('an item larger than 8 KiB gets a node of its own', () => {
    const items = ['a', 'z'.repeat(10_000), 'b'];
    const nodes = nodesOf(encodeOne('l', { type: 'list', items }, false));
    expect(nodes.map((node) => decodeListpack(node))).toEqual([['a'], [items[1]], ['b']]);
  });

  it('items filling a listpack to exactly 8192 bytes share one node; one more byte starts a second node', () => {
    // Entries of 4004 + 4004 + 177 bytes plus the 7-byte listpack header and end byte: 8192.
    const exact = ['a'.repeat(4000), 'b'.repeat(4000), 'c'.repeat(173)];
    const exactNodes = nodesOf(encodeOne('l', { type: 'list', items: exact }, false));
    expect(exactNodes.map((node) => node.length)).toEqual([8192]);
    expect(decodeListpack(exactNodes[0] as Uint8Array)).toEqual(exact);
    const over = ['a'.repeat(4000), 'b'.repeat(4000), 'c'.repeat(174)];
    expect(nodesOf(encodeOne('l', { type: 'list', items: over }, false)).map((node) => decodeListpack(node))).toEqual([over.slice(0, 2), over.slice(2)]);
  });

  it('a list whose first item is larger than 8 KiB starts with that node (no empty node before it)', () => {
    const items = ['z'.repeat(10_000), 'b'];
    const nodes = nodesOf(encodeOne('l', { type: 'list', items }, false));
    expect(nodes.map((node) => decodeListpack(node))).toEqual([[items[0]], ['b']]);
  });

  it('small items share one node: a 3-item list is one quicklist node', () => {
    const nodes = nodesOf(encodeOne('l', { type: 'list', items: ['a', 'b', 'c'] }, false));
    expect(nodes.map((node) => decodeListpack(node))).toEqual([['a', 'b', 'c']]);
  });

  it('with compression on, nodes are LZF strings and the list still round-trips', () => {
    const items = range(4000).map((index) => `value-${index % 10}`);
    const entry = encodeOne('l', { type: 'list', items }, true);
    expect(entry[0]).toBe(typeByte.listQuicklist2);
    const reader = afterKey(entry);
    const count = readLength(reader, context, 'nodes');
    expect(count).toBeGreaterThan(1);
    for (let node = 0; node < count; node += 1) {
      expect(readLength(reader, context, 'container')).toBe(2);
      expect(reader.bytes[reader.position]).toBe(0xc3); // the node's listpack is stored in the LZF form
      readRdbBytes(reader, context, 'node');
    }
  });
});

describe('strings, keys, expiries and databases', () => {
  it('a compressible string uses LZF (0xC3) and an incompressible one stays raw', () => {
    expect(afterKey(encodeOne('k', { type: 'string', value: 'ab'.repeat(100) })).peekU8()).toBe(0xc3);
    let state = 12345;
    const noise = Buffer.from(range(300).map(() => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24)).toString('latin1');
    expect(afterKey(encodeOne('k', { type: 'string', value: noise })).peekU8()).toBe(0x41);
  });

  it('binary keys and values (NUL, 0xFF, high bytes) round-trip', () => {
    encodeOne('\x00\xff\x80key\r\n', { type: 'string', value: '\x00\x00\xfe\xff' });
    encodeOne('', { type: 'hash', fields: new Map([['\x00', '\xff'], ['', '']]) });
  });

  it('an expiry is written as EXPIRETIME_MS (fc) + int64 LE before the type byte', () => {
    const entry = encodeOne('k', { type: 'string', value: 'v' }, true, 1795582745241);
    expect(Buffer.from(entry.subarray(0, 10)).toString('hex')).toBe('fc995a1211a201000000');
    encodeOne('k', { type: 'list', items: ['x'] }, true, -1);
  });

  it('several databases are written in ascending order and decode into the same dbs', () => {
    const db = (value: string): DatabaseContents => new Map([[value, { value: { type: 'string', value }, expireAtMs: null }]]);
    const databases = new Map([[15, db('fifteen')], [0, db('zero')], [7, db('seven')], [3, new Map()]]);
    const file = Buffer.concat(encodeRdb(databases, { aof: true, ctimeSeconds: 1, usedMemory: 2, compression: true }));
    const decoded = decodeRdb(file, 'dbs.rdb');
    expect([...decoded.databases.keys()]).toEqual([0, 7, 15]);
    expect(canonicalDataset(decoded.databases)).toBe(canonicalDataset(databases));
    expect(decoded.aux.get('aof-base')).toBe('1');
  });
});

describe('preamble records and the trailer', () => {
  it('a function library is one FUNCTION2 record (f5 + the source as an RDB string) after the header, loaded back verbatim', () => {
    const source = '#!lua name=mylib\nredis.register_function("f", function() return 1 end)';
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false });
    const header = encoder.header();
    const record = encoder.functionLibrary(source);
    expect(record[0]).toBe(opcode.function2);
    const reader = new ByteReader(record, 1, record.length, { kind: 'stream' });
    expect(readRdbString(reader, context, 'library')).toBe(source);
    expect(reader.remaining).toBe(0);
    const decoded = decodeRdb(Buffer.concat([header, record, encoder.end()]), 'functions.rdb');
    expect(decoded.functionLibraries).toEqual([source]);
    expect(decoded.checksum).toBe('verified');
  });

  it('with rdbchecksum no the trailer is 8 zero bytes, and the file still loads (checksum disabled in file)', () => {
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false, checksum: false });
    const file = Buffer.concat([encoder.header(), encoder.selectDb(0, 1, 0), encoder.entry('k', { type: 'string', value: 'v' }, null), encoder.end()]);
    expect([...file.subarray(file.length - 9)]).toEqual([opcode.eof, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(encoder.bytesWritten).toBe(file.length);
    const decoded = decodeRdb(file, 'nochecksum.rdb');
    expect(decoded.checksum).toBe('disabled-in-file');
    expect(canonicalDataset(decoded.databases)).toBe(canonicalDataset(new Map([[0, new Map([['k', { value: { type: 'string', value: 'v' } as RedisValue, expireAtMs: null }]])]])));
  });
});
