/**
 * Exact binary floating point on BigInt: the parts of C's strtod/strtold, IEEE addition and
 * glibc's printf that Redis's number handling depends on, for IEEE double and for x86's 80-bit
 * long double (which INCRBYFLOAT uses).
 *
 * Invariants:
 * - A finite value is ±mantissa·2^exponent with mantissa > 0; after `roundRational` it fits its
 *   format (mantissa < 2^precision, subnormals below 2^(minExponent)), rounded to nearest, ties to even.
 * - Parsing follows glibc's grammar (leading white space, sign, decimal or 0x hex with optional
 *   exponent, inf/infinity, nan/nan(...)), and reports the end of the longest valid prefix
 *   (0 when nothing converts) and ERANGE (overflow to ±inf, or a nonzero literal rounding to zero).
 * - Formatting is exact and rounds ties to even, as glibc's printf does in the default rounding mode.
 */
import assert from 'node:assert/strict';

export interface FloatFormat {
  readonly precision: number;
  readonly minExponent: number;
  readonly maxExponent: number;
}

export const doubleFormat: FloatFormat = { precision: 53, minExponent: -1022, maxExponent: 1023 };
/** x87 extended precision: C's `long double` on x86-64 Linux. */
export const extendedFormat: FloatFormat = { precision: 64, minExponent: -16382, maxExponent: 16383 };

export type BinaryFloat =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exponent: number }
  | { readonly kind: 'zero'; readonly negative: boolean }
  | { readonly kind: 'infinite'; readonly negative: boolean }
  | { readonly kind: 'nan' };

export interface ScannedFloat {
  readonly value: BinaryFloat;
  /** Index just past the converted prefix; 0 when no conversion was performed. */
  readonly end: number;
  /** strtod's errno == ERANGE: the literal overflowed to ±inf or underflowed to zero. */
  readonly outOfRange: boolean;
}

function bitLength(value: bigint): number {
  assert.ok(value > 0n);
  return value.toString(2).length;
}

function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

/** ±numerator/denominator rounded to the nearest value of `format`. */
export function roundRational(negative: boolean, numerator: bigint, denominator: bigint, format: FloatFormat): BinaryFloat {
  assert.ok(numerator >= 0n && denominator > 0n);
  if (numerator === 0n) return { kind: 'zero', negative };
  let floorLog2 = bitLength(numerator) - bitLength(denominator);
  const below = floorLog2 >= 0 ? numerator < denominator << BigInt(floorLog2) : numerator << BigInt(-floorLog2) < denominator;
  if (below) floorLog2 -= 1;
  let exponent = Math.max(floorLog2, format.minExponent);
  const shift = format.precision - 1 - exponent;
  let mantissa =
    shift >= 0 ? roundHalfEven(numerator << BigInt(shift), denominator) : roundHalfEven(numerator, denominator << BigInt(-shift));
  if (mantissa === 0n) return { kind: 'zero', negative };
  if (mantissa === 1n << BigInt(format.precision)) {
    mantissa >>= 1n;
    exponent += 1;
  }
  if (exponent > format.maxExponent) return { kind: 'infinite', negative };
  assert.ok(mantissa < 1n << BigInt(format.precision));
  return { kind: 'finite', negative, mantissa, exponent: exponent - (format.precision - 1) };
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\v' || char === '\f' || char === '\r';
}

/** Decimal or hex digits from `start`; `.` allowed once. */
function scanDigits(text: string, start: number, digit: RegExp): { end: number; digits: string; fractionDigits: number } {
  let index = start;
  let digits = '';
  let fractionDigits = 0;
  let seenPoint = false;
  for (;;) {
    const char = text[index];
    if (char !== undefined && digit.test(char)) {
      digits += char;
      if (seenPoint) fractionDigits += 1;
    } else if (char === '.' && !seenPoint) {
      seenPoint = true;
    } else {
      break;
    }
    index += 1;
  }
  return { end: index, digits, fractionDigits };
}

/** An exponent suffix (`e12`, `p-3`); its value is clamped to ±1e9, which is already out of range. */
function scanExponent(text: string, start: number, marker: RegExp): { end: number; value: number } {
  if (!marker.test(text[start] ?? '')) return { end: start, value: 0 };
  let index = start + 1;
  let sign = 1;
  if (text[index] === '+' || text[index] === '-') {
    sign = text[index] === '-' ? -1 : 1;
    index += 1;
  }
  const match = /^[0-9]+/.exec(text.slice(index));
  if (match === null) return { end: start, value: 0 };
  const magnitude = match[0].replace(/^0+/, '');
  const value = magnitude.length > 9 ? 1e9 : Number(magnitude === '' ? '0' : magnitude);
  return { end: index + match[0].length, value: sign * value };
}

