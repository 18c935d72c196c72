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

  it('a blob cut inside its count field is refused at byte 4: needs 4 bytes but only 2 remain', () => {
    // width 2 (02000000), then 2 of the 4 bytes of the count
    expect(() => decodeIntset(Buffer.from('020000000100', 'hex'))).toThrow(
      expect.objectContaining({ name: 'BlobFormatError', blobKind: 'intset', position: 4, detail: 'needs 4 bytes but only 2 remain' }),
    );
  });

  // The reason and byte end up in the corrupt-RDB report (the value decoder wraps the BlobFormatError).
  it.each([
    // 8 + 1 * 3 = 11 bytes would fit 3-byte members: refused for the width alone (Redis knows 2, 4 and 8).
    ['width 3 even when the size fits 3-byte members', 0, 'invalid width 3', '03000000' + '01000000' + '010000'],
    ['a count of 3 int16 members in a 12-byte blob', 4, '3 members of 2 bytes need 14 bytes, blob has 12', '02000000' + '03000000' + '0100' + '0200'],
    ['two bytes after the last member', 4, '1 members of 2 bytes need 10 bytes, blob has 12', '02000000' + '01000000' + '0100' + '0000'],
    ['a member below the one before it', 10, 'member 1 is not above the previous member 2', '02000000' + '02000000' + '0200' + '0100'],
  ])('refuses %s at byte %i of the intset: %s', (_name, position, detail, blobHex) => {
    expect(() => decodeIntset(Buffer.from(blobHex, 'hex'))).toThrow(
      expect.objectContaining({ name: 'BlobFormatError', blobKind: 'intset', position, detail }),
    );
  });
});
