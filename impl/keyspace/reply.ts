/**
 * The typed reply of a command, and its RESP2 wire form.
 *
 * Invariants:
 * - A reply is one of five RESP2 kinds; null bulk (`$-1`) and null array (`*-1`) are distinct,
 *   as in Redis (GET of a missing key vs LPOP with a count on a missing key).
 * - An error message carries its code (`ERR ...`, `WRONGTYPE ...`, `EXECABORT ...`) and no
 *   leading '-'; neither it nor a simple string contains CR or LF.
 * - Bulk values are ByteStrings (latin1, one char per byte); `encodeReply` writes them byte for byte.
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';

export type Reply =
  | { readonly kind: 'simple'; readonly value: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'integer'; readonly value: number | bigint }
  | { readonly kind: 'bulk'; readonly value: ByteString | null }
  | { readonly kind: 'array'; readonly items: readonly Reply[] | null };

export const okReply: Reply = { kind: 'simple', value: 'OK' };
export const queuedReply: Reply = { kind: 'simple', value: 'QUEUED' };
export const nullBulkReply: Reply = { kind: 'bulk', value: null };
export const nullArrayReply: Reply = { kind: 'array', items: null };
export const emptyArrayReply: Reply = { kind: 'array', items: [] };

export function simpleReply(value: string): Reply {
  assert.ok(!/[\r\n]/.test(value), 'a simple string has no CR or LF');
  return { kind: 'simple', value };
}

export function errorReply(message: string): Reply {
  assert.ok(!/[\r\n]/.test(message), 'an error message has no CR or LF');
  assert.ok(message.length > 0 && !message.startsWith('-'));
  return { kind: 'error', message };
}

export function integerReply(value: number | bigint): Reply {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) assert.fail(`integer reply ${value}`);
  return { kind: 'integer', value };
}

export function bulkReply(value: ByteString | null): Reply {
  return { kind: 'bulk', value };
}

export function arrayReply(items: readonly Reply[]): Reply {
  return { kind: 'array', items };
}

/** An array of bulk strings, e.g. LRANGE's reply. */
export function bulkArrayReply(values: readonly ByteString[]): Reply {
  return { kind: 'array', items: values.map((value) => bulkReply(value)) };
}

function encodeInto(reply: Reply, chunks: Buffer[]): void {
  switch (reply.kind) {
    case 'simple':
      chunks.push(Buffer.from(`+${reply.value}\r\n`, 'latin1'));
      return;
    case 'error':
      chunks.push(Buffer.from(`-${reply.message}\r\n`, 'latin1'));
      return;
    case 'integer':
      chunks.push(Buffer.from(`:${reply.value.toString()}\r\n`, 'latin1'));
      return;
    case 'bulk':
      if (reply.value === null) chunks.push(Buffer.from('$-1\r\n', 'latin1'));
      else chunks.push(Buffer.from(`$${reply.value.length}\r\n${reply.value}\r\n`, 'latin1'));
      return;
    case 'array':
      if (reply.items === null) {
        chunks.push(Buffer.from('*-1\r\n', 'latin1'));
        return;
      }
      chunks.push(Buffer.from(`*${reply.items.length}\r\n`, 'latin1'));
      for (const item of reply.items) encodeInto(item, chunks);
      return;
    default: {
      const never: never = reply;
      assert.fail(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

/** The RESP2 bytes a Redis 7.0 server writes for this reply. */
export function encodeReply(reply: Reply): Buffer {
  const chunks: Buffer[] = [];
  encodeInto(reply, chunks);
  return Buffer.concat(chunks);
}
