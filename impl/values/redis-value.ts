/**
 * The in-memory form of Redis data, shared by the keyspace, the RDB and AOF codecs and the
 * persistence layer. Pure types and conversions; no I/O.
 *
 * Invariants:
 * - A ByteString is binary-safe: a JS string whose every char code is 0..255, one per byte
 *   (latin1). Keys, values, fields and members are all ByteStrings; compare them with === and
 *   order them with `compareBytes`, which is memcmp order.
 * - A zset score is a finite number or ±Infinity, never NaN.
 * - An expiry is absolute Unix milliseconds, or null for none.
 * - Collections are never empty: a key whose collection empties is deleted.
 */
import assert from 'node:assert/strict';

export type ByteString = string;

export type RedisValue =
  | { readonly type: 'string'; value: ByteString }
  | { readonly type: 'list'; items: ByteString[] }
  | { readonly type: 'hash'; fields: Map<ByteString, ByteString> }
  | { readonly type: 'set'; members: Set<ByteString> }
  | { readonly type: 'zset'; scores: Map<ByteString, number> };

export type RedisType = RedisValue['type'];

export interface KeyEntry {
  value: RedisValue;
  expireAtMs: number | null;
}

/** The element count of a collection, or null for a string (read-only views qualify too). */
export function collectionSize(
  value:
    | { readonly type: 'string' }
    | { readonly type: 'list'; readonly items: { readonly length: number } }
    | { readonly type: 'hash'; readonly fields: { readonly size: number } }
    | { readonly type: 'set'; readonly members: { readonly size: number } }
    | { readonly type: 'zset'; readonly scores: { readonly size: number } },
): number | null {
  switch (value.type) {
    case 'string':
      return null;
    case 'list':
      return value.items.length;
    case 'hash':
      return value.fields.size;
    case 'set':
      return value.members.size;
    case 'zset':
      return value.scores.size;
  }
}

/** One logical database: key → entry. */
export type DatabaseContents = Map<ByteString, KeyEntry>;

/** Redis's `databases` default, fixed here. */
export const databaseCount = 16;

export function byteStringOf(bytes: Uint8Array): ByteString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function bytesOf(value: ByteString): Buffer {
  return Buffer.from(value, 'latin1');
}

/** A ByteString from text, as UTF-8 bytes (what a client sending the text would store). */
export function byteStringOfText(text: string): ByteString {
  return Buffer.from(text, 'utf8').toString('latin1');
}

export function isByteString(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    if (value.charCodeAt(index) > 0xff) return false;
  }
  return true;
}

/** memcmp order, then length: Redis's order for set members and equal-score zset members. */
export function compareBytes(left: ByteString, right: ByteString): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

export function assertByteString(value: string): void {
  assert.ok(isByteString(value), 'a ByteString holds only char codes 0..255');
}
