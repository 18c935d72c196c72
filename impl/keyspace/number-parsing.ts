/**
 * Redis 7.0's rules for reading numbers out of arguments and values, and for writing them back:
 * string2ll (integers), string2d (scores), string2ld + ld2string "human" (INCRBYFLOAT, in x87
 * long double), the raw strtod of ZRANGE's score bounds, and addReplyDouble's `%.17g`.
 *
 * Invariants:
 * - Integers are int64 and handled as bigint; a parse yields null exactly when Redis's would fail.
 * - string2ll accepts only canonical decimal: optional '-', no '+', no leading zeros, no spaces,
 *   fewer than 21 chars, within int64 ("-0" and "007" are not integers).
 * - Floats parse with glibc's grammar (hex, inf, infinity); NaN is never accepted; a literal
 *   that overflows to ±inf or underflows to zero is rejected, except by the raw range-bound parser.
 *   string2d and string2ld need the whole text to be the number (no leading space, no NUL inside);
 *   the range-bound parser reads up to the first NUL and allows leading space, as strtod does.
 * - INCRBYFLOAT's output is `%.17Lf` with trailing zeros (and a trailing '.') removed and "-0"
 *   written "0", as ld2string(LD_STR_HUMAN) does: 1e-20 → "0", 5.0e3 → "5000", 10.5+0.1 → "10.6".
 */
import type { ByteString } from '../values/redis-value.ts';
import { cString } from './command-errors.ts';
import {
  type BinaryFloat,
  addFloats,
  doubleFormat,
  extendedFormat,
  floatOfNumber,
  formatFixed,
  formatGeneral,
  numberOfFloat,
  scanFloat,
} from './binary-float.ts';

export const int64Min = -(2n ** 63n);
export const int64Max = 2n ** 63n - 1n;
export const int32Min = -(2n ** 31n);
export const int32Max = 2n ** 31n - 1n;

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld rejects inputs of this length or more. */
const maxLongDoubleChars = 5 * 1024;

/** string2ll: a canonical int64, or null. */
export function parseInteger(text: ByteString): bigint | null {
  if (text.length === 0 || text.length >= 21) return null;
  if (text !== '0' && !/^-?[1-9][0-9]*$/.test(text)) return null;
  const value = BigInt(text);
  return value < int64Min || value > int64Max ? null : value;
}

/** True when int64 value + increment overflows (Redis's pre-check in INCRBY and HINCRBY). */
export function additionOverflows(value: bigint, increment: bigint): boolean {
  const sum = value + increment;
  return sum < int64Min || sum > int64Max;
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && ' \t\n\v\f\r'.includes(char);
}

/** string2d: a double that is the whole text, not NaN, not out of range; else null. */
export function parseDouble(text: ByteString): number | null {
  if (text.length === 0 || isSpace(text[0])) return null;
  const scanned = scanFloat(text, doubleFormat);
  if (scanned.end !== text.length || scanned.outOfRange || scanned.value.kind === 'nan') return null;
  return numberOfFloat(scanned.value);
}

/**
 * zslParseRange's strtod: leading white space allowed, "" reads as 0, ±inf from overflow
 * accepted; the C string (cut at NUL) must be consumed entirely; NaN is rejected.
 */
export function parseRangeDouble(text: ByteString): number | null {
  const bytes = cString(text);
  const scanned = scanFloat(bytes, doubleFormat);
  if (scanned.end !== bytes.length || scanned.value.kind === 'nan') return null;
  return numberOfFloat(scanned.value);
}

/** string2ld: an x87 long double that is the whole text (a NUL inside fails), or null. */
export function parseLongDouble(text: ByteString): BinaryFloat | null {
  if (text.length === 0 || text.length >= maxLongDoubleChars || isSpace(text[0])) return null;
  const scanned = scanFloat(text, extendedFormat);
  if (scanned.end !== text.length || scanned.outOfRange || scanned.value.kind === 'nan') return null;
  return scanned.value;
}

/** INCRBYFLOAT's arithmetic: current + increment in long double; null when NaN or infinite. */
export function addLongDoubles(current: BinaryFloat, increment: BinaryFloat): BinaryFloat | null {
  const sum = addFloats(current, increment, extendedFormat);
  return sum.kind === 'nan' || sum.kind === 'infinite' ? null : sum;
}

/** ld2string(LD_STR_HUMAN) of a finite long double. */
export function formatLongDoubleHuman(value: BinaryFloat): ByteString {
  let text = formatFixed(value, 17);
  text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}

/** addReplyDouble (RESP2): "inf"/"-inf", else `%.17g`. */
export function formatDouble(value: number): ByteString {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return formatGeneral(floatOfNumber(value), 17);
}
