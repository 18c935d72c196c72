/** Goal: ziplists and zipmaps (load-only) decode as Redis 7.0 reads them and bad ones are refused. */
import { describe, expect, it } from 'vitest';
import { ziplistOf, zipmapOf } from './testing/legacy-blob-builder.ts';
import { BlobFormatError } from './rdb-decode-error.ts';
import { decodeZiplist } from './ziplist.ts';
import { decodeZipmap } from './zipmap.ts';

describe('ziplist decoding', () => {
  const elements = ['a', '0', '12', '13', '-1', '-128', '300', '-40000', '8000000', '-2000000000', '9000000000', 'x'.repeat(70), 'y'.repeat(20_000), ''];

  it('decodes every ziplist encoding: immediate 0..12, int8/16/24/32/64, 6/14/32-bit strings, big prevlen', () => {
    expect(decodeZiplist(ziplistOf(elements))).toEqual(elements);
  });

  it('decodes an empty ziplist (0b000000 0a000000 0000 ff) as zero elements', () => {
    expect(decodeZiplist(Buffer.from('0b0000000a0000000000ff', 'hex'))).toEqual([]);
  });

  it('accepts zllen 65535 (count unknown)', () => {
    const blob = ziplistOf(['a', 'b']);
    blob[8] = 0xff;
    blob[9] = 0xff;
    expect(decodeZiplist(blob)).toEqual(['a', 'b']);
  });

  const corrupt = (change: (blob: Uint8Array) => void): Uint8Array => {
    const blob = ziplistOf(['a', 'bb', '7']);
    change(blob);
    return blob;
  };
  it.each([
    ['zlbytes other than the blob size', corrupt((blob) => void (blob[0] = 50))],
    ['zltail not at the last entry', corrupt((blob) => void (blob[4] = 11))],
    ['zllen other than the entry count', corrupt((blob) => void (blob[8] = 5))],
    ['a wrong prevlen', corrupt((blob) => void (blob[13] = 9))],
    ['an invalid encoding byte 0xC1', corrupt((blob) => void (blob[11] = 0xc1))],
    ['a missing terminator', corrupt((blob) => void (blob[blob.length - 1] = 0))],
    ['an early terminator', corrupt((blob) => void (blob[10] = 0xff))],
    ['a string length past the blob', corrupt((blob) => void (blob[11] = 0x3f))],
    ['a blob shorter than the header', Uint8Array.from([11, 0, 0, 0])],
  ])('rejects %s', (_name, blob) => {
    expect(() => decodeZiplist(blob)).toThrow(BlobFormatError);
  });
});

describe('zipmap decoding', () => {
  it('decodes pairs, 5-byte lengths and free bytes after values', () => {
    const pairs: [string, string][] = [
      ['f1', 'v1'],
      ['long', 'x'.repeat(300)],
    ];
    expect(decodeZipmap(zipmapOf(pairs, 3))).toEqual(pairs.flat());
  });

  it("decodes the classic example \\x02\\x03foo\\x03\\x00bar\\x05hello\\x05\\x00world\\xff", () => {
    expect(decodeZipmap(Buffer.from('\x02\x03foo\x03\x00bar\x05hello\x05\x00world\xff', 'latin1'))).toEqual(['foo', 'bar', 'hello', 'world']);
  });

  it.each([
    ['an empty zipmap (Redis 7.0 always deep-checks zipmaps and refuses it)', '00ff'],
    ['a count other than the pairs', '02' + '0161' + '01' + '00' + '62' + 'ff'],
    ['bytes after the end marker', '01' + '0161' + '01' + '00' + '62' + 'ff00'],
    ['a value length past the blob', '01' + '0161' + '09' + '00' + '62' + 'ff'],
    ['an end marker inside a pair', '01' + '0161' + 'ff'],
  ])('rejects %s', (_name, blobHex) => {
    expect(() => decodeZipmap(Buffer.from(blobHex, 'hex'))).toThrow(BlobFormatError);
  });
});
