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

  // The reason and byte end up in the corrupt-RDB report (the value decoder wraps the BlobFormatError).
  // corrupt() starts from 20 bytes: header 10, 'a' 00 01 61 at 10, 'bb' 03 02 6262 at 13, '7' 04 f8 at 17, ff.
  // The one-entry ziplists are zlbytes, zltail 10, zllen 1, the entry, ff.
  it.each([
    // Ten bytes hold the header, with zltail 10 (empty) and zllen 65535, but no room for the 0xFF.
    ['a 10-byte blob 0a000000 0a000000 ffff', 0, '10 bytes is shorter than an empty ziplist', '0a000000' + '0a000000' + 'ffff'],
    ['zlbytes 50 on a 20-byte ziplist', 0, 'header says 50 bytes, blob has 20', corrupt((blob) => void (blob[0] = 50))],
    ['zltail 11 when the last entry starts at 17', 4, 'zltail 11 but the last entry starts at 17', corrupt((blob) => void (blob[4] = 11))],
    ['zllen 5 over 3 entries', 8, 'header count 5 but 3 entries', corrupt((blob) => void (blob[8] = 5))],
    ['prevlen 9 after the 3-byte first entry', 13, 'prevlen 9 but the previous entry has 3 bytes', corrupt((blob) => void (blob[13] = 9))],
    // ff 00000000 01 61: a 0xFF where an entry starts ends Redis's entry walk before the blob's end, even
    // when a big-prevlen reading (0xFF + u32le 0) would make a well-formed entry 'a' of it.
    ['a 0xFF prevlen byte', 10, '0xFF terminator before the end of the ziplist', '12000000' + '0a000000' + '0100' + 'ff00000000' + '0161' + 'ff'],
    // 00 c1: prevlen 0 and the encoding byte 0xC1, a whole entry if it were an immediate (Redis: invalid encoding).
    ['the encoding byte 0xC1', 11, 'invalid entry encoding byte 0xc1', '0d000000' + '0a000000' + '0100' + '00c1' + 'ff'],
    ['the encoding byte 0xFF', 11, 'invalid entry encoding byte 0xff', '0d000000' + '0a000000' + '0100' + '00ff' + 'ff'],
  ])('refuses %s at byte %i of the ziplist: %s', (_name, position, detail, blob) => {
    const bytes = typeof blob === 'string' ? Buffer.from(blob, 'hex') : blob;
    expect(() => decodeZiplist(bytes)).toThrow(expect.objectContaining({ name: 'BlobFormatError', blobKind: 'ziplist', position, detail }));
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

  // The reason and byte end up in the corrupt-RDB report (the value decoder wraps the BlobFormatError).
  it.each([
    ['an empty zipmap 00ff', 0, 'empty zipmap', '00ff'],
    ['zmlen 2 over one pair', 0, 'header count 2 but 1 pairs', '02' + '0161' + '01' + '00' + '62' + 'ff'],
    // The end marker is byte 6; the reader stands at byte 7, the first byte after it.
    ['one byte after the end marker', 7, '1 bytes after the end marker', '01' + '0161' + '01' + '00' + '62' + 'ff00'],
  ])('refuses %s at byte %i of the zipmap: %s', (_name, position, detail, blobHex) => {
    expect(() => decodeZipmap(Buffer.from(blobHex, 'hex'))).toThrow(expect.objectContaining({ name: 'BlobFormatError', blobKind: 'zipmap', position, detail }));
  });

  it('takes zmlen 254 as "count unknown" and decodes the one pair that follows', () => {
    // Redis's zipmapValidateIntegrity checks the count only when zm[0] != ZIPMAP_BIGLEN (254).
    expect(decodeZipmap(Buffer.from('fe' + '0161' + '01' + '00' + '62' + 'ff', 'hex'))).toEqual(['a', 'b']);
  });

  it('refuses zmlen 255 over one pair: only 254 means "count unknown"', () => {
    expect(() => decodeZipmap(Buffer.from('ff' + '0161' + '01' + '00' + '62' + 'ff', 'hex'))).toThrow(
      expect.objectContaining({ name: 'BlobFormatError', blobKind: 'zipmap', position: 0, detail: 'header count 255 but 1 pairs' }),
    );
  });

  it('reads a 0xFF value length as a 5-byte length (0xFF + u32le), as Redis 7.0 does', () => {
    // 01 | 01 'a' | ff 00000000 (length 0) | 00 (free) | ff: zipmapGetEncodedLengthSize gives 5 for any
    // length byte >= 254 and zipmapDecodeLength reads the u32le after it, so Redis loads {a: ""}.
    // Only a 0xFF where a field length would start is the end marker.
    expect(decodeZipmap(Buffer.from('01' + '0161' + 'ff00000000' + '00' + 'ff', 'hex'))).toEqual(['a', '']);
  });
});
