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
    // 2^53 + 1 = 0x0020000000000001 has no exact double: the int64 must come from the digits.
    ['9007199254740993', 'f4010000000000200009'],
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

  it("uses Redis's backlen thresholds (127 → 1 byte, 16382 → 2, 16383 → 3, 2097151 → 4, 268435455 → 5)", () => {
    // lpEncodeBacklen: <= 127, < 16383, < 2097151, < 268435455, else 5 bytes.
    expect([127, 128, 16382, 16383, 2097150, 2097151, 268435454, 268435455].map(backlenSize)).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
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

  // The reason and byte end up in the corrupt-RDB report (the value decoder wraps the BlobFormatError).
  // good() is 20 bytes: header 6, 'a' 81 61 02, '1000' as 13-bit int c3 e8 02, 'hello' 85 68656c6c6f 06, ff.
  it.each([
    // Six bytes hold the header, and its count 65535 needs no entries, but there is no room for the 0xFF.
    ['a 6-byte blob 06000000 ffff', 0, '6 bytes is shorter than an empty listpack', () => Uint8Array.from([6, 0, 0, 0, 0xff, 0xff])],
    ['a total_bytes of 99 on a 20-byte listpack', 0, 'header says 99 bytes, blob has 20', () => mutated((bytes) => void (bytes[0] = 99))],
    ['a count of 4 over 3 entries', 4, 'header count 4 but 3 entries', () => mutated((bytes) => void (bytes[4] = 4))],
    ['a 0xFF where the first entry starts', 6, '0xFF terminator before the end of the listpack', () => mutated((bytes) => void (bytes[6] = 0xff))],
    // 09000000 0100 f5 01 ff: a one-byte entry with a correct backlen, refused for its encoding byte alone.
    ['the encoding byte 0xF5 (no such encoding)', 6, 'invalid entry encoding byte 0xf5', () => Uint8Array.from([9, 0, 0, 0, 1, 0, 0xf5, 0x01, 0xff])],
    // A 126-byte string is e0 7e + 126 bytes = 128 bytes, backlen 01 80. With 01 00, the backlen read from its
    // end stops at the 00 (no 0x80 flag): 0 in 1 byte, as Redis's lpDecodeBacklen reads it too.
    [
      'a 2-byte backlen whose last byte lacks the 0x80 flag',
      6,
      'backlen 0 does not match entry size 128',
      () => {
        const bytes = encodeListpack(['x'.repeat(126)]);
        bytes[bytes.length - 2] = 0x00;
        return bytes;
      },
    ],
  ])('refuses %s at byte %i of the listpack: %s', (_name, position, detail, blob) => {
    expect(() => decodeListpack(blob())).toThrow(expect.objectContaining({ name: 'BlobFormatError', blobKind: 'listpack', position, detail }));
  });

  it('accepts an empty listpack (07000000 0000 ff) as zero elements', () => {
    expect(decodeListpack(Uint8Array.from([7, 0, 0, 0, 0, 0, 0xff]))).toEqual([]);
  });
});

describe('listpack backlens as Redis 7.0 validates them', () => {
  // Redis's deep check (lpValidateNext) decodes the backlen from its last byte backwards with
  // lpDecodeBacklen, stopping at the first byte without the 0x80 flag, and compares only the value.
  it('accepts a 16378-byte string (entry size 16383) whose 3-byte backlen 00 ff ff is written 00 7f ff', () => {
    const element = 'x'.repeat(16_378); // f0 + u32le length + 16378 bytes = 16383, backlen 00 ff ff
    const blob = encodeListpack([element]);
    expect(hexOf(blob.subarray(-4))).toBe('00ffffff');
    blob[blob.length - 3] = 0x7f; // read from the end: ff (127, flagged) then 7f (127 * 128, unflagged) = 16383
    expect(decodeListpack(blob)).toEqual([element]);
  });

  it('refuses a 126-byte string whose 2-byte backlen 01 80 is written 81 80: the flags run on into the data byte 78', () => {
    const blob = encodeListpack(['x'.repeat(126)]); // e0 7e + 126 x 'x' = 128 bytes, backlen 01 80
    blob[blob.length - 3] = 0x81;
    // From the end: 80 (0, flagged), 81 (1 * 128, flagged), 78 (120 * 128^2, unflagged) = 1966208.
    expect(() => decodeListpack(blob)).toThrow(expect.objectContaining({ name: 'BlobFormatError', blobKind: 'listpack', position: 6, detail: 'backlen 1966208 does not match entry size 128' }));
  });

  it('refuses a backlen whose flag runs on over 5 bytes (126 bytes of 0xff, backlen 01 80 written ff ff)', () => {
    const blob = encodeListpack(['\xff'.repeat(126)]);
    blob[blob.length - 3] = 0xff;
    blob[blob.length - 2] = 0xff;
    expect(() => decodeListpack(blob)).toThrow(
      expect.objectContaining({ name: 'BlobFormatError', blobKind: 'listpack', position: 6, detail: 'backlen has a continuation flag on all 5 bytes (entry size 128)' }),
    );
  });
});
