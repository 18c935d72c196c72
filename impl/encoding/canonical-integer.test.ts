/**
 * Goal: the integer test behind RDB strings, listpacks and intsets gives exact values (numbers up to
 * 15 digits, bigints beyond), orders mixed numbers and bigints consistently, and bounds bigints
 * by their width exactly.
 * Method: example values at the 15/16-digit, 2^53 and int64 boundaries, derived by hand.
 */
import { describe, expect, it } from 'vitest';
import { canonicalInteger, compareIntegers, fitsSigned, type IntegerValue } from './canonical-integer.ts';

describe('canonicalInteger', () => {
  // Every 15-digit integer is below 2^53 and so exact as a double; 16 digits may not be.
  it.each<[string, IntegerValue]>([
    ['999999999999999', 999999999999999],
    ['-999999999999999', -999999999999999],
    ['1000000000000000', 1000000000000000n],
    ['-1000000000000000', -1000000000000000n],
    ['9007199254740993', 9007199254740993n],
    ['-9223372036854775808', -(1n << 63n)],
  ])('reads %s as the exact value %s (a number up to 15 digits, a bigint beyond)', (text, value) => {
    expect(canonicalInteger(text)).toBe(value);
  });
});

describe('compareIntegers', () => {
  // Array#sort (intset encoding) needs a consistent comparator: compare(a, b) = -compare(b, a).
  it.each<[IntegerValue, IntegerValue]>([
    [1, 2],
    [-(2 ** 40), 3n],
    [2 ** 53, 2n ** 53n + 1n],
    [-(1n << 63n), (1n << 63n) - 1n],
  ])('orders %s before %s in both argument orders, and each equal to itself', (lower, higher) => {
    expect([compareIntegers(lower, higher), compareIntegers(higher, lower)]).toEqual([-1, 1]);
    expect([compareIntegers(lower, lower), compareIntegers(higher, higher)]).toEqual([0, 0]);
  });

  it('a number and a bigint of the same value compare equal', () => {
    expect([compareIntegers(5, 5n), compareIntegers(5n, 5)]).toEqual([0, 0]);
  });
});

describe('fitsSigned', () => {
  it.each<[IntegerValue, number, boolean]>([
    [-(1n << 63n), 64, true],
    [(1n << 63n) - 1n, 64, true],
    [1n << 63n, 64, false],
    [-(1n << 63n) - 1n, 64, false],
    [-(2 ** 31), 32, true],
    [2 ** 31, 32, false],
  ])('%s fits in %i signed bits: %s', (value, bits, fits) => {
    expect(fitsSigned(value, bits)).toBe(fits);
  });
});
