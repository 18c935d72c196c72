/** Goal: zset score text is written so that Redis and our reader get the same double back. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { formatScore, parseScoreText } from './score-text.ts';

describe('score text', () => {
  it.each([
    [1.5, '1.5'],
    [3, '3'],
    [0, '0'],
    [-0, '-0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [2 ** 60, '1152921504606846976'],
    // ±2^63 is not below the int64 limit: shortest round-trip text, which a listpack keeps as a
    // string (as it keeps Redis's "%.17g" text), not the int64 text of 2^63 or of -2^63.
    [2 ** 63, '9223372036854776000'],
    [-(2 ** 63), '-9223372036854776000'],
    [1e21, '1e+21'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('formats %d as %s', (score, text) => {
    expect(formatScore(score)).toBe(text);
  });

  it.each([
    ['inf', Infinity],
    ['-INF', -Infinity],
    ['+infinity', Infinity],
    ['1.', 1],
    ['.5', 0.5],
    ['-1.5e-7', -1.5e-7],
    ['1.0000000000000000e+21', 1e21],
  ])('parses the C-style text %s', (text, score) => {
    expect(parseScoreText(text)).toBe(score);
  });

  it.each([['nan'], ['NaN'], [''], ['1.5x'], ['0x10'], [' 1'], ['e5'], ['--1']])('refuses %j', (text) => {
    expect(parseScoreText(text)).toBeUndefined();
  });

  it('parse(format(x)) is x for every non-NaN double, -0 included (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (score) => {
        expect(Object.is(parseScoreText(formatScore(score)), score)).toBe(true);
      }),
      propertyParameters('score text round trip', 1000),
    );
  });
});
