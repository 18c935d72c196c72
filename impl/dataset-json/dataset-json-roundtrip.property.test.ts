/**
 * Goal: datasetFromJson(datasetToJson(d)) is d for any dataset — binary and UTF-8 keys, fields,
 * members and values, keys that start with "base64:", every type, TTLs, -0 and infinite scores,
 * several databases — and the text is canonical: independent of insertion order, a fixed point
 * of parse → write, and valid JSON for JSON.parse.
 * Method: fast-check datasets (the RDB arbitrary's values plus JSON-specific byte strings, and
 * the RDB arbitrary itself for large collections); seeds are printed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { datasetArbitrary } from '../encoding/testing/dataset-arbitrary.ts';
import { canonicalDataset } from '../encoding/testing/dataset-canonical-form.ts';
import { datasetFromJson } from './dataset-from-json.ts';
import { datasetToJson } from './dataset-to-json.ts';
import { jsonDatasetArbitrary } from './testing/json-dataset-arbitrary.ts';

/** The same data with every Map and Set rebuilt in reverse insertion order. */
function reversed(databases: Map<number, DatabaseContents>): Map<number, DatabaseContents> {
  return new Map(
    [...databases].reverse().map(([db, contents]) => [
      db,
      new Map(
        [...contents].reverse().map(([key, entry]) => {
          const value = entry.value;
          if (value.type === 'hash') return [key, { ...entry, value: { type: 'hash', fields: new Map([...value.fields].reverse()) } }];
          if (value.type === 'set') return [key, { ...entry, value: { type: 'set', members: new Set([...value.members].reverse()) } }];
          if (value.type === 'zset') return [key, { ...entry, value: { type: 'zset', scores: new Map([...value.scores].reverse()) } }];
          return [key, entry];
        }),
      ),
    ]),
  );
}

describe('dataset JSON round trip', () => {
  it.each([
    ['JSON-specific byte strings', jsonDatasetArbitrary, 200],
    ['the RDB dataset arbitrary (large collections)', datasetArbitrary, 40],
  ] as const)('datasetFromJson(datasetToJson(d)) is d, over %s (property)', (name, arbitrary, runs) => {
    fc.assert(
      fc.property(arbitrary, (databases) => {
        const text = datasetToJson(databases);
        expect(canonicalDataset(datasetFromJson(text, 'roundtrip.json'))).toBe(canonicalDataset(databases));
      }),
      propertyParameters(`dataset json round trip (${name})`, runs),
    );
  });

  it('the text is canonical: insertion order does not matter, parse → write is a fixed point, JSON.parse accepts it (property)', () => {
    fc.assert(
      fc.property(jsonDatasetArbitrary, (databases) => {
        const text = datasetToJson(databases);
        expect(datasetToJson(reversed(databases))).toBe(text);
        expect(datasetToJson(datasetFromJson(text, 'again.json'))).toBe(text);
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        expect(text.endsWith('}\n')).toBe(true);
      }),
      propertyParameters('dataset json canonical text', 200),
    );
  });
});
