/**
 * Goal: each way a key's value can be malformed is refused as a corrupt RdbDecodeError whose
 * reason names the key (truncated to 40 characters), its type and the fault, at the offset of the
 * element (or blob) at fault; and each element-by-element encoding (list, quicklist, quicklist 2
 * with plain and packed nodes, text-score zset) loads to exactly the elements written, in order.
 * Method: hand-made files (RdbRecordWriter) with the key 'k' right after SELECTDB 0, so its type
 * byte is at offset 11 and its value at offset 14; every decode runs inside the test.
 */
import { describe, expect, it } from 'vitest';
import type { RedisValue } from '../values/redis-value.ts';
import { encodeListpack } from './listpack.ts';
import { decodeRdb } from './rdb-dataset.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import type { RdbDecodeLimits } from './rdb-limits.ts';
import { canonicalValue } from './testing/dataset-canonical-form.ts';
import { type RdbRecordWriter, ziplistOf } from './testing/legacy-blob-builder.ts';
import { rdbFile } from './testing/rdb-test-file.ts';

const valueAt = 14;
const fileWith = (body: (writer: RdbRecordWriter) => void): Buffer => rdbFile((writer) => body(writer.byte(0xfe).length(0)));
const keyValue = (file: Buffer, limits?: Partial<RdbDecodeLimits>): RedisValue | undefined =>
  decodeRdb(file, 'dump.rdb', limits === undefined ? {} : { limits }).databases.get(0)?.get('k')?.value;
const faultOf = (file: Buffer, limits?: Partial<RdbDecodeLimits>): [string, number, string] => {
  try {
    decodeRdb(file, 'dump.rdb', limits === undefined ? {} : { limits });
  } catch (error) {
    if (!(error instanceof RdbDecodeError)) throw error;
    expect(error.message).toBe(`dump.rdb: ${error.kind} RDB at offset ${error.offset}: ${error.reason}`);
    return [error.kind, error.offset, error.reason];
  }
  throw new Error('expected an RdbDecodeError, but the file loaded');
};
const brokenZiplist = (): Uint8Array => {
  const blob = ziplistOf(['a', 'b']);
  blob[blob.length - 1] = 0;
  return blob;
};

describe('element-by-element encodings load', () => {
  it.each([
    ['list (type 1)', (w: RdbRecordWriter) => w.byte(1).string('k').length(2).string('a').string('b'), { type: 'list', items: ['a', 'b'] }],
    ['quicklist (type 14) of two ziplist nodes', (w: RdbRecordWriter) => w.byte(14).string('k').length(2).blob(ziplistOf(['a', '1'])).blob(ziplistOf(['c'])), { type: 'list', items: ['a', '1', 'c'] }],
    ['quicklist 2 (type 18) with a packed then a plain node', (w: RdbRecordWriter) => w.byte(18).string('k').length(2).length(2).blob(encodeListpack(['a', '7'])).length(1).string('p'.repeat(100)), { type: 'list', items: ['a', '7', 'p'.repeat(100)] }],
    ['zset with text scores (type 3): 1.5, +inf, -inf', (w: RdbRecordWriter) => w.byte(3).string('k').length(3).string('a').raw(Buffer.from('\x031.5', 'latin1')).string('b').byte(254).string('c').byte(255), { type: 'zset', scores: new Map([['a', 1.5], ['b', Infinity], ['c', -Infinity]]) }],
  ] as const)('%s', (_name, body, expected) => {
    const value = keyValue(fileWith(body));
    expect(value && canonicalValue(value)).toEqual(canonicalValue(expected as RedisValue));
  });

  it('a list exactly at maxCollectionLength (3) loads from one quicklist node', () => {
    const value = keyValue(fileWith((w) => w.byte(14).string('k').length(1).blob(ziplistOf(['a', 'b', 'c']))), { maxCollectionLength: 3 });
    expect(value).toEqual({ type: 'list', items: ['a', 'b', 'c'] });
  });
});

