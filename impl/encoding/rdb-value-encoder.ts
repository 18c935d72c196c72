/**
 * Writes one key's value as Redis 7.0 does: the type byte follows from the value's contents and
 * 7.0's default encoding thresholds, then the payload in that type's layout.
 *
 * Invariants:
 * - string → STRING; list → LIST_QUICKLIST_2 of PACKED listpack nodes, each node's listpack at
 *   most 8 KiB unless it holds one element that alone is larger;
 *   hash → HASH_LISTPACK iff <= 512 fields and every field and value <= 64 bytes, else HASH;
 *   set → SET_INTSET iff <= 512 members, all canonical int64, else SET;
 *   zset → ZSET_LISTPACK iff <= 128 members, each <= 64 bytes (ascending score, then member),
 *   else ZSET_2 (descending score, then member, scores as 8-byte LE doubles).
 * - Collections are never empty and scores never NaN (asserted: the keyspace guarantees both).
 */
import assert from 'node:assert/strict';
import { compareBytes, type ByteString, type RedisValue } from '../values/redis-value.ts';
import type { ByteWriter } from './byte-writer.ts';
import { canonicalInteger, type IntegerValue } from './canonical-integer.ts';
import { encodeIntset } from './intset.ts';
import { encodeListpack, listpackEntrySize, listpackSize } from './listpack.ts';
import { encodingThresholds as limits, quicklistContainer, typeByte, type TypeByte } from './rdb-format.ts';
import { writeLength } from './rdb-length.ts';
import { writeRdbBytes, writeRdbString } from './rdb-string.ts';
import { formatScore } from './score-text.ts';

function intsetMembers(members: Set<ByteString>): IntegerValue[] | undefined {
  if (members.size > limits.setMaxIntsetEntries) return undefined;
  const integers: IntegerValue[] = [];
  for (const member of members) {
    const integer = canonicalInteger(member);
    if (integer === undefined) return undefined;
    integers.push(integer);
  }
  return integers;
}

function hashFitsListpack(fields: Map<ByteString, ByteString>): boolean {
  if (fields.size > limits.hashMaxListpackEntries) return false;
  for (const [field, value] of fields) {
    if (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue) return false;
  }
  return true;
}

function zsetFitsListpack(scores: Map<ByteString, number>): boolean {
  if (scores.size > limits.zsetMaxListpackEntries) return false;
  for (const member of scores.keys()) if (member.length > limits.zsetMaxListpackValue) return false;
  return true;
}

export function valueTypeByte(value: RedisValue): TypeByte {
  switch (value.type) {
    case 'string':
      return typeByte.string;
    case 'list':
      return typeByte.listQuicklist2;
    case 'hash':
      return hashFitsListpack(value.fields) ? typeByte.hashListpack : typeByte.hash;
    case 'set':
      return intsetMembers(value.members) === undefined ? typeByte.set : typeByte.setIntset;
    case 'zset':
      return zsetFitsListpack(value.scores) ? typeByte.zsetListpack : typeByte.zset2;
  }
}

/** Splits list items into quicklist nodes whose listpacks stay within 8 KiB. */
export function quicklistNodes(items: readonly ByteString[]): ByteString[][] {
  const nodes: ByteString[][] = [];
  let current: ByteString[] = [];
  let currentEntriesSize = 0;
  for (const item of items) {
    const size = listpackEntrySize(item);
    if (current.length > 0 && listpackSize(currentEntriesSize + size) > limits.listMaxListpackBytes) {
      nodes.push(current);
      current = [];
      currentEntriesSize = 0;
    }
    current.push(item);
    currentEntriesSize += size;
  }
  if (current.length > 0) nodes.push(current);
  return nodes;
}

function sortedByScore(scores: Map<ByteString, number>): [ByteString, number][] {
  for (const score of scores.values()) assert.ok(!Number.isNaN(score), 'a zset score is never NaN');
  return [...scores].sort(([memberA, scoreA], [memberB, scoreB]) => (scoreA < scoreB ? -1 : scoreA > scoreB ? 1 : compareBytes(memberA, memberB)));
}

/** Writes the payload of `value` for the type byte `valueTypeByte(value)` returned. */
export function writeValuePayload(writer: ByteWriter, value: RedisValue, type: TypeByte, compression: boolean): void {
  assert.equal(type, valueTypeByte(value), 'the payload matches the chosen type byte');
  if (value.type !== 'string') {
    const size = value.type === 'list' ? value.items.length : value.type === 'hash' ? value.fields.size : value.type === 'set' ? value.members.size : value.scores.size;
    assert.ok(size > 0, 'collections are never empty');
  }
  switch (value.type) {
    case 'string':
      return writeRdbString(writer, value.value, compression);
    case 'list': {
      const nodes = quicklistNodes(value.items);
      writeLength(writer, nodes.length);
      for (const node of nodes) {
        writeLength(writer, quicklistContainer.packed);
        writeRdbBytes(writer, encodeListpack(node), compression);
      }
      return;
    }
    case 'hash':
      if (type === typeByte.hashListpack) return writeRdbBytes(writer, encodeListpack([...value.fields].flat()), compression);
      writeLength(writer, value.fields.size);
      for (const [field, fieldValue] of value.fields) {
        writeRdbString(writer, field, compression);
        writeRdbString(writer, fieldValue, compression);
      }
      return;
    case 'set':
      if (type === typeByte.setIntset) return writeRdbBytes(writer, encodeIntset(intsetMembers(value.members) ?? []), compression);
      writeLength(writer, value.members.size);
      for (const member of value.members) writeRdbString(writer, member, compression);
      return;
    case 'zset': {
      const ascending = sortedByScore(value.scores);
      if (type === typeByte.zsetListpack) {
        return writeRdbBytes(writer, encodeListpack(ascending.flatMap(([member, score]) => [member, formatScore(score)])), compression);
      }
      writeLength(writer, ascending.length);
      for (let index = ascending.length - 1; index >= 0; index -= 1) {
        const [member, score] = ascending[index] as [ByteString, number];
        writeRdbString(writer, member, compression);
        writer.f64le(score);
      }
      return;
    }
  }
}
