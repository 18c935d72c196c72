/**
 * Reads dataset JSON (docs/dataset-json.md) back into databases. Accepts every canonical
 * document datasetToJson writes, and the non-canonical but unambiguous variants a person may
 * write by hand: any order of keys, fields, members and pairs; any JSON whitespace; the base64
 * forms for bytes that are valid UTF-8; `{}` for an empty database (it is left out).
 *
 * Invariants:
 * - Every rejection is a DatasetJsonError naming the source, the JSON path and the reason:
 *   syntax errors; a database name other than "0".."15" (decimal, no leading zeros); an entry
 *   that is not `{ "type", "value", "expireAtMs"? }` or that repeats a property; a value of the
 *   wrong shape for its type; an empty list, hash, set or zset (Redis deletes a key whose
 *   collection empties); bytes given twice — a key in one database, a hash field, a set or zset
 *   member — whether spelled the same or not (JSON.parse would silently keep the last); a score
 *   that is not a JSON number or "inf"/"-inf", or that overflows a double; an expiry that is not
 *   an integer within ±2^53.
 * - A returned dataset satisfies redis-value.ts: non-empty collections, no NaN scores, integral
 *   expiries; databases are exactly those with at least one key.
 * - An expiry of -0 is read as 0 (RDB expiries are integers).
 */
import { databaseCount, type ByteString, type DatabaseContents, type KeyEntry, type RedisType, type RedisValue } from '../values/redis-value.ts';
import { base64Property, bytesOfBase64, bytesOfKeyText, bytesOfText, type Decoded } from './byte-string-json.ts';
import { DatasetJsonError, positionOf } from './dataset-json-error.ts';
import { pathText, type PathSegment } from './json-path.ts';
import { JsonSyntaxError, parseJson, type JsonEntry, type JsonNode } from './json-syntax.ts';

const redisTypes: readonly RedisType[] = ['string', 'list', 'hash', 'set', 'zset'];
const entryProperties = ['type', 'value', 'expireAtMs'] as const;
const dbNamePattern = /^(?:0|[1-9][0-9]*)$/;
const integerTextPattern = /^-?(?:0|[1-9][0-9]*)$/;

type NodeOf<Kind extends JsonNode['kind']> = Extract<JsonNode, { kind: Kind }>;

const kindNames: Record<JsonNode['kind'], string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  array: 'an array',
  object: 'an object',
};

class DatasetReader {
  private readonly path: PathSegment[] = [];

  constructor(
    private readonly text: string,
    private readonly sourceName: string,
  ) {}

  private fail(offset: number, reason: string): never {
    throw new DatasetJsonError(this.sourceName, pathText(this.path), reason, positionOf(this.text, offset));
  }

  private within<T>(segment: PathSegment, body: () => T): T {
    this.path.push(segment);
    const result = body();
    this.path.pop();
    return result;
  }

  private expect<Kind extends JsonNode['kind']>(node: JsonNode, kind: Kind, what: string): NodeOf<Kind> {
    if (node.kind !== kind) this.fail(node.offset, `expected ${what}, found ${kindNames[node.kind]}`);
    return node as NodeOf<Kind>;
  }

  private decoded(offset: number, decoded: Decoded): ByteString {
    if ('problem' in decoded) this.fail(offset, decoded.problem);
    return decoded.bytes;
  }

  dataset(root: JsonNode): Map<number, DatabaseContents> {
    const object = this.expect(root, 'object', 'an object of databases ("0".."15")');
    const databases = new Map<number, DatabaseContents>();
    const seen = new Set<number>();
    for (const entry of object.entries) {
      this.within(entry.key, () => {
        const db = Number(entry.key);
        if (!dbNamePattern.test(entry.key) || db >= databaseCount) {
          this.fail(entry.keyOffset, `a database is named by its number, "0".."${databaseCount - 1}", not ${JSON.stringify(entry.key)}`);
        }
        if (seen.has(db)) this.fail(entry.keyOffset, `database ${db} appears twice`);
        seen.add(db);
        const contents = this.database(entry.value);
        if (contents.size > 0) databases.set(db, contents);
      });
    }
    return databases;
  }

  private database(node: JsonNode): DatabaseContents {
    const object = this.expect(node, 'object', 'an object of keys');
    const contents: DatabaseContents = new Map();
    for (const entry of object.entries) {
      this.within(entry.key, () => {
        const key = this.decoded(entry.keyOffset, bytesOfKeyText(entry.key));
        if (contents.has(key)) this.fail(entry.keyOffset, 'duplicate key: an earlier key in this database has the same bytes');
        contents.set(key, this.entry(entry.value));
      });
    }
    return contents;
  }

