/**
 * Redis's test for "this string is an integer" (string2ll plus the round-trip check): the bytes
 * are the canonical decimal text of an int64 — optional '-', no '+', no leading zeros, no
 * spaces, not "-0". Such strings are stored as integers in RDB strings, listpacks and intsets.
 *
 * Invariants:
 * - If `canonicalInteger(s)` is defined, `String(canonicalInteger(s)) === s`.
 * - Values with at most 15 digits come back as numbers (exact); longer ones as bigints.
 */
import assert from 'node:assert/strict';

export type IntegerValue = number | bigint;

const canonicalPattern = /^(?:0|-?[1-9][0-9]{0,18})$/;
const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;

export function canonicalInteger(text: string): IntegerValue | undefined {
  if (text.length === 0 || text.length > 20 || !canonicalPattern.test(text)) return undefined;
  const digits = text.charCodeAt(0) === 0x2d ? text.length - 1 : text.length;
  if (digits <= 15) return Number(text);
  const value = BigInt(text);
  if (value < int64Min || value > int64Max) return undefined;
  assert.equal(value.toString(), text, 'a canonical integer round-trips');
  return value;
}

/** Orders numbers and bigints by value (mixed comparison is exact in JS). */
export function compareIntegers(left: IntegerValue, right: IntegerValue): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True if the value lies in [-2^(bits-1), 2^(bits-1)). */
export function fitsSigned(value: IntegerValue, bits: number): boolean {
  const limit = 2 ** (bits - 1);
  return typeof value === 'number' ? value >= -limit && value < limit : value >= -BigInt(limit) && value < BigInt(limit);
}
