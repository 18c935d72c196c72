/**
 * Goal: any dataset survives encode → decode unchanged, the encoding is a fixed point, and the
 * streaming decoder yields the same items however the file is cut into chunks.
 * Method: fast-check datasets (dataset-arbitrary.ts) reaching every encoding; seeds are printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { datasetArbitrary } from './testing/dataset-arbitrary.ts';
import { canonicalDataset, canonicalValue } from './testing/dataset-canonical-form.ts';
import { decodeRdb, encodeRdb } from './rdb-dataset.ts';
import { RdbDecoder } from './rdb-decoder.ts';
import type { RdbItem } from './rdb-items.ts';

const options = (compression: boolean) => ({ aof: false, ctimeSeconds: 1_700_000_000, usedMemory: 123_456, compression });

function itemText(item: RdbItem): unknown {
  if (item.kind === 'key') return [item.kind, item.db, item.key, item.expireAtMs, canonicalValue(item.value)];
  if (item.kind === 'end') return [item.kind, item.checksum, item.rdbLength, String(item.computedChecksum)];
  if (item.kind === 'trailing') return [item.kind, Buffer.from(item.bytes).toString('hex')];
  return item;
}

describe('rdb round trip', () => {
  it.each([true, false])('decode(encode(dataset)) is the dataset, compression %s (property)', (compression) => {
    fc.assert(
      fc.property(datasetArbitrary, (databases) => {
        const file = Buffer.concat(encodeRdb(databases, options(compression)));
        const decoded = decodeRdb(file, 'roundtrip.rdb');
        expect(canonicalDataset(decoded.databases)).toBe(canonicalDataset(databases));
        expect([decoded.checksum, decoded.rdbLength, decoded.skippedEmpty]).toEqual(['verified', file.length, 0]);
      }),
      propertyParameters(`rdb round trip (compression ${compression})`, 60),
    );
  });

  it('encode(decode(encode(dataset))) is byte-identical: the encoding is deterministic (property)', () => {
    fc.assert(
      fc.property(datasetArbitrary, fc.boolean(), (databases, compression) => {
        const file = Buffer.concat(encodeRdb(databases, options(compression)));
        const again = Buffer.concat(encodeRdb(decodeRdb(file, 'again.rdb').databases, options(compression)));
        expect(again.equals(file)).toBe(true);
      }),
      propertyParameters('rdb encoding fixed point', 40),
    );
  });

  it('random chunk sizes give the same items as one push (property)', () => {
    fc.assert(
      fc.property(datasetArbitrary, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 30 }), fc.uint8Array({ maxLength: 40 }), (databases, sizes, tail) => {
        const file = Buffer.concat([...encodeRdb(databases, options(true)), tail]);
        const whole = new RdbDecoder({ fileName: 'whole.rdb' });
        const expected = whole.push(file).filter((item) => item.kind !== 'trailing').map(itemText);
        whole.end();
        const chunked = new RdbDecoder({ fileName: 'chunked.rdb' });
        const items: RdbItem[] = [];
        let at = 0;
        for (let index = 0; at < file.length; index += 1) {
          const size = sizes[index % sizes.length] as number;
          items.push(...chunked.push(file.subarray(at, at + size)));
          at += size;
        }
        const summary = chunked.end();
        const merged = items.filter((item) => item.kind !== 'trailing').map(itemText);
        const trailing = Buffer.concat(items.flatMap((item) => (item.kind === 'trailing' ? [item.bytes] : [])));
        expect(merged).toEqual(expected);
        expect(trailing.equals(Buffer.from(tail))).toBe(true);
        expect(summary.rdbLength + summary.trailingBytes).toBe(file.length);
      }),
      propertyParameters('rdb streaming chunk sizes', 60),
    );
  });
});
