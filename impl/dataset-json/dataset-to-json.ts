/**
 * Writes a dataset as canonical dataset JSON (docs/dataset-json.md).
 *
 * Invariants:
 * - Canonical: the text is a function of the data alone, never of Map/Set insertion order, so two
 *   dumps of the same data are byte-identical. Databases ascending by number, only non-empty
 *   ones; keys, hash fields and set members in memcmp (byte) order; zset pairs by score, then
 *   member bytes; list items in list order. Entry properties in the order type, value,
 *   expireAtMs (only when the key has an expiry).
 * - Layout: 2-space indentation, one element or property per line, except that a zset pair
 *   `["member", 1.5]` and a base64 wrapper `{ "base64": "..." }` sit on one line; ends with a
 *   newline. An empty dataset is `{}` + newline.
 * - Scores are JSON numbers in ECMAScript's shortest round-trip form, `-0` for negative zero,
 *   and the strings "inf" / "-inf" for the infinities. Expiries are integer Unix milliseconds.
 * - datasetFromJson(datasetToJson(d)) equals d (byte-string-json.ts explains bytes ↔ JSON).
 */
import assert from 'node:assert/strict';
import { compareBytes, databaseCount, type ByteString, type DatabaseContents, type KeyEntry, type RedisValue } from '../values/redis-value.ts';
import { byteKeyText, byteValueJson } from './byte-string-json.ts';

const indentUnit = '  ';

export function scoreJson(score: number): string {
  assert.ok(!Number.isNaN(score), 'a zset score is never NaN');
  if (score === Infinity) return '"inf"';
  if (score === -Infinity) return '"-inf"';
  return Object.is(score, -0) ? '-0' : String(score);
}

/** Zset members by score, then member bytes: the order ZRANGE uses. */
export function zsetPairsInOrder(scores: ReadonlyMap<ByteString, number>): [ByteString, number][] {
  return [...scores].sort(([memberA, scoreA], [memberB, scoreB]) => (scoreA < scoreB ? -1 : scoreA > scoreB ? 1 : compareBytes(memberA, memberB)));
}

function lines(items: readonly string[], indent: string, open: string, close: string): string {
  const inner = indent + indentUnit;
  return `${open}\n${items.map((item) => inner + item).join(',\n')}\n${indent}${close}`;
}

function valueJson(value: RedisValue, indent: string): string {
  switch (value.type) {
    case 'string':
      return byteValueJson(value.value);
    case 'list':
      assert.ok(value.items.length > 0, 'collections are never empty');
      return lines(value.items.map(byteValueJson), indent, '[', ']');
    case 'set':
      assert.ok(value.members.size > 0, 'collections are never empty');
      return lines([...value.members].sort(compareBytes).map(byteValueJson), indent, '[', ']');
    case 'hash': {
      assert.ok(value.fields.size > 0, 'collections are never empty');
      const fields = [...value.fields.keys()].sort(compareBytes);
      return lines(
        fields.map((field) => `${JSON.stringify(byteKeyText(field))}: ${byteValueJson(value.fields.get(field) as ByteString)}`),
        indent,
        '{',
        '}',
      );
    }
    case 'zset':
      assert.ok(value.scores.size > 0, 'collections are never empty');
      return lines(
        zsetPairsInOrder(value.scores).map(([member, score]) => `[${byteValueJson(member)}, ${scoreJson(score)}]`),
        indent,
        '[',
        ']',
      );
  }
}

function entryJson(entry: KeyEntry, indent: string): string {
  const inner = indent + indentUnit;
  const properties = [`"type": "${entry.value.type}"`, `"value": ${valueJson(entry.value, inner)}`];
  if (entry.expireAtMs !== null) {
    assert.ok(Number.isSafeInteger(entry.expireAtMs), 'an expiry is integral Unix milliseconds');
    properties.push(`"expireAtMs": ${entry.expireAtMs}`);
  }
  return lines(properties, indent, '{', '}');
}

/** The canonical JSON text in pieces (one per key), for writing a large dataset to a stream. */
export function* datasetJsonChunks(databases: ReadonlyMap<number, DatabaseContents>): Generator<string> {
  const dbs = [...databases].filter(([, contents]) => contents.size > 0).sort(([left], [right]) => left - right);
  if (dbs.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (const [dbIndex, [db, contents]] of dbs.entries()) {
    assert.ok(Number.isInteger(db) && db >= 0 && db < databaseCount, `a database number in 0..${databaseCount - 1}: ${db}`);
    yield `${indentUnit}"${db}": {\n`;
    const keys = [...contents.keys()].sort(compareBytes);
    for (const [keyIndex, key] of keys.entries()) {
      const entry = contents.get(key) as KeyEntry;
      const separator = keyIndex === keys.length - 1 ? '\n' : ',\n';
      yield `${indentUnit}${indentUnit}${JSON.stringify(byteKeyText(key))}: ${entryJson(entry, indentUnit + indentUnit)}${separator}`;
    }
    yield `${indentUnit}}${dbIndex === dbs.length - 1 ? '\n' : ',\n'}`;
  }
  yield '}\n';
}

export function datasetToJson(databases: ReadonlyMap<number, DatabaseContents>): string {
  return [...datasetJsonChunks(databases)].join('');
}