/** ±integer·base^power (base 10 or 2), rounded, with ERANGE detection; huge powers short-cut. */
function scaledValue(negative: boolean, integer: bigint, base: 2n | 10n, power: number, format: FloatFormat): Omit<ScannedFloat, 'end'> {
  if (integer === 0n) return { value: { kind: 'zero', negative }, outOfRange: false };
  const magnitude = power + (base === 10n ? integer.toString().length : bitLength(integer));
  const limit = base === 10n ? 6000 : 20000;
  if (magnitude > limit) return { value: { kind: 'infinite', negative }, outOfRange: true };
  if (magnitude < -limit) return { value: { kind: 'zero', negative }, outOfRange: true };
  const scale = base ** BigInt(Math.abs(power));
  const value = power >= 0 ? roundRational(negative, integer * scale, 1n, format) : roundRational(negative, integer, scale, format);
  return { value, outOfRange: value.kind === 'infinite' || value.kind === 'zero' };
}

/** glibc strtod/strtold on `text` (a C string: the caller cuts it at NUL). */
export function scanFloat(text: string, format: FloatFormat): ScannedFloat {
  let index = 0;
  while (isSpace(text[index])) index += 1;
  let negative = false;
  if (text[index] === '+' || text[index] === '-') {
    negative = text[index] === '-';
    index += 1;
  }
  const word = text.slice(index, index + 8).toLowerCase();
  if (word.startsWith('inf')) {
    return { value: { kind: 'infinite', negative }, end: index + (word === 'infinity' ? 8 : 3), outOfRange: false };
  }
  if (word.startsWith('nan')) {
    const payload = /^\([0-9A-Za-z_]*\)/.exec(text.slice(index + 3));
    return { value: { kind: 'nan' }, end: index + 3 + (payload?.[0].length ?? 0), outOfRange: false };
  }
  if (text[index] === '0' && (text[index + 1] === 'x' || text[index + 1] === 'X')) {
    const hex = scanDigits(text, index + 2, /[0-9a-fA-F]/);
    if (hex.digits.length > 0) {
      const exponent = scanExponent(text, hex.end, /[pP]/);
      const scaled = scaledValue(negative, BigInt(`0x${hex.digits}`), 2n, exponent.value - 4 * hex.fractionDigits, format);
      return { ...scaled, end: exponent.end };
    }
  }
  const decimal = scanDigits(text, index, /[0-9]/);
  if (decimal.digits.length === 0) return { value: { kind: 'zero', negative: false }, end: 0, outOfRange: false };
  const exponent = scanExponent(text, decimal.end, /[eE]/);
  const scaled = scaledValue(negative, BigInt(decimal.digits), 10n, exponent.value - decimal.fractionDigits, format);
  return { ...scaled, end: exponent.end };
}

/** IEEE a + b in `format` (round to nearest even; x + (-x) is +0). */
export function addFloats(left: BinaryFloat, right: BinaryFloat, format: FloatFormat): BinaryFloat {
  if (left.kind === 'nan' || right.kind === 'nan') return { kind: 'nan' };
  if (left.kind === 'infinite') {
    return right.kind === 'infinite' && right.negative !== left.negative ? { kind: 'nan' } : left;
  }
  if (right.kind === 'infinite') return right;
  if (left.kind === 'zero') return right.kind === 'zero' ? { kind: 'zero', negative: left.negative && right.negative } : right;
  if (right.kind === 'zero') return left;
  const exponent = Math.min(left.exponent, right.exponent);
  const signed = (value: typeof left) => (value.negative ? -1n : 1n) * (value.mantissa << BigInt(value.exponent - exponent));
  const sum = signed(left) + signed(right);
  if (sum === 0n) return { kind: 'zero', negative: false };
  const magnitude = sum < 0n ? -sum : sum;
  return exponent >= 0
    ? roundRational(sum < 0n, magnitude << BigInt(exponent), 1n, format)
    : roundRational(sum < 0n, magnitude, 1n << BigInt(-exponent), format);
}

