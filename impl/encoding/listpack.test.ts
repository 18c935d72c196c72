/** Goal: listpacks are written with Redis 7.0's entry encodings and backlens, and bad ones are refused. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { byteStringArbitrary } from './testing/dataset-arbitrary.ts';
import { backlenSize, decodeListpack, encodeListpack, listpackEntrySize } from './listpack.ts';
import { BlobFormatError } from './rdb-decode-error.ts';

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** The bytes of the single entry of a one-element listpack (header and terminator stripped). */
const entryHex = (element: string): string => hexOf(encodeListpack([element]).subarray(6, -1));

describe('listpack encoding', () => {
  it("writes the facts' [a, b] example exactly: 0d000000 0200 8161 02 8162 02 ff", () => {
    expect(hexOf(encodeListpack(['a', 'b']))).toBe('0d000000020081610281620' + '2ff');
  });

  it.each([
    ['0', '0001'],
    ['127', '7f01'],
    ['128', 'c08002'],
    ['-1', 'dfff02'],
    ['-4096', 'd00002'],
    ['4095', 'cfff02'],
    ['4096', 'f1001003'],
    ['-32768', 'f1008003'],
    ['32768', 'f200800004'],
    ['-8388608', 'f200008004'],
    ['8388608', 'f30000800005'],
    ['-2147483648', 'f30000008005'],
    ['2147483648', 'f4000000800000000009'],
    ['-9223372036854775808', 'f4000000000000008009'],
    ['9223372036854775807', 'f4ffffffffffffff7f09'],
  ])('stores the integer %s in its smallest encoding (%s)', (element, expected) => {
    expect(entryHex(element)).toBe(expected);
    expect(decodeListpack(encodeListpack([element]))).toEqual([element]);
  });

  it.each([['-0'], ['01'], ['+1'], [' 1'], ['9223372036854775808'], ['']])('stores the non-canonical %j as a string', (element) => {
    expect(Number.parseInt(entryHex(element).slice(0, 2), 16) & 0xc0).toBe(0x80); // 10xxxxxx: 6-bit-length string
    expect(decodeListpack(encodeListpack([element]))).toEqual([element]);
  });

  it.each([
    [63, 1, 1],
    [64, 2, 1],
    [125, 2, 1],
    [126, 2, 2],
    [4095, 2, 2],
    [4096, 5, 2],
    [16377, 5, 2],
    [16378, 5, 3],
  ])('a %i-byte string takes a %i-byte encoding and a %i-byte backlen', (length, header, backlen) => {
    const element = 'x'.repeat(length);
    expect(listpackEntrySize(element)).toBe(header + length + backlen);
    expect(encodeListpack([element]).length).toBe(6 + header + length + backlen + 1);
    expect(decodeListpack(encodeListpack([element]))).toEqual([element]);
  });

  it("uses Redis's backlen thresholds (127 → 1 byte, 16382 → 2, 16383 → 3)", () => {
    expect([127, 128, 16382, 16383, 2097150, 2097151].map(backlenSize)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  it('writes count 65535 (unknown) for 65535+ elements and still decodes them', () => {
    const elements = Array.from({ length: 65_536 }, (_, index) => String(index % 100));
    const blob = encodeListpack(elements);
    expect(blob[4]).toBe(0xff);
    expect(blob[5]).toBe(0xff);
    expect(decodeListpack(blob)).toEqual(elements);
  });

  it('decode(encode(elements)) is the elements (property)', () => {
    fc.assert(
      fc.property(fc.array(byteStringArbitrary(5000), { maxLength: 40 }), (elements) => {
        expect(decodeListpack(encodeListpack(elements))).toEqual(elements);
      }),
      propertyParameters('listpack round trip', 200),
    );
  });
});

describe('listpack decoding rejects bad structure', () => {
  const good = (): Uint8Array => encodeListpack(['a', '1000', 'hello']);
  const mutated = (change: (bytes: Uint8Array) => Uint8Array | void): Uint8Array => {
    const bytes = good();
    return change(bytes) ?? bytes;
  };
  it.each([
    ['a total_bytes header that disagrees with the blob size', () => mutated((bytes) => void (bytes[0] = 99))],
    ['a count that disagrees with the entries', () => mutated((bytes) => void (bytes[4] = 4))],
    ['a missing terminator', () => mutated((bytes) => void (bytes[bytes.length - 1] = 0))],
    ['an early 0xFF terminator', () => mutated((bytes) => void (bytes[6] = 0xff))],
    ['a wrong backlen', () => mutated((bytes) => void (bytes[8] = 3))],
    ['an invalid encoding byte 0xF5', () => mutated((bytes) => void (bytes[6] = 0xf5))],
    ['a string entry reaching past the blob', () => mutated((bytes) => void (bytes[6] = 0xbf))],
    ['a 32-bit string length past the blob', () => Uint8Array.from([12, 0, 0, 0, 1, 0, 0xf0, 0xff, 0xff, 0xff, 0x7f, 0xff])],
    ['a blob shorter than a header', () => Uint8Array.from([6, 0, 0, 0, 0])],
  ])('rejects %s', (_name, blob) => {
    expect(() => decodeListpack(blob())).toThrow(BlobFormatError);
  });

  it('accepts an empty listpack (07000000 0000 ff) as zero elements', () => {
    expect(decodeListpack(Uint8Array.from([7, 0, 0, 0, 0, 0, 0xff]))).toEqual([]);
  });
});
