/**
 * Goal: the decoder rejects what Redis 7.0 refuses to load (and what we cannot represent) with a
 * typed error naming file, kind and offset; skips what Redis skips; and reports the RDB's end.
 */
import { describe, expect, it } from 'vitest';
import { encodeListpack } from './listpack.ts';
import { decodeRdb, encodeRdb } from './rdb-dataset.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { RdbDecoder } from './rdb-decoder.ts';
import type { RdbItem } from './rdb-items.ts';
import type { RdbRecordWriter } from './testing/legacy-blob-builder.ts';
import { decodeError, rdbFile } from './testing/rdb-test-file.ts';

const oneKey = (key = 'k'): Buffer => rdbFile((writer) => writer.byte(0).string(key).string('v'));
const keyOffset = 9; // a hand-made file's first record follows the 9-byte header

describe('header and version', () => {
  it.each([
    ['a wrong signature', Buffer.from('REDIX0010\xff', 'latin1'), 'corrupt', 0],
    ['non-digit version', Buffer.from('REDIS00a0\xff', 'latin1'), 'corrupt', 5],
    ['version 0', Buffer.from('REDIS0000\xff', 'latin1'), 'unsupported', 5],
    ['version 11 (Redis 7.2)', Buffer.from('REDIS0011\xff', 'latin1'), 'unsupported', 5],
    ['an empty file', Buffer.alloc(0), 'truncated', 0],
  ] as const)('%s is %s at offset %i', (_name, bytes, kind, offset) => {
    const error = decodeError(bytes);
    expect([error.kind, error.offset]).toEqual([kind, offset]);
  });

  it('a version 4 file has no CRC trailer and ends at EOF', () => {
    const decoded = decodeRdb(rdbFile((writer) => writer.byte(0).string('k').string('v'), { version: 4 }), 'v4.rdb');
    expect([decoded.version, decoded.checksum, decoded.databases.get(0)?.size]).toEqual([4, 'absent', 1]);
  });

  it('a version 10 file without its 8-byte trailer is truncated', () => {
    expect(decodeError(oneKey().subarray(0, -8)).kind).toBe('truncated');
  });
});