/** The exact value of a finite float as numerator/denominator (both positive). */
function rationalOf(value: Extract<BinaryFloat, { kind: 'finite' }>): { numerator: bigint; denominator: bigint } {
  return value.exponent >= 0
    ? { numerator: value.mantissa << BigInt(value.exponent), denominator: 1n }
    : { numerator: value.mantissa, denominator: 1n << BigInt(-value.exponent) };
}

/** printf `%.<digits>f` of a finite value or zero. */
export function formatFixed(value: BinaryFloat, fractionDigits: number): string {
  assert.ok(value.kind === 'finite' || value.kind === 'zero', 'formatFixed takes a finite value');
  assert.ok(Number.isInteger(fractionDigits) && fractionDigits >= 0);
  let scaled = 0n;
  if (value.kind === 'finite') {
    const { numerator, denominator } = rationalOf(value);
    scaled = roundHalfEven(numerator * 10n ** BigInt(fractionDigits), denominator);
  }
  const text = scaled.toString().padStart(fractionDigits + 1, '0');
  const integerPart = text.slice(0, text.length - fractionDigits);
  const sign = value.negative ? '-' : '';
  return fractionDigits === 0 ? `${sign}${integerPart}` : `${sign}${integerPart}.${text.slice(text.length - fractionDigits)}`;
}

/** printf `%.<significant>g` of a finite value or zero. */
export function formatGeneral(value: BinaryFloat, significant: number): string {
  assert.ok(value.kind === 'finite' || value.kind === 'zero', 'formatGeneral takes a finite value');
  assert.ok(Number.isInteger(significant) && significant >= 1);
  const sign = value.negative ? '-' : '';
  if (value.kind === 'zero') return `${sign}0`;
  const { numerator, denominator } = rationalOf(value);
  const atLeastPowerOfTen = (power: number) =>
    power >= 0 ? numerator >= denominator * 10n ** BigInt(power) : numerator * 10n ** BigInt(-power) >= denominator;
  let power = Math.floor((bitLength(numerator) - bitLength(denominator)) * Math.LOG10E * Math.LN2);
  while (!atLeastPowerOfTen(power)) power -= 1;
  while (atLeastPowerOfTen(power + 1)) power += 1;
  const shift = power - significant + 1;
  let digits =
    shift >= 0
      ? roundHalfEven(numerator, denominator * 10n ** BigInt(shift))
      : roundHalfEven(numerator * 10n ** BigInt(-shift), denominator);
  if (digits === 10n ** BigInt(significant)) {
    digits /= 10n;
    power += 1;
  }
  const text = digits.toString();
  assert.equal(text.length, significant);
  const trim = (fraction: string) => fraction.replace(/0+$/, '');
  if (power < -4 || power >= significant) {
    const fraction = trim(text.slice(1));
    const exponent = `${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
    return `${sign}${text[0]}${fraction === '' ? '' : `.${fraction}`}e${exponent}`;
  }
  const integerPart = power >= 0 ? text.slice(0, power + 1) : '0';
  const fraction = trim(power >= 0 ? text.slice(power + 1) : '0'.repeat(-power - 1) + text);
  return `${sign}${integerPart}${fraction === '' ? '' : `.${fraction}`}`;
}

/** The exact BinaryFloat of a JS number (an IEEE double). */
export function floatOfNumber(value: number): BinaryFloat {
  if (Number.isNaN(value)) return { kind: 'nan' };
  const negative = value < 0 || Object.is(value, -0);
  if (value === 0) return { kind: 'zero', negative };
  if (!Number.isFinite(value)) return { kind: 'infinite', negative };
  const bits = new BigUint64Array(new Float64Array([Math.abs(value)]).buffer)[0] ?? 0n;
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0
    ? { kind: 'finite', negative, mantissa: fraction, exponent: -1074 }
    : { kind: 'finite', negative, mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** The JS number of a value already rounded to `doubleFormat`. */
export function numberOfFloat(value: BinaryFloat): number {
  switch (value.kind) {
    case 'nan':
      return Number.NaN;
    case 'zero':
      return value.negative ? -0 : 0;
    case 'infinite':
      return value.negative ? -Infinity : Infinity;
    case 'finite': {
      assert.ok(value.mantissa < 1n << 53n && value.exponent >= -1074, 'numberOfFloat takes a double');
      const magnitude = Number(value.mantissa) * 2 ** value.exponent;
      return value.negative ? -magnitude : magnitude;
    }
    default: {
      const never: never = value;
      return assert.fail(`unknown float ${JSON.stringify(never)}`);
    }
  }
}