  private entry(node: JsonNode): KeyEntry {
    const object = this.expect(node, 'object', 'an entry { "type", "value", "expireAtMs"? }');
    const properties = new Map<string, JsonEntry>();
    for (const property of object.entries) {
      if (!(entryProperties as readonly string[]).includes(property.key)) {
        this.fail(property.keyOffset, `unknown property ${JSON.stringify(property.key)} (an entry has "type", "value" and optionally "expireAtMs")`);
      }
      if (properties.has(property.key)) this.fail(property.keyOffset, `property "${property.key}" appears twice`);
      properties.set(property.key, property);
    }
    const typeProperty = properties.get('type');
    const valueProperty = properties.get('value');
    if (typeProperty === undefined) this.fail(object.offset, 'the entry has no "type"');
    if (valueProperty === undefined) this.fail(object.offset, 'the entry has no "value"');
    const type = this.within('type', () => {
      const text = this.expect(typeProperty.value, 'string', `one of ${redisTypes.map((name) => `"${name}"`).join(', ')}`).value;
      if (!(redisTypes as readonly string[]).includes(text)) this.fail(typeProperty.value.offset, `unknown type ${JSON.stringify(text)}, expected one of ${redisTypes.join(', ')}`);
      return text as RedisType;
    });
    const value = this.within('value', () => this.value(type, valueProperty.value));
    const expiry = properties.get('expireAtMs');
    const expireAtMs = expiry === undefined ? null : this.within('expireAtMs', () => this.expiry(expiry.value));
    return { value, expireAtMs };
  }

  private expiry(node: JsonNode): number {
    const number = this.expect(node, 'number', 'integer Unix milliseconds');
    if (!integerTextPattern.test(number.text) || !Number.isSafeInteger(number.value)) {
      this.fail(node.offset, `expireAtMs ${number.text} is not an integer within ±2^53 (Unix milliseconds)`);
    }
    return number.value + 0; // -0 → 0
  }

  private bytes(node: JsonNode): ByteString {
    if (node.kind === 'string') return this.decoded(node.offset, bytesOfText(node.value));
    if (node.kind === 'object') {
      const [only, ...rest] = node.entries;
      if (only === undefined || only.key !== base64Property || rest.length > 0) this.fail(node.offset, `bytes are a string or an object with the single property "${base64Property}"`);
      return this.within(base64Property, () => this.decoded(only.value.offset, bytesOfBase64(this.expect(only.value, 'string', 'base64 text').value)));
    }
    return this.fail(node.offset, `expected a string or { "${base64Property}": ... }, found ${kindNames[node.kind]}`);
  }

  private nonEmpty<T extends { items: JsonNode[] } | { entries: JsonEntry[] }>(node: T & { offset: number }, type: RedisType): T {
    const size = 'items' in node ? node.items.length : node.entries.length;
    if (size === 0) this.fail(node.offset, `an empty ${type} cannot exist in Redis (a key whose collection empties is deleted)`);
    return node;
  }

  private value(type: RedisType, node: JsonNode): RedisValue {
    switch (type) {
      case 'string':
        return { type, value: this.bytes(node) };
      case 'list': {
        const array = this.nonEmpty(this.expect(node, 'array', 'an array of list items'), type);
        return { type, items: array.items.map((item, index) => this.within(index, () => this.bytes(item))) };
      }
      case 'set': {
        const array = this.nonEmpty(this.expect(node, 'array', 'an array of set members'), type);
        const members = new Set<ByteString>();
        array.items.forEach((item, index) =>
          this.within(index, () => {
            const member = this.bytes(item);
            if (members.has(member)) this.fail(item.offset, 'duplicate set member');
            members.add(member);
          }),
        );
        return { type, members };
      }
      case 'hash': {
        const object = this.nonEmpty(this.expect(node, 'object', 'an object of hash fields'), type);
        const fields = new Map<ByteString, ByteString>();
        for (const entry of object.entries) {
          this.within(entry.key, () => {
            const field = this.decoded(entry.keyOffset, bytesOfKeyText(entry.key));
            if (fields.has(field)) this.fail(entry.keyOffset, 'duplicate hash field: an earlier field has the same bytes');
            fields.set(field, this.bytes(entry.value));
          });
        }
        return { type, fields };
      }
      case 'zset': {
        const array = this.nonEmpty(this.expect(node, 'array', 'an array of [member, score] pairs'), type);
        const scores = new Map<ByteString, number>();
        array.items.forEach((item, index) =>
          this.within(index, () => {
            const pair = this.expect(item, 'array', 'a [member, score] pair');
            const [memberNode, scoreNode, ...rest] = pair.items;
            if (memberNode === undefined || scoreNode === undefined || rest.length > 0) this.fail(pair.offset, `a zset element is a [member, score] pair, found ${pair.items.length} items`);
            const member = this.within(0, () => {
              const bytes = this.bytes(memberNode);
              if (scores.has(bytes)) this.fail(memberNode.offset, 'duplicate zset member');
              return bytes;
            });
            scores.set(member, this.within(1, () => this.score(scoreNode)));
          }),
        );
        return { type, scores };
      }
    }
  }

  private score(node: JsonNode): number {
    if (node.kind === 'string') {
      if (node.value === 'inf') return Infinity;
      if (node.value === '-inf') return -Infinity;
      this.fail(node.offset, `a score is a JSON number, "inf" or "-inf", not ${JSON.stringify(node.value)}`);
    }
    const number = this.expect(node, 'number', 'a score (a number, "inf" or "-inf")');
    if (!Number.isFinite(number.value)) this.fail(node.offset, `score ${number.text} overflows a double (write "inf" or "-inf" for an infinite score)`);
    return number.value;
  }
}

export function datasetFromJson(text: string, sourceName: string): Map<number, DatabaseContents> {
  let root: JsonNode;
  try {
    root = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new DatasetJsonError(sourceName, pathText(error.path), `invalid JSON: ${error.reason}`, positionOf(text, error.offset));
    throw error;
  }
  return new DatasetReader(text, sourceName).dataset(root);
}
