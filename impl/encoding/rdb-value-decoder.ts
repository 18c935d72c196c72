/**
 * Reads one key's value from the stream, in restartable units: a key's first unit is its type
 * byte's key string plus either the whole value (strings and blob-encoded types) or a count; each
 * further unit is one element, pair or quicklist node. A unit is read completely before anything
 * is mutated, so a unit interrupted by NeedMoreBytes can be re-read from its start.
 *
 * Invariants:
 * - Every type byte 7.0 loads except streams and modules is decoded; those are 'unsupported'.
 * - Every structural fault is a corrupt RdbDecodeError at a file offset: blob faults at the offset
 *   where the blob's string starts; duplicate members/fields, odd pair counts, NaN or unparsable
 *   scores and unknown quicklist containers at the element's offset.
 * - An empty collection yields 'empty' (Redis skips it), never an empty RedisValue.
 */
import { type ByteString, type RedisValue, collectionSize } from '../values/redis-value.ts';
import type { ByteReader } from './byte-reader.ts';
import { decodeIntset } from './intset.ts';
import { decodeListpack } from './listpack.ts';
import { BlobFormatError } from './rdb-decode-error.ts';
import { quicklistContainer, typeByte, typeByteName } from './rdb-format.ts';
import { readLength } from './rdb-length.ts';
import { readRdbBytes, readRdbString } from './rdb-string.ts';
import type { StreamContext } from './rdb-stream-context.ts';
import { parseScoreText } from './score-text.ts';
import { decodeZiplist } from './ziplist.ts';
import { decodeZipmap } from './zipmap.ts';

export function describeKey(key: ByteString): string {
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}

/** A lazy label: the text is built only if an error needs it. */
function keyLabel(key: ByteString, type: number): () => string {
  return () => `key ${describeKey(key)} (type ${typeByteName(type)})`;
}

/** A collection being read element by element. */
export interface CollectionState {
  readonly type: number;
  readonly key: ByteString;
  readonly value: RedisValue;
  remaining: number;
}

export type ValueStart =
  | { readonly kind: 'complete'; readonly value: RedisValue }
  | { readonly kind: 'empty' }
  | { readonly kind: 'collection'; readonly collection: CollectionState };

class ValueFault {
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {}
}

function decodeBlob<T>(context: StreamContext, position: number, what: () => string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof BlobFormatError) throw context.error('corrupt', position, `${what()}: ${error.message}`);
    if (error instanceof ValueFault) throw context.error('corrupt', error.position, `${what()}: ${error.detail}`);
    throw error;
  }
}

function parseScore(text: string, position: number): number {
  const score = parseScoreText(text);
  if (score === undefined || Number.isNaN(score)) throw new ValueFault(position, `score ${JSON.stringify(text)} is not a number`);
  return score;
}

function pairsOf(elements: ByteString[], position: number): [ByteString, ByteString][] {
  if (elements.length % 2 !== 0) throw new ValueFault(position, `${elements.length} entries cannot form pairs`);
  const pairs: [ByteString, ByteString][] = [];
  for (let index = 0; index < elements.length; index += 2) pairs.push([elements[index] as ByteString, elements[index + 1] as ByteString]);
  return pairs;
}

function hashOf(elements: ByteString[], position: number): RedisValue {
  const fields = new Map<ByteString, ByteString>();
  for (const [field, value] of pairsOf(elements, position)) {
    if (fields.has(field)) throw new ValueFault(position, `duplicate hash field ${describeKey(field)}`);
    fields.set(field, value);
  }
  return { type: 'hash', fields };
}

function zsetOf(elements: ByteString[], position: number): RedisValue {
  const scores = new Map<ByteString, number>();
  for (const [member, scoreText] of pairsOf(elements, position)) {
    if (scores.has(member)) throw new ValueFault(position, `duplicate zset member ${describeKey(member)}`);
    scores.set(member, parseScore(scoreText, position));
  }
  return { type: 'zset', scores };
}

function setOf(members: string[], position: number): RedisValue {
  const set = new Set<ByteString>(members);
  if (set.size !== members.length) throw new ValueFault(position, 'duplicate set member');
  return { type: 'set', members: set };
}


/** Values stored as one blob string: the blob type bytes and their decoders. */
const blobDecoders = new Map<number, (blob: Uint8Array, position: number) => RedisValue>([
  [typeByte.hashZipmap, (blob, position) => hashOf(decodeZipmap(blob), position)],
  [typeByte.listZiplist, (blob) => ({ type: 'list', items: decodeZiplist(blob) })],
  [typeByte.setIntset, (blob, position) => setOf(decodeIntset(blob), position)],
  [typeByte.zsetZiplist, (blob, position) => zsetOf(decodeZiplist(blob), position)],
  [typeByte.hashZiplist, (blob, position) => hashOf(decodeZiplist(blob), position)],
  [typeByte.hashListpack, (blob, position) => hashOf(decodeListpack(blob), position)],
  [typeByte.zsetListpack, (blob, position) => zsetOf(decodeListpack(blob), position)],
]);

