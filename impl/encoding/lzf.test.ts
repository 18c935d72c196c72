/**
 * Goal: our LZF compressor and decompressor agree with each other and with Redis's byte format, the
 * compressor finds the matches LZF can express (so RDB files are as small as Redis's), and the
 * decompressor refuses every malformed stream with a BlobFormatError naming where and why.
 * Method: round trips, exact compressed bytes for inputs whose best LZF encoding is derived by hand,
 * and hand-made malformed streams.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { lzfCompress, lzfDecompress } from './lzf.ts';
import { BlobFormatError } from './rdb-decode-error.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const latin1 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'latin1'));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
/** Hex text of a compressor result: long outputs compare fast, and a mismatch shows where. */
const hexOf = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));

/**
 * `length` bytes in which no 3-byte sequence occurs twice (a big-endian 16-bit counter 0, 1, 2, ...),
 * so LZF, whose shortest back-reference copies 3 bytes, can only store them as literals.
 */
function noRepeatedTriples(length: number): Uint8Array {
  const bytes = Uint8Array.from({ length }, (_, index) => (index % 2 === 0 ? index >> 9 : (index >> 1) & 0xff));
  const triples = new Set<number>();
  for (let at = 0; at + 2 < length; at += 1) triples.add((bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!);
  expect(triples.size, 'precondition: every 3-byte sequence is distinct').toBe(Math.max(0, length - 2));
  return bytes;
}

/** The all-literal LZF encoding: runs of at most 32 bytes, each after a control byte run-length - 1. */
function literalRuns(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 32) {
    const run = bytes.subarray(at, at + 32);
    parts.push(Uint8Array.of(run.length - 1), run);
  }
  return concat(...parts);
}

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

  // position is the offset in the stream where decoding stopped (after the bytes read for the
  // faulty item); detail is the reason the RDB loader puts in its 'invalid LZF compressed string' error.
  it.each([
    { name: 'a literal run past the input end', stream: '05 61 61', length: 6, position: 1, detail: 'literal run overruns the compressed input' },
    { name: 'a back-reference before the start', stream: '20 05', length: 3, position: 2, detail: 'back-reference 6 bytes before the start' },
    { name: 'a back-reference missing its offset byte', stream: '01 61 61 20', length: 5, position: 4, detail: 'back-reference offset byte missing' },
    { name: 'a long back-reference missing its length byte', stream: '01 61 61 e0', length: 12, position: 4, detail: 'back-reference length byte missing' },
    { name: 'a literal run past the declared length', stream: '01 61 61 e0 1b 00 01 61 61', length: 39, position: 7, detail: 'literal run overruns the declared length' },
    // literal "a", then a back-reference of 7+0x1e+2 = 39 bytes at distance 1: 40 bytes, not 30
    { name: 'a back-reference past the declared length', stream: '00 61 e0 1e 00', length: 30, position: 5, detail: 'back-reference overruns the declared length' },
    { name: 'output shorter than declared', stream: '01 61 61 e0 1b 00 01 61 61', length: 41, position: 9, detail: 'decompressed to 40 bytes, declared 41' },
  ])('rejects $name (declared length $length) with a BlobFormatError at stream byte $position, saying why', ({ stream, length, position, detail }) => {
    let caught: unknown;
    try {
      lzfDecompress(hex(stream), length);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BlobFormatError);
    expect(caught).toMatchObject({ blobKind: 'LZF string', position, detail });
  });
});

