/**
 * Goal: the encoder's deferred paths (appendEntry, appendEncodedEntry with a record from
 * encodeRdbEntry, flush) produce byte-identical files to entry() per key, whatever mix of them a
 * caller uses, and keep the per-db count checks.
 * Method: a property over generated datasets: each key goes through a randomly chosen path, with
 * flushes at random points; the concatenated chunks must equal encodeRdb's file. Unit tests
 * check the counts and the order rules. Seeds are printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { compareBytes } from '../values/redis-value.ts';
import { encodeRdb } from './rdb-dataset.ts';
import { RdbEncoder, encodeRdbEntry } from './rdb-encoder.ts';
import { datasetArbitrary } from './testing/dataset-arbitrary.ts';

const options = (compression: boolean) => ({ aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 0, compression });
const str = (value: string) => ({ type: 'string', value }) as const;

describe('RdbEncoder deferred entries', () => {
  it('gives the same file as entry() per key for any mix of entry, appendEntry, appendEncodedEntry and flush (property)', () => {
    fc.assert(
      fc.property(datasetArbitrary, fc.boolean(), fc.infiniteStream(fc.integer({ min: 0, max: 3 })), (databases, compression, choices) => {
        const expected = Buffer.concat(encodeRdb(databases, options(compression)));
        const encoder = new RdbEncoder(options(compression));
        const chunks = [encoder.header()];
        const pick = choices[Symbol.iterator]();
        for (const db of [...databases.keys()].sort((left, right) => left - right)) {
          const contents = databases.get(db);
          if (contents === undefined || contents.size === 0) continue;
          const expires = [...contents.values()].filter((entry) => entry.expireAtMs !== null).length;
          chunks.push(encoder.selectDb(db, contents.size, expires));
          for (const key of [...contents.keys()].sort(compareBytes)) {
            const entry = contents.get(key);
            if (entry === undefined) continue;
            const choice = pick.next().value as number;
            if (choice === 0) chunks.push(encoder.entry(key, entry.value, entry.expireAtMs));
            else if (choice === 1) encoder.appendEntry(key, entry.value, entry.expireAtMs);
            else encoder.appendEncodedEntry(encodeRdbEntry(key, entry.value, entry.expireAtMs, compression));
            if (choice === 3) chunks.push(encoder.flush());
          }
        }
        chunks.push(encoder.end());
        const file = Buffer.concat(chunks);
        expect(file.equals(expected)).toBe(true);
        expect(encoder.bytesWritten).toBe(file.length);
      }),
      propertyParameters('rdb encoder deferred entries', 60),
    );
  });

  it('encodes a record on its own exactly as entry() writes it (expiry and no expiry)', () => {
    for (const expireAtMs of [null, 1_795_582_745_241]) {
      const encoder = new RdbEncoder(options(true));
      encoder.header();
      encoder.selectDb(0, 1, expireAtMs === null ? 0 : 1);
      const record = encodeRdbEntry('e', str('v'), expireAtMs, true);
      expect(Buffer.from(record.bytes).equals(Buffer.from(encoder.entry('e', str('v'), expireAtMs)))).toBe(true);
      expect(record.hasExpire).toBe(expireAtMs !== null);
    }
  });

  it('counts appended records against RESIZEDB: one too many throws, one too few fails at end()', () => {
    const over = new RdbEncoder(options(false));
    over.header();
    over.selectDb(0, 1, 0);
    over.appendEncodedEntry(encodeRdbEntry('a', str('1'), null, false));
    expect(() => over.appendEntry('b', str('2'), null)).toThrow(/announced 1 keys/);
    const under = new RdbEncoder(options(false));
    under.header();
    under.selectDb(0, 2, 1);
    under.appendEntry('a', str('1'), 5);
    expect(() => under.end()).toThrow(/key count RESIZEDB announced/);
    const expires = new RdbEncoder(options(false));
    expires.header();
    expires.selectDb(0, 1, 0);
    expires.appendEncodedEntry(encodeRdbEntry('a', str('1'), 5, false));
    expect(() => expires.end()).toThrow(/expires count RESIZEDB announced/);
  });

  it('refuses records before selectDb() and flush() outside header()..end()', () => {
    const encoder = new RdbEncoder(options(false));
    expect(() => encoder.flush()).toThrow(/between header\(\) and end\(\)/);
    encoder.header();
    expect(encoder.flush()).toHaveLength(0);
    expect(() => encoder.appendEntry('a', str('1'), null)).toThrow(/after selectDb/);
  });
});
