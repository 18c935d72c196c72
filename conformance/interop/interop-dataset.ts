/**
 * The dataset the interop tests exchange with redis-server: every type, on both sides of every
 * Redis 7.0 encoding threshold durakv's encoder decides, plus the string encodings.
 *
 * - hashes of 512 entries with 64-byte fields and values (listpack) and of 513 (hashtable); one
 *   65-byte value, one 65-byte field (hashtable);
 * - zsets of 128 members of 64 bytes (listpack) and 129 (skiplist), a 65-byte member; scores
 *   ±inf, -0 (in both encodings), tiny, huge, non-integral and integers beyond 2^53;
 * - intsets of each width (int16, int32, int64 members), 512 integers (intset), 513 (hashtable),
 *   non-canonical integers "-0", "007" (hashtable);
 * - lists spanning several quicklist nodes (> 8 KiB of elements), an element larger than 8 KiB,
 *   listpack integer encodings of every width;
 * - strings as int8/16/32 RDB integers, int64 text, 20 and 21 bytes around the LZF threshold,
 *   LZF-compressible runs, incompressible bytes, every byte value, an empty string;
 * - binary keys (invalid UTF-8, NUL, the empty key, a key starting with "base64:");
 * - TTLs at least an hour in the future on every type; databases 0, 1, 7 and 15.
 *
 * Invariants: deterministic for a given `nowMs` (pseudo-random bytes come from a fixed-seed
 * xorshift, not Math.random); every value satisfies redis-value.ts.
 */
import type { ByteString, DatabaseContents, KeyEntry, RedisValue } from '../../impl/values/redis-value.ts';

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

/** Deterministic bytes that LZF cannot shrink. */
export function pseudoRandomBytes(length: number, seed: number): ByteString {
  let state = seed >>> 0 || 1;
  let text = '';
  for (let index = 0; index < length; index += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += String.fromCharCode(state & 0xff);
  }
  return text;
}

const string = (value: ByteString): RedisValue => ({ type: 'string', value });
const list = (items: ByteString[]): RedisValue => ({ type: 'list', items });
const hash = (pairs: [ByteString, ByteString][]): RedisValue => ({ type: 'hash', fields: new Map(pairs) });
const set = (members: ByteString[]): RedisValue => ({ type: 'set', members: new Set(members) });
const zset = (pairs: [ByteString, number][]): RedisValue => ({ type: 'zset', scores: new Map(pairs) });

const specialScores: [ByteString, number][] = [
  ['inf', Infinity],
  ['-inf', -Infinity],
  ['negative zero', -0],
  ['zero', 0],
  ['tenth', 0.1],
  ['half', -1.5],
  ['tiny', 5e-324],
  ['small', -2.5e-300],
  ['huge', 1.7976931348623157e308],
  ['2^53+2', 2 ** 53 + 2],
  ['2^60', 2 ** 60],
  ['1e21', 1e21],
];

