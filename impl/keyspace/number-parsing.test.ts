/**
 * Goal: Redis 7.0's number rules: string2ll, string2d, string2ld, strtod for range bounds, the
 * `%.17g` of addReplyDouble and INCRBYFLOAT's long-double arithmetic and `%.17Lf` output.
 * Method: expected values were read from redis-server 7.0.15 (INCRBYFLOAT, ZADD/ZRANGE
 * WITHSCORES); properties check that `%.17g` text and JS's shortest text both parse back to
 * the same double, with the seed printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import {
  addLongDoubles,
  formatDouble,
  formatLongDoubleHuman,
  parseDouble,
  parseInteger,
  parseLongDouble,
  parseRangeDouble,
} from './number-parsing.ts';

function incrbyfloat(current: string, increment: string): string | null {
  const left = parseLongDouble(current);
  const right = parseLongDouble(increment);
  if (left === null || right === null) return null;
  const sum = addLongDoubles(left, right);
  return sum === null ? null : formatLongDoubleHuman(sum);
}

describe('parseInteger (string2ll)', () => {
  it.each([
    ['0', 0n],
    ['-1', -1n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('accepts canonical %s', (text, value) => {
    expect(parseInteger(text)).toBe(value);
  });

  it.each(['', '-', '-0', '007', '+1', ' 1', '1 ', '1.5', '1e3', '9223372036854775808', '-9223372036854775809', '0x10'])(
    'rejects %j',
    (text) => {
      expect(parseInteger(text)).toBeNull();
    },
  );
});

describe('parseDouble (string2d, ZADD scores)', () => {
  it.each([
    ['1.5', 1.5],
    ['-0', -0],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['0x10', 16],
    ['1e-320', 1e-320],
    ['.5', 0.5],
  ])('accepts %s', (text, value) => {
    expect(Object.is(parseDouble(text), value)).toBe(true);
  });

  it.each(['', ' 1', '1 ', 'nan', 'abc', '1e400', '1e-400', '1\x00', 'infinit'])('rejects %j', (text) => {
    expect(parseDouble(text)).toBeNull();
  });
});

describe('parseRangeDouble (strtod of ZRANGE BYSCORE bounds)', () => {
  it('allows leading spaces and reads "" as 0, as Redis 7.0 does', () => {
    expect(parseRangeDouble(' 1')).toBe(1);
    expect(parseRangeDouble('')).toBe(0);
    expect(parseRangeDouble('1e400')).toBe(Infinity);
  });

  it('refuses trailing garbage and NaN', () => {
    expect(parseRangeDouble('1 ')).toBeNull();
    expect(parseRangeDouble('nan')).toBeNull();
  });
});

describe('INCRBYFLOAT arithmetic (x87 long double, %.17Lf trimmed)', () => {
  it.each([
    ['10.5', '0.1', '10.6'],
    ['0', '3.0e3', '3000'],
    ['1.1', '2.2', '3.3'],
    ['0.1', '0.2', '0.3'],
    ['0', '1e-20', '0'],
    ['0', '-0', '0'],
    ['0', '0x10', '16'],
    ['0', '12345678901234567890.5', '12345678901234567890'],
    ['5', '-5', '0'],
    ['-1.5', '0.25', '-1.25'],
  ])('%s + %s = %s', (current, increment, result) => {
    expect(incrbyfloat(current, increment)).toBe(result);
  });

  it('writes 1e308 + 1e308 with every integer digit, as redis-server 7.0.15 does', () => {
    expect(incrbyfloat('1e308', '1e308')).toBe(
      '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
    );
  });

  it('rejects NaN and infinite results and unparsable operands', () => {
    expect(incrbyfloat('0', 'inf')).toBeNull();
    expect(incrbyfloat('0', 'abc')).toBeNull();
    expect(incrbyfloat('0', ' 1')).toBeNull();
    expect(incrbyfloat('0', '1e5000')).toBeNull();
    expect(incrbyfloat('0', '1e-5000')).toBeNull();
    expect(parseLongDouble('')).toBeNull();
    expect(parseLongDouble('1\x00abc')).toBeNull();
  });
});

describe('formatDouble (addReplyDouble: %.17g)', () => {
  it.each([
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [-0, '-0'],
    [1e-5, '1.0000000000000001e-05'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [123456789012345678, '1.2345678901234568e+17'],
    [1e300, '1.0000000000000001e+300'],
    [1e-320, '9.9998886718268301e-321'],
    [5e-324, '4.9406564584124654e-324'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%s → %s', (value, text) => {
    expect(formatDouble(value)).toBe(text);
  });

  it('rounds an exact tie to even like glibc (2^-25 = 2.98023223876953125e-08)', () => {
    expect(formatDouble(2 ** -25)).toBe('2.9802322387695312e-08');
  });

  it('round-trips: %.17g of any double parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        expect(Object.is(parseDouble(formatDouble(value)), value)).toBe(true);
      }),
      propertyParameters('formatDouble round-trip', 2000),
    );
  });

  it('parses JS shortest text of any finite double to the same double (String(-0) is "0")', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(parseDouble(String(value))).toBe(value === 0 ? 0 : value);
      }),
      propertyParameters('parseDouble of String(x)', 2000),
    );
  });
});
