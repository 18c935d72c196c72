/** Goal: intsets use the smallest width, sorted members, and refuse blobs Redis's deep check refuses. */
import { describe, expect, it } from 'vitest';
import { decodeIntset, encodeIntset } from './intset.ts';
import { BlobFormatError } from './rdb-decode-error.ts';

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('intset', () => {
  it("writes the facts' {1,2} example exactly: 02000000 02000000 0100 0200", () => {
    expect(hexOf(encodeIntset([2, 1]))).toBe('020000000200000001000200');
  });

  it.each([
    ['int16 bounds', [-32768, 32767], 2],
    ['one member past int16', [32768, 1], 4],
    ['int32 bounds', [-2147483648, 2147483647], 4],
    ['one member past int32', [-2147483649, 0], 8],
    ['int64 bounds', [-(1n << 63n), (1n << 63n) - 1n], 8],
  ])('%s gives width %i and sorts ascending', (_name, members, width) => {
    const blob = encodeIntset(members);
    expect(blob[0]).toBe(width);
    const sorted = [...members].map(String).sort((left, right) => (BigInt(left) < BigInt(right) ? -1 : 1));
    expect(decodeIntset(blob)).toEqual(sorted);
  });

  it('accepts a wider-than-needed width (Redis does)', () => {
    expect(decodeIntset(Buffer.from('080000000100000005000000' + '00000000', 'hex'))).toEqual(['5']);
  });

  it.each([
    ['width 3', '030000000100000001000000'],
    ['a count that does not match the size', '02000000030000000100' + '0200'],
    ['unsorted members', '0200000002000000' + '0200' + '0100'],
    ['duplicate members', '0200000002000000' + '0100' + '0100'],
    ['a truncated header', '020000'],
  ])('rejects %s', (_name, blobHex) => {
    expect(() => decodeIntset(Buffer.from(blobHex, 'hex'))).toThrow(BlobFormatError);
  });
});