describe('a malformed value is corrupt at the element at fault, naming key, type and fault', () => {
  it.each([
    ['duplicate set member (type 2)', (w: RdbRecordWriter) => w.byte(2).string('k').length(2).string('m').string('m'), ['corrupt', 17, 'key "k" (type 2 (set)): duplicate set member "m"']],
    ['duplicate hash field (type 4)', (w: RdbRecordWriter) => w.byte(4).string('k').length(2).string('f').string('1').string('f').string('2'), ['corrupt', 19, 'key "k" (type 4 (hash)): duplicate hash field "f"']],
    ['duplicate zset member (type 5)', (w: RdbRecordWriter) => w.byte(5).string('k').length(2).string('m').f64le(1).string('m').f64le(2), ['corrupt', 25, 'key "k" (type 5 (zset2)): duplicate zset member "m"']],
    ['NaN binary score (type 5)', (w: RdbRecordWriter) => w.byte(5).string('k').length(1).string('m').f64le(Number.NaN), ['corrupt', 15, 'key "k" (type 5 (zset2)): member "m" has a NaN score']],
    ['NaN text score (type 3, length byte 253)', (w: RdbRecordWriter) => w.byte(3).string('k').length(1).string('m').byte(253), ['corrupt', 15, 'key "k" (type 3 (zset)): member "m" has a NaN score']],
    ['unparsable text score (type 3)', (w: RdbRecordWriter) => w.byte(3).string('k').length(1).string('m').raw(Buffer.from('\x03abc', 'latin1')), ['corrupt', 17, 'key "k" (type 3 (zset)): score "abc" is not a number']],
    ['element count written as an integer string', (w: RdbRecordWriter) => w.byte(1).string('k').byte(0xc0).byte(1), ['corrupt', valueAt, 'key "k" (type 1 (list)) element count: expected a length, found string encoding 0']],
    ['quicklist 2 container 3', (w: RdbRecordWriter) => w.byte(18).string('k').length(1).length(3).string('x'), ['corrupt', 15, 'key "k" (type 18 (listQuicklist2)): unknown quicklist container 3']],
    ['quicklist 2 container written as an integer string', (w: RdbRecordWriter) => w.byte(18).string('k').length(1).byte(0xc0).byte(2), ['corrupt', 15, 'key "k" (type 18 (listQuicklist2)) node container: expected a length, found string encoding 0']],
    ['quicklist 2 packed node that is not a listpack', (w: RdbRecordWriter) => w.byte(18).string('k').length(1).length(2).blob(brokenZiplist()), ['corrupt', 16, 'key "k" (type 18 (listQuicklist2)) node: listpack: last byte is not the 0xFF terminator (at byte 16 of the listpack)']],
    ['quicklist (type 14) node that is not a ziplist', (w: RdbRecordWriter) => w.byte(14).string('k').length(1).blob(brokenZiplist()), ['corrupt', 15, 'key "k" (type 14 (listQuicklist)) node: ziplist: last byte is not the 0xFF terminator (at byte 16 of the ziplist)']],
    ['hash ziplist with an odd entry count', (w: RdbRecordWriter) => w.byte(13).string('k').blob(ziplistOf(['f', 'v', 'g'])), ['corrupt', valueAt, 'key "k" (type 13 (hashZiplist)): 3 entries cannot form pairs']],
    ['hash ziplist with a duplicate field', (w: RdbRecordWriter) => w.byte(13).string('k').blob(ziplistOf(['f', 'v', 'f', 'w'])), ['corrupt', valueAt, 'key "k" (type 13 (hashZiplist)): duplicate hash field "f"']],
    ['zset ziplist with a duplicate member', (w: RdbRecordWriter) => w.byte(12).string('k').blob(ziplistOf(['m', '1', 'm', '2'])), ['corrupt', valueAt, 'key "k" (type 12 (zsetZiplist)): duplicate zset member "m"']],
    ['zset ziplist with an unparsable score', (w: RdbRecordWriter) => w.byte(12).string('k').blob(ziplistOf(['m', 'abc'])), ['corrupt', valueAt, 'key "k" (type 12 (zsetZiplist)): score "abc" is not a number']],
    ['list ziplist that is not a ziplist', (w: RdbRecordWriter) => w.byte(10).string('k').blob(brokenZiplist()), ['corrupt', valueAt, 'key "k" (type 10 (listZiplist)): ziplist: last byte is not the 0xFF terminator (at byte 16 of the ziplist)']],
  ] as const)('%s', (_name, body, expected) => {
    expect(faultOf(fileWith(body))).toEqual(expected);
  });

  it('a quicklist node longer than maxStringBytes (10) is corrupt at the node, named as the node', () => {
    expect(faultOf(fileWith((w) => w.byte(14).string('k').length(1).blob(ziplistOf(['a'.repeat(20)]))), { maxStringBytes: 10 })).toEqual(['corrupt', 15, 'key "k" (type 14 (listQuicklist)) node declares 33 bytes, above the 10-byte limit']);
  });

  it.each([
    ['one node of 4 items', (w: RdbRecordWriter) => w.byte(14).string('k').length(1).blob(ziplistOf(['a', 'b', 'c', 'd'])), 15],
    ['a second node of 2 items after 2', (w: RdbRecordWriter) => w.byte(14).string('k').length(2).blob(ziplistOf(['a', 'b'])).blob(ziplistOf(['c', 'd'])), 33],
  ] as const)('a list past maxCollectionLength (3) through %s is corrupt at that node', (_name, body, at) => {
    const [kind, offset, reason] = faultOf(fileWith(body), { maxCollectionLength: 3 });
    expect([kind, offset, reason]).toEqual(['corrupt', at, 'key "k" (type 14 (listQuicklist)): list longer than the element limit']);
  });

  it.each([
    ['40 characters is quoted whole', 'q'.repeat(40), `"${'q'.repeat(40)}"`],
    ['41 characters is cut to 40 and an ellipsis', 'r'.repeat(41), `"${'r'.repeat(40)}…"`],
  ])('a key of %s in the reason', (_name, key, quoted) => {
    const [, , reason] = faultOf(fileWith((w) => w.byte(2).string(key).length(2).string('m').string('m')));
    expect(reason).toBe(`key ${quoted} (type 2 (set)): duplicate set member "m"`);
  });
});
