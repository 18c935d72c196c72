/**
 * Goal: no input makes the decoder crash, hang, allocate without bound or load silently wrong.
 * Every truncation of a valid file ends in a 'truncated' RdbDecodeError; every single-byte flip
 * ends in an RdbDecodeError when the CRC is verified, and without verification either in an
 * RdbDecodeError or in a load whose stored CRC-64 disagrees with the computed one (so Redis, which
 * verifies, would refuse it). Any other exception type fails the property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { datasetArbitrary } from './testing/dataset-arbitrary.ts';
import { encodeRdb } from './rdb-dataset.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { RdbDecoder } from './rdb-decoder.ts';

const fileArbitrary = fc.tuple(datasetArbitrary, fc.boolean()).map(([databases, compression]) =>
  Buffer.concat(encodeRdb(databases, { aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 1 << 20, compression })),
);

type Outcome = { readonly kind: 'error'; readonly error: RdbDecodeError } | { readonly kind: 'loaded'; readonly crcWouldReject: boolean };

/** Decodes in chunks; any exception other than RdbDecodeError propagates and fails the test. */
function outcomeOf(bytes: Uint8Array, verifyChecksum: boolean, chunkSize = bytes.length, totalBytes?: number): Outcome {
  const decoder = new RdbDecoder({ fileName: 'bad.rdb', verifyChecksum, totalBytes });
  let crcWouldReject = false;
  try {
    for (let at = 0; at < bytes.length || at === 0; at += Math.max(1, chunkSize)) {
      for (const item of decoder.push(bytes.subarray(at, at + chunkSize))) {
        if (item.kind === 'end') crcWouldReject = item.storedChecksum !== null && item.storedChecksum !== 0n && item.storedChecksum !== item.computedChecksum;
      }
    }
    decoder.end();
  } catch (error) {
    if (error instanceof RdbDecodeError) return { kind: 'error', error };
    throw error;
  }
  return { kind: 'loaded', crcWouldReject };
}

/** Cut points: all of them for small files, else the first/last 50 and 100 spread between. */
function cutPoints(length: number): number[] {
  if (length <= 2000) return Array.from({ length }, (_, index) => index);
  const points = new Set<number>();
  for (let index = 0; index < 100; index += 1) {
    if (index < 50) points.add(index);
    if (index < 50) points.add(length - 1 - index);
    points.add(Math.floor((index * length) / 100));
  }
  return [...points].filter((point) => point < length);
}

describe('bad input', () => {
  it('every truncation point of a valid file is a truncated RdbDecodeError, with and without the size hint (property)', () => {
    fc.assert(
      fc.property(fileArbitrary, fc.integer({ min: 1, max: 512 }), (file, chunkSize) => {
        for (const cut of cutPoints(file.length)) {
          const prefix = file.subarray(0, cut);
          for (const outcome of [outcomeOf(prefix, true), outcomeOf(prefix, true, chunkSize), outcomeOf(prefix, true, prefix.length, prefix.length)]) {
            expect(outcome.kind === 'error' && outcome.error.kind).toBe('truncated');
          }
        }
      }),
      propertyParameters('rdb truncation points', 20),
    );
  });

  it('a single-byte change anywhere is an RdbDecodeError when the CRC is verified (property)', () => {
    fc.assert(
      fc.property(fileArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.integer({ min: 1, max: 4096 }), (file, at, mask, chunkSize) => {
        const bad = Buffer.from(file);
        const index = at % bad.length;
        bad[index] = (bad[index] as number) ^ mask;
        expect(outcomeOf(bad, true, chunkSize).kind).toBe('error');
      }),
      propertyParameters('rdb single-byte flip, CRC verified', 400),
    );
  });

  it('without CRC verification, a single-byte change is an RdbDecodeError or a load the CRC would reject (property)', () => {
    fc.assert(
      fc.property(fileArbitrary, fc.nat(), fc.integer({ min: 1, max: 255 }), (file, at, mask) => {
        const bad = Buffer.from(file);
        const index = at % bad.length;
        bad[index] = (bad[index] as number) ^ mask;
        const outcome = outcomeOf(bad, false);
        if (outcome.kind === 'loaded') expect(outcome.crcWouldReject).toBe(true);
      }),
      propertyParameters('rdb single-byte flip, CRC not verified', 400),
    );
  });

  it('random overwrites of up to 16 bytes end in an error or a CRC-rejected load, never another exception (property)', () => {
    fc.assert(
      fc.property(fileArbitrary, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), (file, writes) => {
        const bad = Buffer.from(file);
        for (const [at, value] of writes) bad[at % bad.length] = value;
        if (bad.equals(file)) return;
        const outcome = outcomeOf(bad, false, 97);
        if (outcome.kind === 'loaded') expect(outcome.crcWouldReject).toBe(true);
      }),
      propertyParameters('rdb random overwrites', 300),
    );
  });

  it('every position × masks 0x01, 0x80, 0xFF of one mixed file is rejected with the CRC verified', () => {
    const file = fc.sample(fileArbitrary.filter((bytes) => bytes.length > 500 && bytes.length < 4000), { numRuns: 1, seed: 7 })[0] ?? Buffer.alloc(0);
    expect(file.length).toBeGreaterThan(500);
    for (let index = 0; index < file.length; index += 1) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(file);
        bad[index] = (bad[index] as number) ^ mask;
        expect(outcomeOf(bad, true).kind).toBe('error');
      }
    }
  });
});