describe('lzf compressor output (exact bytes for inputs analysed by hand)', () => {
  it('a 26-letter alphabet written twice compresses to one 26-byte literal run and one back-reference of 26 at distance 26 (30 bytes)', () => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz';
    // 19 = run of 26; e0 11 19 = long back-reference: length 7+0x11+2 = 26, distance 0x19+1 = 26
    const expected = concat(hex('19'), latin1(alphabet), hex('e0 11 19'));
    expect(lzfCompress(latin1(alphabet + alphabet), 100)).toEqual(expected);
  });

  it('a repeat that starts inside the input is found ("one two three two three" gives 16 bytes: "e two three" again 10 bytes on)', () => {
    // 0b "one two thre" (run of 12), then e0 02 09 = length 7+2+2 = 11 at distance 9+1 = 10
    const expected = concat(hex('0b'), latin1('one two thre'), hex('e0 02 09'));
    expect(lzfCompress(latin1('one two three two three'), 100)).toEqual(expected);
  });

  it('a repeat found inside an earlier match is referenced at its nearest copy ("abcdefgh-abcdefgh+cdefgh" gives 16 bytes, last distance 7)', () => {
    // 08 "abcdefgh-" (run of 9); c0 08 = length 6+2 = 8 at distance 9; 00 "+"; 80 06 = length 4+2 = 6 at
    // distance 7: the nearest "cdefgh" lies inside the copied second "abcdefgh", not 16 bytes back in the first.
    const expected = concat(hex('08'), latin1('abcdefgh-'), hex('c0 08 00'), latin1('+'), hex('80 06'));
    expect(lzfCompress(latin1('abcdefgh-abcdefgh+cdefgh'), 100)).toEqual(expected);
  });

  it('40×"a" compresses to exactly 5 bytes (00 61 e0 1e 00), which fits a limit of 5 but not of 4', () => {
    // literal "a", then one back-reference of 7+0x1e+2 = 39 bytes at distance 1
    const input = latin1('a'.repeat(40));
    expect(lzfCompress(input, 5)).toEqual(hex('00 61 e0 1e 00'));
    expect(lzfCompress(input, 4)).toBeUndefined();
  });

  it('300×"a" needs two back-references: the longest LZF can express (264 bytes) and the remaining 35 (8 bytes)', () => {
    // 00 61 literal "a"; e0 ff 00 = length 7+255+2 = 264 at distance 1; e0 1a 00 = length 7+26+2 = 35 at distance 1
    const input = latin1('a'.repeat(300));
    const compressed = lzfCompress(input, 300);
    expect(compressed).toEqual(hex('00 61 e0 ff 00 e0 1a 00'));
    expect(Buffer.from(lzfDecompress(compressed ?? new Uint8Array(), 300)).equals(input)).toBe(true);
  });

  it('a repeat exactly 8192 bytes back (the farthest LZF reaches) is one back-reference; 8193 bytes back it is stored as literals', () => {
    const near = noRepeatedTriples(8192);
    // 256 full literal runs of the unique bytes, then df ff = length 6+2 = 8 at distance 0x1fff+1 = 8192
    expect(hexOf(lzfCompress(concat(near, near.subarray(0, 8)), 10_000))).toBe(hexOf(concat(literalRuns(near), hex('df ff'))));
    const far = noRepeatedTriples(8193);
    const farInput = concat(far, far.subarray(0, 8));
    expect(hexOf(lzfCompress(farInput, 10_000))).toBe(hexOf(literalRuns(farInput)));
  });

  it.each([
    [32, '1f <32 bytes>'],
    [33, '1f <32 bytes> 00 <1 byte>'],
    [34, '1f <32 bytes> 01 <2 bytes>'],
  ])('%i bytes with no repeated 3-byte sequence compress to full 32-byte literal runs (%s), also right after another string', (length) => {
    const input = noRepeatedTriples(length);
    // The compressor reuses its work buffer: the string before leaves 00, not 1f, where this output's first control byte goes.
    expect(lzfCompress(latin1('a'.repeat(40)), 5)).toEqual(hex('00 61 e0 1e 00'));
    expect(lzfCompress(input, 100)).toEqual(literalRuns(input));
  });

  it('an empty input is not compressed (undefined), as liblzf returns 0 for it', () => {
    expect(lzfCompress(new Uint8Array(0), 10)).toBeUndefined();
  });

  it("a fresh process's first compression of 9000 unrepeating bytes gives all 9282 bytes of the worst case and round-trips", async () => {
    // A fresh module instance: the compressor's reusable work buffer starts at its initial size, as
    // it does for the first string a durakv process compresses.
    vi.resetModules();
    const fresh = await import('./lzf.ts');
    const input = noRepeatedTriples(9000);
    const limit = 9000 + Math.ceil(9000 / 32) + 1; // the output bound the compressor asserts
    const compressed = fresh.lzfCompress(input, limit);
    expect(hexOf(compressed)).toBe(hexOf(literalRuns(input))); // 9000 bytes + 282 control bytes
    expect(Buffer.from(fresh.lzfDecompress(compressed ?? new Uint8Array(), 9000)).equals(Buffer.from(input))).toBe(true);
  });
});
