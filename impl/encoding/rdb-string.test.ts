/** Goal: RDB lengths and strings are written in the form Redis 7.0 picks, read back from any form, and corrupt forms are refused with kind, offset and a reason naming the field. */
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { readLength, writeLength } from './rdb-length.ts';
import { defaultRdbDecodeLimits } from './rdb-limits.ts';
import { StreamContext } from './rdb-stream-context.ts';
import { readRdbString, writeRdbBytes, writeRdbString } from './rdb-string.ts';

const context = (): StreamContext => new StreamContext('test.rdb', defaultRdbDecodeLimits, undefined);
const written = (write: (writer: ByteWriter) => void): string => {
  const writer = new ByteWriter();
  write(writer);
  return Buffer.from(writer.take()).toString('hex');
};
const readerOf = (hex: string): ByteReader => {
  const bytes = Buffer.from(hex, 'hex');
  return new ByteReader(bytes, 0, bytes.length, { kind: 'stream' });
};
/** The RdbDecodeError a read throws (the test fails if it throws nothing or something else). */
const decodeError = (read: () => unknown): RdbDecodeError => {
  try {
    read();
  } catch (caught) {
    expect(caught).toBeInstanceOf(RdbDecodeError);
    return caught as RdbDecodeError;
  }
  throw new Error('the read was expected to fail');
};

