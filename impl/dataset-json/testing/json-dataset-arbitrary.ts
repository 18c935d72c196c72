/**
 * Test support: fast-check datasets for the JSON form. Extends the RDB dataset arbitrary's mix
 * (binary, integer-looking and run strings, every type on both sides of the encoding thresholds,
 * -0/±Infinity scores, expiries, several databases) with the byte strings that exercise the JSON
 * representation: UTF-8 text of any code point, text starting with "base64:", a leading BOM,
 * invalid UTF-8 (overlongs, surrogates, truncated sequences) and the empty string.
 *
 * Invariants: every generated value satisfies redis-value.ts (non-empty collections, no NaN).
 */
import fc from 'fast-check';
import { byteStringOfText, type ByteString, type DatabaseContents, type KeyEntry, type RedisValue } from '../../values/redis-value.ts';
import { byteStringArbitrary, scoreArbitrary } from '../../encoding/testing/dataset-arbitrary.ts';

const utf8Text: fc.Arbitrary<ByteString> = fc.string({ unit: 'binary', maxLength: 12 }).map(byteStringOfText);

export const jsonByteStringArbitrary: fc.Arbitrary<ByteString> = fc.oneof(
  { weight: 3, arbitrary: byteStringArbitrary(40) },
  { weight: 3, arbitrary: utf8Text },
  { weight: 1, arbitrary: utf8Text.map((text) => `base64:${text}`) },
  { weight: 1, arbitrary: utf8Text.map((text) => `\xef\xbb\xbf${text}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '\xc0\x80', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xe2\x82', 'base64:', '\x00', '"\\\n\u007f') },
);

const size = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max });

export const jsonValueArbitrary: fc.Arbitrary<RedisValue> = fc.oneof(
  jsonByteStringArbitrary.map((value): RedisValue => ({ type: 'string', value })),
  size(12).chain((count) => fc.array(jsonByteStringArbitrary, { minLength: 1, maxLength: count }).map((items): RedisValue => ({ type: 'list', items }))),
  size(12).chain((count) =>
    fc.uniqueArray(fc.tuple(jsonByteStringArbitrary, jsonByteStringArbitrary), { minLength: 1, maxLength: count, selector: ([field]) => field }).map((pairs): RedisValue => ({ type: 'hash', fields: new Map(pairs) })),
  ),
  size(12).chain((count) => fc.uniqueArray(jsonByteStringArbitrary, { minLength: 1, maxLength: count }).map((members): RedisValue => ({ type: 'set', members: new Set(members) }))),
  size(12).chain((count) =>
    fc.uniqueArray(fc.tuple(jsonByteStringArbitrary, scoreArbitrary), { minLength: 1, maxLength: count, selector: ([member]) => member }).map((pairs): RedisValue => ({ type: 'zset', scores: new Map(pairs) })),
  ),
);

const entryArbitrary: fc.Arbitrary<KeyEntry> = fc.record({
  value: jsonValueArbitrary,
  expireAtMs: fc.option(fc.oneof(fc.integer({ min: -1, max: 2 ** 47 }), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER)), { nil: null }),
});

export const jsonDatabaseArbitrary: fc.Arbitrary<DatabaseContents> = fc
  .uniqueArray(fc.tuple(jsonByteStringArbitrary, entryArbitrary), { maxLength: 8, selector: ([key]) => key })
  .map((entries) => new Map(entries));

export const jsonDatasetArbitrary: fc.Arbitrary<Map<number, DatabaseContents>> = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 15 }), jsonDatabaseArbitrary), { maxLength: 4, selector: ([db]) => db })
  .map((dbs) => new Map(dbs));
