/**
 * Goal: asciiLower lowers exactly A-Z, over any ByteString (latin1 bytes: À..Þ and every other
 * byte stay as they are), and hands back its input when there is nothing to lower; optionName
 * also cuts at the first NUL.
 * Method: fixed cases, then fast-check strings over all 256 byte values and over an alphabet
 * dense in A-Z, a-z and latin1 capitals, compared with the per-character definition. The seed is
 * printed (DURAKV_SEED replays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { asciiLower, optionName } from './command-arguments.ts';

/** The definition: each of A-Z moves up by 0x20, nothing else changes. */
function reference(text: string): string {
  let lower = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    lower += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : char;
  }
  return lower;
}

const byteString = (codes: fc.Arbitrary<number>) => fc.array(codes, { maxLength: 40 }).map((array) => String.fromCharCode(...array));

describe('asciiLower', () => {
  it('lowers A-Z only', () => {
    expect(asciiLower('SET')).toBe('set');
    expect(asciiLower('PxAt')).toBe('pxat');
    expect(asciiLower('select')).toBe('select');
    expect(asciiLower('')).toBe('');
    expect(asciiLower('@[`{')).toBe('@[`{');
    expect(asciiLower('\u00c0SET\u00de\xff\x00Z')).toBe('\u00c0set\u00de\xff\x00z');
    expect(asciiLower('Ä')).toBe('Ä');
    expect(asciiLower('KEY\u00c9X')).toBe('key\u00c9x');
  });

  it('is the per-character definition on any byte string', () => {
    fc.assert(
      fc.property(fc.oneof(byteString(fc.integer({ min: 0, max: 255 })), byteString(fc.constantFrom(0x41, 0x5a, 0x61, 0x7a, 0x40, 0x5b, 0x60, 0x7b, 0xc0, 0xc9, 0xde, 0xe9, 0x00, 0xff))), (text) => {
          const lower = asciiLower(text);
          expect(lower).toBe(reference(text));
          if (!/[A-Z]/.test(text)) expect(lower).toBe(text);
        }),
      propertyParameters('asciiLower', 500),
    );
  });
});

describe('optionName', () => {
  it('lowers and cuts at NUL like strcasecmp', () => {
    expect(optionName('PX')).toBe('px');
    expect(optionName('GeT\0XX')).toBe('get');
    expect(optionName('\0NX')).toBe('');
  });
});
