/** Goal: RDB lengths and strings are written in the form Redis 7.0 picks, and read back from any form. */
import { describe, expect, it } from 'vitest';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { readLength, writeLength } from './rdb-length.ts';
import { defaultRdbDecodeLimits } from './rdb-limits.ts';
import { StreamContext } from './rdb-stream-context.ts';
import { readRdbString, writeRdbString } from './rdb-string.ts';

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
    ['an unknown 10xxxxxx form (0x82)', '82'],
    ['a 64-bit length above 2^53', '81ffffffffffffffff'],
    ['a special encoding where a length belongs', 'c0'],
  ])('rejects %s as corrupt', (_name, hex) => {
    expect(() => readLength(readerOf(hex), context(), 'length')).toThrow(RdbDecodeError);
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