/** Element-by-element types: the empty value to fill and the least bytes one element takes. */
const countedTypes = new Map<number, { readonly empty: () => RedisValue; readonly minBytes: number }>([
  [typeByte.list, { empty: () => ({ type: 'list', items: [] }), minBytes: 1 }],
  [typeByte.listQuicklist, { empty: () => ({ type: 'list', items: [] }), minBytes: 1 }],
  [typeByte.listQuicklist2, { empty: () => ({ type: 'list', items: [] }), minBytes: 2 }],
  [typeByte.set, { empty: () => ({ type: 'set', members: new Set() }), minBytes: 1 }],
  [typeByte.hash, { empty: () => ({ type: 'hash', fields: new Map() }), minBytes: 2 }],
  [typeByte.zset, { empty: () => ({ type: 'zset', scores: new Map() }), minBytes: 2 }],
  [typeByte.zset2, { empty: () => ({ type: 'zset', scores: new Map() }), minBytes: 9 }],
]);

export function isKnownValueType(type: number): boolean {
  return type === typeByte.string || blobDecoders.has(type) || countedTypes.has(type);
}

/** Reads the rest of a key's first unit, after its type byte and key. */
export function readValueStart(reader: ByteReader, context: StreamContext, type: number, key: ByteString): ValueStart {
  const what = keyLabel(key, type);
  if (type === typeByte.string) return { kind: 'complete', value: { type: 'string', value: readRdbString(reader, context, what) } };
  const blobDecoder = blobDecoders.get(type);
  if (blobDecoder !== undefined) {
    const position = reader.position;
    const blob = readRdbBytes(reader, context, what);
    const value = decodeBlob(context, position, what, () => blobDecoder(blob, position));
    return collectionSize(value) === 0 ? { kind: 'empty' } : { kind: 'complete', value };
  }
  const counted = countedTypes.get(type);
  if (counted === undefined) throw context.error('corrupt', reader.position, `${what()}: not a value type`);
  const position = reader.position;
  const count = readLength(reader, context, () => `${what()} element count`);
  context.requireCount(position, count, counted.minBytes, what);
  if (count === 0) return { kind: 'empty' };
  return { kind: 'collection', collection: { type, key, value: counted.empty(), remaining: count } };
}

function listItemsOfNode(reader: ByteReader, context: StreamContext, state: CollectionState, what: () => string): ByteString[] {
  if (state.type === typeByte.list) return [readRdbString(reader, context, what)];
  const containerAt = reader.position;
  const container = state.type === typeByte.listQuicklist2 ? readLength(reader, context, () => `${what()} node container`) : quicklistContainer.packed;
  if (container !== quicklistContainer.plain && container !== quicklistContainer.packed) {
    throw context.error('corrupt', containerAt, `${what()}: unknown quicklist container ${container}`);
  }
  const position = reader.position;
  const node = readRdbBytes(reader, context, () => `${what()} node`);
  if (container === quicklistContainer.plain) return [Buffer.from(node).toString('latin1')];
  const decode = state.type === typeByte.listQuicklist2 ? decodeListpack : decodeZiplist;
  return decodeBlob(context, position, () => `${what()} node`, () => decode(node));
}

/**
 * Reads one element (or pair, or quicklist node) of `state` and adds it. Returns true when the
 * collection is complete.
 */
export function readCollectionElement(reader: ByteReader, context: StreamContext, state: CollectionState): boolean {
  const what = keyLabel(state.key, state.type);
  const position = reader.position;
  const value = state.value;
  switch (value.type) {
    case 'list': {
      const items = listItemsOfNode(reader, context, state, what);
      if (value.items.length + items.length > context.limits.maxCollectionLength) throw context.error('corrupt', position, `${what()}: list longer than the element limit`);
      for (const item of items) value.items.push(item);
      break;
    }
    case 'set': {
      const member = readRdbString(reader, context, what);
      if (value.members.has(member)) throw context.error('corrupt', position, `${what()}: duplicate set member ${describeKey(member)}`);
      value.members.add(member);
      break;
    }
    case 'hash': {
      const field = readRdbString(reader, context, what);
      const fieldValue = readRdbString(reader, context, what);
      if (value.fields.has(field)) throw context.error('corrupt', position, `${what()}: duplicate hash field ${describeKey(field)}`);
      value.fields.set(field, fieldValue);
      break;
    }
    case 'zset': {
      const member = readRdbString(reader, context, what);
      const score = state.type === typeByte.zset2 ? reader.f64le() : readTextScore(reader, context, what);
      if (Number.isNaN(score)) throw context.error('corrupt', position, `${what()}: member ${describeKey(member)} has a NaN score`);
      if (value.scores.has(member)) throw context.error('corrupt', position, `${what()}: duplicate zset member ${describeKey(member)}`);
      value.scores.set(member, score);
      break;
    }
    case 'string':
      throw context.error('corrupt', position, `${what()}: a string is not a collection`);
  }
  state.remaining -= 1;
  return state.remaining === 0;
}

/** Type 3 scores: a length byte (253 NaN, 254 +inf, 255 -inf) then that many ASCII bytes. */
function readTextScore(reader: ByteReader, context: StreamContext, what: () => string): number {
  const position = reader.position;
  const length = reader.u8();
  if (length === 253) return Number.NaN;
  if (length === 254) return Infinity;
  if (length === 255) return -Infinity;
  const text = Buffer.from(reader.take(length)).toString('latin1');
  const score = parseScoreText(text);
  if (score === undefined) throw context.error('corrupt', position, `${what()}: score ${JSON.stringify(text)} is not a number`);
  return score;
}

export function collectionIsEmpty(state: CollectionState): boolean {
  return collectionSize(state.value) === 0;
}
