/**
 * Goal: the writer lays out little-endian two's complement integers exactly and refuses a value
 * that does not fit its width instead of writing it wrapped (a silent change of the stored value).
 * Method: hand-derived bytes for values at the width bounds; out-of-range values just past them.
 */
import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.ts';

describe('ByteWriter.intLE', () => {
  it.each<[number, 1 | 2 | 3 | 4, string]>([
    [-128, 1, '80'],
    [127, 1, '7f'],
    [-2, 3, 'feffff'],
    [-8388608, 3, '000080'],
    [-2147483648, 4, '00000080'],
    [2147483647, 4, 'ffffff7f'],
  ])('writes %i in %i bytes as %s', (value, width, hex) => {
    const writer = new ByteWriter(1);
    writer.intLE(value, width);
    expect(Buffer.from(writer.take()).toString('hex')).toBe(hex);
  });

  it.each<[number, 1 | 2 | 3 | 4]>([
    [128, 1],
    [-129, 1],
    [-32769, 2],
    [8388608, 3],
    [2147483648, 4],
  ])('refuses %i for %i bytes rather than writing it wrapped', (value, width) => {
    expect(() => new ByteWriter().intLE(value, width)).toThrow(AssertionError);
  });
});