describe('errors name file, kind and offset', () => {
  it('the message carries all three', () => {
    const error = decodeError(rdbFile((writer) => writer.byte(15).string('stream')), 'dump.rdb');
    expect(error).toBeInstanceOf(RdbDecodeError);
    expect(error.message).toBe(`dump.rdb: unsupported RDB at offset ${keyOffset}: unsupported value type 15 (streamListpacks)`);
  });

  it.each([
    ['a stream (type 19)', (w: RdbRecordWriter) => w.byte(19).string('s'), 'unsupported'],
    ['a module value (type 7)', (w: RdbRecordWriter) => w.byte(7).string('m'), 'unsupported'],
    ['MODULE_AUX (0xF7)', (w: RdbRecordWriter) => w.byte(0xf7).length(1), 'unsupported'],
    ['the pre-GA FUNCTION opcode (0xF6)', (w: RdbRecordWriter) => w.byte(0xf6), 'unsupported'],
    ['SELECTDB 16', (w: RdbRecordWriter) => w.byte(0xfe).length(16), 'unsupported'],
    ['an unknown type byte 8', (w: RdbRecordWriter) => w.byte(8).string('k'), 'corrupt'],
    ['a Redis 7.2 type byte 20', (w: RdbRecordWriter) => w.byte(20).string('k'), 'corrupt'],
    ['an expiry beyond 2^53 ms', (w: RdbRecordWriter) => w.byte(0xfc).int64le(1n << 60n), 'unsupported'],
  ])('%s is %s at its first byte', (_name, body, kind) => {
    const error = decodeError(rdbFile(body));
    expect([error.kind, error.offset]).toEqual([kind, keyOffset]);
  });

  it('a duplicate key in one db is corrupt at the second record; the same key in two dbs is fine', () => {
    const duplicate = rdbFile((writer) => writer.byte(0).string('k').string('a').byte(0).string('k').string('b'));
    expect([decodeError(duplicate).kind, decodeError(duplicate).offset, decodeError(duplicate).reason]).toEqual(['corrupt', keyOffset + 5, 'duplicate key "k" in db 0']);
    const twoDbs = rdbFile((writer) => writer.byte(0).string('k').string('a').byte(0xfe).length(1).byte(0).string('k').string('b'));
    expect(decodeRdb(twoDbs, 'ok.rdb').databases.get(1)?.get('k')?.value).toEqual({ type: 'string', value: 'b' });
  });

  it.each([
    ['a duplicate SET member', (w: RdbRecordWriter) => w.byte(2).string('s').length(2).string('x').string('x')],
    ['a duplicate HASH field', (w: RdbRecordWriter) => w.byte(4).string('h').length(2).string('f').string('1').string('f').string('2')],
    ['a duplicate field in a HASH_LISTPACK', (w: RdbRecordWriter) => w.byte(16).string('h').blob(encodeListpack(['f', '1', 'f', '2']))],
    ['an odd entry count in a HASH_LISTPACK', (w: RdbRecordWriter) => w.byte(16).string('h').blob(encodeListpack(['f', '1', 'g']))],
    ['a non-numeric score in a ZSET_LISTPACK', (w: RdbRecordWriter) => w.byte(17).string('z').blob(encodeListpack(['m', 'abc']))],
    ['a NaN score in a ZSET_2', (w: RdbRecordWriter) => w.byte(5).string('z').length(1).string('m').f64le(Number.NaN)],
    ['a NaN score (253) in a type-3 ZSET', (w: RdbRecordWriter) => w.byte(3).string('z').length(1).string('m').byte(253)],
    ['an unknown quicklist container 3', (w: RdbRecordWriter) => w.byte(18).string('l').length(1).length(3).blob(encodeListpack(['a']))],
    ['a bad listpack header in a quicklist node', (w: RdbRecordWriter) => w.byte(18).string('l').length(1).length(2).blob(Uint8Array.from([9, 0, 0, 0, 1, 0, 0x81, 0x61, 0xff]))],
    ['a duplicate intset member', (w: RdbRecordWriter) => w.byte(11).string('s').blob(Buffer.from('020000000200000001000100', 'hex'))],
  ])('%s is corrupt', (_name, body) => {
    expect(decodeError(rdbFile(body)).kind).toBe('corrupt');
  });

  it('after an error, push and end throw the same error again', () => {
    const decoder = new RdbDecoder({ fileName: 'x.rdb' });
    let first: unknown;
    try {
      decoder.push(Buffer.from('NOTREDIS0'));
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(RdbDecodeError);
    expect(() => decoder.push(Buffer.from('x'))).toThrow(first as Error);
    expect(() => decoder.end()).toThrow(first as Error);
  });
});

describe('what the decoder skips, emits and reports', () => {
  it('skips empty collections of every kind, counts them and keeps loading (Redis warns and skips)', () => {
    const file = rdbFile((writer) =>
      writer
        .byte(1).string('list').length(0)
        .byte(2).string('set').length(0)
        .byte(4).string('hash').length(0)
        .byte(5).string('zset').length(0)
        .byte(16).string('hlp').blob(encodeListpack([]))
        .byte(11).string('intset').blob(Buffer.from('0200000000000000', 'hex'))
        .byte(18).string('ql').length(1).length(2).blob(encodeListpack([]))
        .byte(0).string('kept').string('v'),
    );
    const decoded = decodeRdb(file, 'empty-keys.rdb');
    expect(decoded.skippedEmpty).toBe(7);
    expect([...(decoded.databases.get(0)?.keys() ?? [])]).toEqual(['kept']);
  });

  it('reports skipped keys as items with their name and offset', () => {
    const items = new RdbDecoder({ fileName: 'x' }).push(rdbFile((writer) => writer.byte(2).string('s').length(0)));
    expect(items.find((item) => item.kind === 'skipped-empty')).toEqual({ kind: 'skipped-empty', db: 0, key: 's', offset: keyOffset });
  });

  it('skips IDLE and FREQ, converts EXPIRETIME seconds to ms, emits FUNCTION2 and unknown AUX fields', () => {
    const file = rdbFile((writer) =>
      writer
        .byte(0xfa).string('%custom').string('kept')
        .byte(0xf5).string('#!lua name=lib\nredis.register_function("f", function() return 1 end)')
        .byte(0xf8).length(100_000).byte(0).string('idle').string('1')
        .byte(0xf9).byte(7).byte(0).string('freq').string('2')
        .byte(0xfd).int32le(-5).byte(0).string('old').string('3'),
    );
    const decoded = decodeRdb(file, 'misc.rdb');
    expect(decoded.aux.get('%custom')).toBe('kept');
    expect(decoded.functionLibraries).toHaveLength(1);
    expect(decoded.databases.get(0)?.get('old')?.expireAtMs).toBe(-5000);
    expect(decoded.databases.get(0)?.get('idle')?.expireAtMs).toBeNull();
    expect(decoded.databases.get(0)?.size).toBe(3);
  });

  it('a stored CRC of 0 is not checked; a wrong CRC is corrupt at the trailer; verifyChecksum false skips the check', () => {
    expect(decodeRdb(rdbFile(() => undefined, { checksum: 'zero' }), 'zero.rdb').checksum).toBe('disabled-in-file');
    const wrong = oneKey();
    wrong[wrong.length - 1] = (wrong[wrong.length - 1] as number) ^ 1;
    const error = decodeError(wrong);
    expect([error.kind, error.offset, error.reason.startsWith('RDB CRC error')]).toEqual(['corrupt', wrong.length - 8, true]);
    expect(decodeRdb(wrong, 'wrong.rdb', { verifyChecksum: false }).checksum).toBe('not-checked');
  });

  it('reports the RDB length and hands over the bytes after the trailer (an AOF tail), across chunks', () => {
    const rdb = Buffer.concat(encodeRdb(new Map(), { aof: true, ctimeSeconds: 1, usedMemory: 1, compression: true }));
    const tail = Buffer.from('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n');
    const file = Buffer.concat([rdb, tail]);
    const decoder = new RdbDecoder({ fileName: 'appendonly.aof.1.base.rdb' });
    const items: RdbItem[] = [];
    for (let at = 0; at < file.length; at += 7) items.push(...decoder.push(file.subarray(at, at + 7)));
    const summary = decoder.end();
    expect([summary.rdbLength, decoder.bytesConsumed, summary.trailingBytes]).toEqual([rdb.length, rdb.length, tail.length]);
    const trailing = items.flatMap((item) => (item.kind === 'trailing' ? [Buffer.from(item.bytes)] : []));
    expect(Buffer.concat(trailing).equals(tail)).toBe(true);
    expect(items.findIndex((item) => item.kind === 'end')).toBeLessThan(items.findIndex((item) => item.kind === 'trailing'));
  });
});

describe('error reasons name the record and the field being read', () => {
  it.each([
    ['the pre-GA FUNCTION opcode', (w: RdbRecordWriter) => w.byte(0xf6).string('lib'), 'unsupported', keyOffset, 'pre-GA FUNCTION opcode (0xF6, Redis 7.0 release candidates)'],
    ['MODULE_AUX', (w: RdbRecordWriter) => w.byte(0xf7).length(1), 'unsupported', keyOffset, 'MODULE_AUX data needs its module, which this codec does not have'],
    ['SELECTDB 16', (w: RdbRecordWriter) => w.byte(0xfe).length(16), 'unsupported', keyOffset, 'SELECTDB 16: the file needs more than 16 databases'],
    ['an expiry of 2^60 ms', (w: RdbRecordWriter) => w.byte(0xfc).int64le(1n << 60n), 'unsupported', keyOffset, 'expiry 1152921504606846976 ms is beyond ±2^53 and cannot be represented'],
    ['an expiry of -2^53 ms', (w: RdbRecordWriter) => w.byte(0xfc).int64le(-(1n << 53n)), 'unsupported', keyOffset, 'expiry -9007199254740992 ms is beyond ±2^53 and cannot be represented'],
    ['type byte 8', (w: RdbRecordWriter) => w.byte(8).string('k'), 'corrupt', keyOffset, 'unknown opcode or value type 8 (unknown)'],
    ['an AUX key with string encoding 4', (w: RdbRecordWriter) => w.byte(0xfa).byte(0xc4), 'corrupt', keyOffset + 1, 'AUX key: unknown RDB string encoding 4'],
    ['an AUX value with string encoding 4', (w: RdbRecordWriter) => w.byte(0xfa).string('lua').byte(0xc4), 'corrupt', keyOffset + 5, 'AUX "lua" value: unknown RDB string encoding 4'],
    ['a FUNCTION2 library with string encoding 4', (w: RdbRecordWriter) => w.byte(0xf5).byte(0xc4), 'corrupt', keyOffset + 1, 'FUNCTION2 library: unknown RDB string encoding 4'],
    ['a key name with string encoding 4', (w: RdbRecordWriter) => w.byte(0).byte(0xc4), 'corrupt', keyOffset + 1, 'key: unknown RDB string encoding 4'],
    ['an IDLE time that is a string encoding', (w: RdbRecordWriter) => w.byte(0xf8).byte(0xc0), 'corrupt', keyOffset + 1, 'IDLE: expected a length, found string encoding 0'],
    ['a SELECTDB number that is a string encoding', (w: RdbRecordWriter) => w.byte(0xfe).byte(0xc0), 'corrupt', keyOffset + 1, 'SELECTDB: expected a length, found string encoding 0'],
    ['a RESIZEDB db size that is a string encoding', (w: RdbRecordWriter) => w.byte(0xfb).byte(0xc0), 'corrupt', keyOffset + 1, 'RESIZEDB db size: expected a length, found string encoding 0'],
    ['a RESIZEDB expires size that is a string encoding', (w: RdbRecordWriter) => w.byte(0xfb).length(1).byte(0xc0), 'corrupt', keyOffset + 2, 'RESIZEDB expires size: expected a length, found string encoding 0'],
  ] as const)('%s is refused with its reason', (_name, body, kind, offset, reason) => {
    const error = decodeError(rdbFile(body));
    expect([error.kind, error.offset, error.reason]).toEqual([kind, offset, reason]);
  });

  it('an expiry of exactly ±(2^53 - 1) ms loads; one more is refused', () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const file = rdbFile((writer) => writer.byte(0xfc).int64le(max).byte(0).string('late').string('1').byte(0xfc).int64le(-max).byte(0).string('early').string('2'));
    const db = decodeRdb(file, 'edges.rdb').databases.get(0);
    expect([db?.get('late')?.expireAtMs, db?.get('early')?.expireAtMs]).toEqual([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]);
    expect(decodeError(rdbFile((writer) => writer.byte(0xfc).int64le(max + 1n))).kind).toBe('unsupported');
  });

  it('a version 5 file (the first with a CRC) has its trailer read and verified, with no trailing bytes', () => {
    const file = rdbFile((writer) => writer.byte(0).string('k').string('v'), { version: 5 });
    const decoder = new RdbDecoder({ fileName: 'v5.rdb' });
    const items = decoder.push(file);
    expect([decoder.end(), items.some((item) => item.kind === 'trailing')]).toEqual([{ version: 5, rdbLength: file.length, trailingBytes: 0, skippedEmptyKeys: 0, checksum: 'verified' }, false]);
  });

  it('a caller-supplied string limit refuses a longer value as corrupt at its length', () => {
    const decoder = new RdbDecoder({ fileName: 'small.rdb', limits: { maxStringBytes: 3 } });
    expect(decoder.push(rdbFile((writer) => writer.byte(0).string('k').string('abc'))).some((item) => item.kind === 'key')).toBe(true);
    const long = rdbFile((writer) => writer.byte(0).string('k').string('four'));
    expect(() => new RdbDecoder({ fileName: 'small.rdb', limits: { maxStringBytes: 3 } }).push(long)).toThrow(
      expect.objectContaining({ kind: 'corrupt', offset: keyOffset + 3, reason: 'key "k" (type 0 (string)) declares 4 bytes, above the 3-byte limit' }),
    );
  });
});

describe('end() names what the file was cut inside', () => {
  const cutAt = (bytes: Uint8Array, length: number): RdbDecodeError => {
    const decoder = new RdbDecoder({ fileName: 'cut.rdb' });
    decoder.push(bytes.subarray(0, length));
    try {
      decoder.end();
    } catch (error) {
      if (error instanceof RdbDecodeError) return error;
      throw error;
    }
    throw new Error('expected a truncated RdbDecodeError');
  };
  const list = rdbFile((writer) => writer.byte(1).string('l').length(2).string('x').string('y'));

  it.each([
    ['the header', 7, 'unexpected end of file while reading the header (unit at offset 0)'],
    ['the second element of a list', keyOffset + 6, 'unexpected end of file while reading the elements of key "l" (unit at offset 15)'],
    ['the record after the list (the EOF trailer)', list.length - 4, `unexpected end of file while reading the next record (unit at offset ${list.length - 9})`],
  ] as const)('a file cut inside %s is truncated at its length', (_name, length, reason) => {
    const error = cutAt(list, length);
    expect([error.kind, error.offset, error.reason, error.message.startsWith('cut.rdb: truncated RDB')]).toEqual(['truncated', length, reason, true]);
  });
});