export function interopDataset(nowMs: number): Map<number, DatabaseContents> {
  const hour = 3_600_000;
  const entry = (value: RedisValue, ttlMs: number | null = null): KeyEntry => ({ value, expireAtMs: ttlMs === null ? null : nowMs + ttlMs });
  const padded = (prefix: string, index: number, width: number): ByteString => `${prefix}${index}:`.padEnd(width, prefix.slice(0, 1));

  const db0: [ByteString, KeyEntry][] = [
    ['string:small', entry(string('hello'))],
    ['string:empty', entry(string(''))],
    ['string:int8', entry(string('-128'))],
    ['string:int16', entry(string('32767'))],
    ['string:int32', entry(string('-2147483648'))],
    ['string:int64 text', entry(string('9223372036854775807'))],
    ['string:non-canonical int', entry(string('007'))],
    ['string:20 bytes', entry(string('a'.repeat(20)))],
    ['string:21 bytes', entry(string('a'.repeat(21)))],
    ['string:compressible', entry(string('durakv '.repeat(3000)), hour + 123)],
    ['string:incompressible', entry(string(pseudoRandomBytes(4096, 7)))],
    ['string:every byte', entry(string(range(256).map((code) => String.fromCharCode(code)).join('')))],
    ['\xff\xfe binary key', entry(string('binary key'))],
    ['\x00', entry(string('NUL key'))],
    ['', entry(string('the empty key'))],
    ['base64:not really', entry(string('a key that starts with base64:'))],
    ['hash:512 x 64 bytes', entry(hash(range(512).map((index) => [padded('f', index, 64), padded('v', index, 64)])), 2 * hour)],
    ['hash:513', entry(hash(range(513).map((index) => [`field ${index}`, `value ${index}`])))],
    ['hash:65-byte value', entry(hash([['f', 'v'.repeat(65)]]))],
    ['hash:65-byte field', entry(hash([['f'.repeat(65), 'v']]))],
    ['hash:binary', entry(hash([['\xff', '\x00\x01'], ['', 'empty field'], ['123', '-456']]))],
    ['zset:128 x 64 bytes', entry(zset(range(128).map((index) => [padded('m', index, 64), index / 3])), 3 * hour)],
    ['zset:129', entry(zset(range(129).map((index) => [`member ${index}`, index % 2 === 0 ? index : -index / 7])))],
    ['zset:65-byte member', entry(zset([['m'.repeat(65), 1]]))],
    ['zset:special scores (listpack)', entry(zset(specialScores))],
    ['zset:special scores (skiplist)', entry(zset([...specialScores, ...range(130).map((index): [ByteString, number] => [`filler ${index}`, index])]))],
    ['zset:equal scores', entry(zset([['b', 1], ['a', 1], ['\xff', 1], ['', 1]]))],
    ['set:int16', entry(set(['-32768', '32767', '0', '1']), 4 * hour)],
    ['set:int32', entry(set(['-2147483648', '2147483647', '32768']))],
    ['set:int64', entry(set(['-9223372036854775808', '9223372036854775807', '2147483648']))],
    ['set:512 integers', entry(set(range(512).map((index) => String(index * 1000 - 256_000))))],
    ['set:513 integers', entry(set(range(513).map(String)))],
    ['set:non-canonical integers', entry(set(['1', '-0', '007']))],
    ['set:strings', entry(set(['a', '\xff', '', 'member with spaces']))],
    ['list:small', entry(list(['a', '', '\xff\x00', 'a']), 5 * hour)],
    ['list:several nodes', entry(list(range(2000).map((index) => padded('item ', index, 20))))],
    ['list:element > 8 KiB', entry(list(['before', 'x'.repeat(10_000), pseudoRandomBytes(9000, 11), 'after']))],
    ['list:integers', entry(list(['0', '127', '-128', '4095', '-4096', '32767', '-32768', '8388607', '-8388608', '2147483647', '-2147483648', '9223372036854775807', '-9223372036854775808', '12345678901234567890']))],
  ];
  const db1: [ByteString, KeyEntry][] = [
    ['string:small', entry(string('same key name, another database'), 24 * hour)],
    ['list:small', entry(list(['only in db 1']))],
  ];
  const db7: [ByteString, KeyEntry][] = [['hash:binary', entry(hash([['\x80', '\x81']]), 30 * 24 * hour)]];
  const db15: [ByteString, KeyEntry][] = [['last database', entry(zset([['m', 15]]), hour)]];
  return new Map([
    [0, new Map(db0)],
    [1, new Map(db1)],
    [7, new Map(db7)],
    [15, new Map(db15)],
  ]);
}

/** The dataset Redis holds after loading `databases` through ZADD, which stores a -0 score as 0. */
export function afterZaddNormalization(databases: ReadonlyMap<number, DatabaseContents>): Map<number, DatabaseContents> {
  return new Map(
    [...databases].map(([db, contents]) => [
      db,
      new Map(
        [...contents].map(([key, keyEntry]): [ByteString, KeyEntry] => {
          const value = keyEntry.value;
          if (value.type !== 'zset') return [key, keyEntry];
          return [key, { ...keyEntry, value: { type: 'zset', scores: new Map([...value.scores].map(([member, score]) => [member, score + 0])) } }];
        }),
      ),
    ]),
  );
}
