/** Goal: the CRC-64 matches Redis's check values and is incremental, as the RDB trailer needs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { Crc64, crc64, readChecksumLE } from './crc64.ts';

const lorem =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ' +
  'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor ' +
  'in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, ' +
  'sunt in culpa qui officia deserunt mollit anim id est laborum.';

describe('crc64 (Jones, Redis parameters)', () => {
  it('check("123456789") is 0xE9C6D914C4B8D9CA', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });

  it('check(lorem ipsum with its trailing NUL) is 0xC7794709E69683B3', () => {
    expect(crc64(Buffer.from(`${lorem}\0`, 'latin1'))).toBe(0xc7794709e69683b3n);
  });

  it('the empty input has checksum 0 (init 0, xorout 0)', () => {
    expect(crc64(new Uint8Array(0))).toBe(0n);
  });

  it('the minimal RDB "REDIS0010" + EOF has trailer a9 fd 37 fe 89 a7 7e eb', () => {
    const digest = new Crc64().update(Buffer.from('REDIS0010\xff', 'latin1')).digestBytes();
    expect(Buffer.from(digest).toString('hex')).toBe('a9fd37fe89a77eeb');
    expect(readChecksumLE(digest, 0)).toBe(0xeb7ea789fe37fda9n);
  });

  it('readChecksumLE reads the 8 little-endian bytes at an offset, also inside a subarray of a larger buffer', () => {
    const file = new Uint8Array([0xaa, 0xbb, 0x52, 0x45, 0x44, 0x49, 0x53, 0xff, 0xa9, 0xfd, 0x37, 0xfe, 0x89, 0xa7, 0x7e, 0xeb, 0xcc]);
    expect(readChecksumLE(file, 8)).toBe(0xeb7ea789fe37fda9n);
    const view = file.subarray(2, 16);
    expect(readChecksumLE(view, 6)).toBe(0xeb7ea789fe37fda9n);
    expect(readChecksumLE(view, 0)).toBe(0xfda9ff5349444552n);
  });

  it('updating chunk by chunk equals one update over the concatenation (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
        const incremental = new Crc64();
        for (const chunk of chunks) incremental.update(chunk);
        expect(incremental.digest()).toBe(crc64(Buffer.concat(chunks)));
      }),
      propertyParameters('crc64 incremental', 200),
    );
  });

  it('equals the bit-by-bit definition for any input, 8-byte blocks and tail alike (property)', () => {
    const bitwise = (bytes: Uint8Array): bigint => {
      let crc = 0n;
      for (const byte of bytes) {
        crc ^= BigInt(byte);
        for (let bit = 0; bit < 8; bit += 1) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
      }
      return crc;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, split) => {
        const at = bytes.length === 0 ? 0 : split % bytes.length;
        const padded = new Uint8Array(bytes.length + 3).fill(7);
        padded.set(bytes, 3);
        const offsetView = padded.subarray(3);
        expect(crc64(bytes)).toBe(bitwise(bytes));
        expect(crc64(offsetView)).toBe(bitwise(bytes));
        expect(new Crc64().update(bytes.subarray(0, at)).update(bytes.subarray(at)).digest()).toBe(bitwise(bytes));
      }),
      propertyParameters('crc64 matches the bitwise definition', 300),
    );
  });

  it('a single flipped bit changes the checksum (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (bytes, at, bit) => {
        const flipped = Uint8Array.from(bytes);
        const index = at % bytes.length;
        flipped[index] = (flipped[index] as number) ^ (1 << bit);
        expect(crc64(flipped)).not.toBe(crc64(bytes));
      }),
      propertyParameters('crc64 detects a bit flip', 200),
    );
  });
});