describe('rdb length encoding', () => {
  it.each([
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '8000004000'],
    [0xffffffff, '80ffffffff'],
    [0x100000000, '810000000100000000'],
  ])('writes %i as %s and reads it back', (length, hex) => {
    expect(written((writer) => writeLength(writer, length))).toBe(hex);
    expect(readLength(readerOf(hex), context(), 'length')).toBe(length);
  });

  it.each([
    ['an unknown 10xxxxxx form (0x82)', '82', 'unknown length encoding byte 0x82'],
    ['a 64-bit length of 2^53', '810020000000000000', '64-bit length 9007199254740992 is beyond any possible size'],
    ['a 64-bit length of 2^64 - 1', '81ffffffffffffffff', '64-bit length 18446744073709551615 is beyond any possible size'],
    ['a special encoding where a length belongs', 'c0', 'length: expected a length, found string encoding 0'],
  ])('rejects %s as corrupt at offset 0', (_name, hex, reason) => {
    const error = decodeError(() => readLength(readerOf(hex), context(), 'length'));
    expect([error.kind, error.offset, error.reason]).toEqual(['corrupt', 0, reason]);
  });

  it('reads the 64-bit form up to 2^53 - 1, the largest length a number holds exactly', () => {
    expect(readLength(readerOf('81001fffffffffffff'), context(), 'length')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('rdb string encoding', () => {
  it.each([
    ['0', 'c000'],
    ['-128', 'c080'],
    ['127', 'c07f'],
    ['128', 'c18000'],
    ['12345', 'c13930'],
    ['-32769', 'c2ff7fffff'],
    ['2147483647', 'c2ffffff7f'],
    ['-2147483648', 'c200000080'],
    ['2147483648', '0a32313437343833363438'],
    ['-0', '022d30'],
    ['007', '03303037'],
    ['+1', '022b31'],
    ['bar', '03626172'],
    ['', '00'],
  ])('writes %j as %s', (text, hex) => {
    expect(written((writer) => writeRdbString(writer, text, true))).toBe(hex);
    expect(readRdbString(readerOf(hex), context(), 'string')).toBe(text);
  });

  it('compresses a 21-byte compressible string with LZF (0xC3) but not a 20-byte one', () => {
    expect(written((writer) => writeRdbString(writer, 'a'.repeat(21), true)).slice(0, 2)).toBe('c3');
    expect(written((writer) => writeRdbString(writer, 'a'.repeat(20), true))).toBe('14' + '61'.repeat(20));
  });

  it.each([
    // A listpack or intset blob is never a canonical integer, but the writer is Redis's
    // rdbSaveRawString for any bytes: int-encoded up to 11 bytes, LZF from 21 bytes, else raw.
    ['12345', 'c13930'],
    ['-2147483648', 'c200000080'], // 11 bytes, the longest text that is int-encoded
    ['a'.repeat(20), '14' + '61'.repeat(20)], // compressible, but 20 bytes are never tried with LZF
    // 21 bytes: clen 5, len 21, then literal "a" (00 61) and a back-reference of 20 bytes at distance 1 (e0 0b 00).
    ['a'.repeat(21), 'c30515' + '0061e00b00'],
  ])('writes the bytes of %j with compression on as %s, like the string', (text, hex) => {
    expect(written((writer) => writeRdbBytes(writer, Buffer.from(text, 'latin1'), true))).toBe(hex);
    expect(written((writer) => writeRdbString(writer, text, true))).toBe(hex);
  });

  it("compresses 1,056,001 'a's (far beyond the 4 KiB reused compression buffer) to one literal and 4000 maximal back-references", () => {
    // 1 + 4000 × 264 bytes: literal "a" (00 61), then 4000 back-references of 264 bytes at distance 1
    // (e0 ff 00: length 7 + 255 + 2); clen 12002 = 0x2ee2 (14-bit form 6e e2), len 1056001 = 0x101d01 (32-bit form).
    const text = 'a'.repeat(1 + 4000 * 264);
    const hex = written((writer) => writeRdbString(writer, text, true));
    expect(hex).toBe('c36ee28000101d01' + '0061' + 'e0ff00'.repeat(4000));
    expect(readRdbString(readerOf(hex), context(), 'big')).toBe(text);
  });

  it('writes a compressible string raw when compression is off', () => {
    expect(written((writer) => writeRdbString(writer, 'a'.repeat(40), false))).toBe('28' + '61'.repeat(40));
  });

  it('writes an incompressible string raw even with compression on', () => {
    const text = Buffer.from(Array.from({ length: 200 }, (_, index) => (index * 97 + 13) % 256)).toString('latin1');
    const hex = written((writer) => writeRdbString(writer, text, true));
    expect(hex.slice(0, 4)).toBe('40c8');
    expect(readRdbString(readerOf(hex), context(), 'string')).toBe(text);
  });

  it("reads the facts' LZF 40×'a' (c3 09 28 01 61 61 e0 1b 00 01 61 61)", () => {
    expect(readRdbString(readerOf('c309280161' + '61e01b00016161'), context(), 'big')).toBe('a'.repeat(40));
  });

  it.each([
    ['an unknown string encoding 4', 'c4'],
    ['an LZF declared length impossible for its compressed size', 'c30580ffffffff0061e01e00'],
    ['an LZF stream that decodes to the wrong length', 'c305290061e01e00'],
    ['a string longer than maxStringBytes', '80ffffffff'],
  ])('rejects %s as corrupt, before allocating', (_name, hex) => {
    const error = (() => {
      try {
        readRdbString(readerOf(hex), context(), 'value');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RdbDecodeError);
    expect((error as RdbDecodeError).kind).toBe('corrupt');
  });

  it('reads an LZF string of 0 compressed bytes declaring 0 bytes as the empty string (lzf_decompress returns 0 == len)', () => {
    const reader = readerOf('c30000');
    expect(readRdbString(reader, context(), 'value')).toBe('');
    expect(reader.position).toBe(3);
  });

  it.each([
    ['a special encoding as the LZF compressed length', 'c3c0', 1, 'value (LZF compressed length): expected a length, found string encoding 0'],
    ['a special encoding as the LZF length', 'c305c0', 2, 'value (LZF length): expected a length, found string encoding 0'],
    // At most 88 bytes per compressed byte (a 3-byte back-reference yields 264): 2 bytes cannot make 177.
    ['an LZF length of 177 for 2 compressed bytes', 'c30240b10061', 0, 'value: LZF length 177 is impossible for 2 compressed bytes'],
    // Literal "a" then a back-reference of 7 + 30 + 2 = 39 bytes: 40 bytes, not the 41 declared.
    ['an LZF stream that decodes to 40 bytes where 41 are declared', 'c305290061e01e00', 0, 'value: invalid LZF compressed string: LZF string: decompressed to 40 bytes, declared 41 (at byte 5 of the LZF string)'],
  ])('rejects %s (%s) as corrupt at offset %i, naming the field', (_name, hex, offset, reason) => {
    const error = decodeError(() => readRdbString(readerOf(hex), context(), 'value'));
    expect([error.kind, error.offset, error.reason]).toEqual(['corrupt', offset, reason]);
  });

  it('rejects LZF data beyond the totalBytes hint as truncated, naming the LZF data', () => {
    const hinted = new StreamContext('hint.rdb', defaultRdbDecodeLimits, 4);
    const error = decodeError(() => readRdbString(readerOf('c30528'), hinted, 'value'));
    expect([error.kind, error.offset, error.reason]).toEqual(['truncated', 0, 'value (LZF data) needs 5 bytes but the file has 1 left']);
  });

  it("an LZF string may decompress to exactly maxStringBytes, not one byte more (the facts' 40×'a')", () => {
    const hex = 'c309280161' + '61e01b00016161';
    const limited = (maxStringBytes: number): StreamContext => new StreamContext('limit.rdb', { ...defaultRdbDecodeLimits, maxStringBytes }, undefined);
    expect(readRdbString(readerOf(hex), limited(40), 'value')).toBe('a'.repeat(40));
    const error = decodeError(() => readRdbString(readerOf(hex), limited(39), 'value'));
    expect([error.kind, error.offset, error.reason]).toEqual(['corrupt', 0, 'value: LZF length 40 is impossible for 9 compressed bytes']);
  });

  it.each([0, 1, 63, 64, 100, 16383, 16384, 70000])('reads back a raw %i-byte string, binary bytes included', (length) => {
    const text = Buffer.from(Array.from({ length }, (_, index) => (index * 131 + 7) % 256)).toString('latin1');
    const hex = written((writer) => writeRdbString(writer, text, false));
    const reader = readerOf(hex);
    expect(readRdbString(reader, context(), 'string')).toBe(text);
    expect(reader.position).toBe(hex.length / 2);
  });

  it('rejects a 14-bit length beyond the totalBytes hint as truncated, like the other forms', () => {
    const hinted = new StreamContext('hint.rdb', defaultRdbDecodeLimits, 50);
    expect(() => readRdbString(readerOf('4064'), hinted, 'value')).toThrow(/truncated RDB at offset 0: value needs 100 bytes but the file has 48 left/);
  });

  it('rejects a length beyond the totalBytes hint as truncated, before buffering it', () => {
    const hinted = new StreamContext('hint.rdb', defaultRdbDecodeLimits, 100);
    expect(() => readRdbString(readerOf('8000100000'), hinted, 'value')).toThrow(/truncated RDB at offset 0: value needs 1048576 bytes but the file has 95 left/);
  });
});
