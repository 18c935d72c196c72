/**
 * Test support: fast-check arbitraries for RDB datasets that reach every encoding the encoder
 * chooses — integer-looking and binary strings, LZF-compressible runs, lists spanning several
 * quicklist nodes, hashes/sets/zsets on both sides of 7.0's thresholds, -0/±Infinity scores,
 * expiries and several databases.
 *
 * Invariants: every generated value satisfies redis-value.ts (non-empty collections, no NaN).
 */
import fc from 'fast-check';
import type { ByteString, DatabaseContents, KeyEntry, RedisValue } from '../../values/redis-value.ts';

const binaryString = (maxLength: number): fc.Arbitrary<ByteString> =>
  fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes).toString('latin1'));

const integerString: fc.Arbitrary<ByteString> = fc.oneof(
  fc.integer({ min: -200, max: 200 }).map(String),
  fc.integer().map(String),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String),
  fc.constantFrom('-0', '007', '+1', '9223372036854775808', '-9223372036854775809', ' 1'),
);

const runString: fc.Arbitrary<ByteString> = fc
  .tuple(fc.constantFrom('a', 'ab', 'xyz\x00', '\xff'), fc.integer({ min: 1, max: 200 }))
  .map(([unit, count]) => unit.repeat(count));

export const byteStringArbitrary = (maxLength = 80): fc.Arbitrary<ByteString> =>
  fc.oneof({ weight: 3, arbitrary: binaryString(maxLength) }, { weight: 2, arbitrary: integerString }, { weight: 1, arbitrary: runString });

const size = (small: number, large: number): fc.Arbitrary<number> =>
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: small }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: large }) });

export const scoreArbitrary: fc.Arbitrary<number> = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 2 ** 52, 2 ** 53 + 2, 2 ** 60, 1e21, 0.1, 1.5),
);

function listOf(items: ByteString[]): RedisValue {
  return { type: 'list', items };
}

export const valueArbitrary: fc.Arbitrary<RedisValue> = fc.oneof(
  byteStringArbitrary(300).map((value): RedisValue => ({ type: 'string', value })),
  size(20, 3000).chain((count) => fc.array(byteStringArbitrary(), { minLength: count, maxLength: count }).map(listOf)),
  size(10, 700).chain((count) =>
    fc.uniqueArray(fc.tuple(byteStringArbitrary(70), byteStringArbitrary(70)), { minLength: 1, maxLength: count, selector: ([field]) => field }).map((pairs): RedisValue => ({ type: 'hash', fields: new Map(pairs) })),
  ),
  size(10, 600).chain((count) =>
    fc
      .oneof(fc.uniqueArray(integerString, { minLength: 1, maxLength: count }), fc.uniqueArray(byteStringArbitrary(), { minLength: 1, maxLength: count }))
      .map((members): RedisValue => ({ type: 'set', members: new Set(members) })),
  ),
  size(10, 200).chain((count) =>
    fc.uniqueArray(fc.tuple(byteStringArbitrary(70), scoreArbitrary), { minLength: 1, maxLength: count, selector: ([member]) => member }).map((pairs): RedisValue => ({ type: 'zset', scores: new Map(pairs) })),
  ),
);

const entryArbitrary: fc.Arbitrary<KeyEntry> = fc.record({
  value: valueArbitrary,
  expireAtMs: fc.option(fc.integer({ min: -1, max: 2 ** 47 }), { nil: null }),
});

export const databaseArbitrary: fc.Arbitrary<DatabaseContents> = fc
  .uniqueArray(fc.tuple(byteStringArbitrary(40), entryArbitrary), { maxLength: 12, selector: ([key]) => key })
  .map((entries) => new Map(entries));

export const datasetArbitrary: fc.Arbitrary<Map<number, DatabaseContents>> = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 15 }), databaseArbitrary), { maxLength: 3, selector: ([db]) => db })
  .map((dbs) => new Map(dbs));
