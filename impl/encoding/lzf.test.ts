/** Goal: our LZF compressor and decompressor agree with each other and with Redis's byte format. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { lzfCompress, lzfDecompress } from './lzf.ts';
import { BlobFormatError } from './rdb-decode-error.ts';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('lzf', () => {
  it("decodes Redis's own 40×'a' stream (01 61 61 e0 1b 00 01 61 61)", () => {
    const output = lzfDecompress(hex('01 61 61 e0 1b 00 01 61 61'), 40);
    expect(Buffer.from(output).toString('latin1')).toBe('a'.repeat(40));
  });

  it("compresses 40×'a' to at most Redis's 9 bytes, and that output round-trips", () => {
    const input = Buffer.from('a'.repeat(40));
    const compressed = lzfCompress(input, input.length - 4);
    expect(compressed).toBeDefined();
    expect(compressed?.length).toBeLessThanOrEqual(9);
    expect(Buffer.from(lzfDecompress(compressed ?? new Uint8Array(), 40)).equals(input)).toBe(true);
  });

  it('round-trips any input it compresses, within the output limit (property)', () => {
    const input = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2000 }),
      fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 800 })).map(([unit, count]) => Uint8Array.from(Array.from({ length: count }, () => [...unit]).flat())),
      fc.array(fc.constantFrom(0, 1, 97), { minLength: 1, maxLength: 20_000 }).map((bytes) => Uint8Array.from(bytes)),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        const limit = bytes.length + bytes.length / 32 + 1;
        const compressed = lzfCompress(bytes, limit);
        expect(compressed).toBeDefined();
        if (compressed === undefined) return;
        expect(compressed.length).toBeLessThanOrEqual(limit);
        expect(Buffer.from(lzfDecompress(compressed, bytes.length)).equals(Buffer.from(bytes))).toBe(true);
      }),
      propertyParameters('lzf round trip', 300),
    );
  });

  it('gives up (undefined) when the output would exceed maxOutput: incompressible 256 distinct bytes, limit len-4', () => {
    const input = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(lzfCompress(input, input.length - 4)).toBeUndefined();
  });

  it('is deterministic: the same input compresses to the same bytes after other inputs', () => {
    const input = Buffer.from('abcabcabcabcabcabcabcabc-hello-hello-hello');
    const first = lzfCompress(input, 100);
    lzfCompress(Buffer.from('hello-hello-abcabc-xyzxyzxyzxyz'), 100);
    expect(lzfCompress(input, 100)).toEqual(first);
  });

  it.each([
    ['a literal run past the input end', '05 61 61', 6],
    ['a back-reference before the start', '20 05', 3],
    ['a back-reference missing its offset byte', '01 61 61 20', 5],
    ['a long back-reference missing its length byte', '01 61 61 e0', 12],
    ['output longer than declared', '01 61 61 e0 1b 00 01 61 61', 39],
    ['output shorter than declared', '01 61 61 e0 1b 00 01 61 61', 41],
  ])('rejects %s with a BlobFormatError', (_name, stream, length) => {
    expect(() => lzfDecompress(hex(stream), length)).toThrow(BlobFormatError);
  });
});
