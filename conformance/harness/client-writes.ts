/**
 * The client writes the conformance suite sends, and what each one is for the model: the Redis
 * command line (for the implementation) and the model's LogicalOps (for the machine's WRITE
 * event), computed against a shadow of the dataset at the moment the command runs.
 *
 * Invariants:
 * - A write produces ops only when Redis 7.0 would propagate it (change the dataset): DEL,
 *   PEXPIRE and PERSIST of a missing key, PERSIST of a key without a TTL, SADD/ZADD of a member
 *   already there with the same score change nothing, so they give no ops and no model WRITE.
 * - Keys live in typed namespaces (`s:` strings, `c:` counters, `l:` lists, `h:` hashes,
 *   `S:` sets, `z:` zsets), so no generated command ever meets a key of another type (no
 *   WRONGTYPE): every write either changes the dataset or is a no-op.
 * - A key whose TTL has passed at the command's time is treated as missing, as Redis's lookup
 *   does: it deletes it first and propagates that DEL, so the ops start with it (a write even
 *   when the command itself then changes nothing).
 * - Values are canonical strings that `abstractValue` also derives from the implementation's
 *   dataset, so the two can be compared by equality.
 * - Times: the model's clock is `implMs - epochMs`; every expiry in ops is in model time.
 */
import assert from 'node:assert/strict';
import type { DatasetEntry, LogicalOp } from '../../model/index.ts';
import type { RedisValue } from '../../impl/index.ts';

export const epochMs = 1_700_000_000_000;

export type ClientWrite =
  | { readonly kind: 'set'; readonly key: string; readonly value: string; readonly ttlMs?: number }
  | { readonly kind: 'incr'; readonly key: string }
  | { readonly kind: 'rpush'; readonly key: string; readonly items: readonly string[] }
  | { readonly kind: 'hset'; readonly key: string; readonly field: string; readonly value: string }
  | { readonly kind: 'sadd'; readonly key: string; readonly member: string }
  | { readonly kind: 'zadd'; readonly key: string; readonly score: number; readonly member: string }
  | { readonly kind: 'del'; readonly key: string }
  | { readonly kind: 'pexpire'; readonly key: string; readonly ttlMs: number }
  | { readonly kind: 'persist'; readonly key: string }
  | { readonly kind: 'flushall' }
  | { readonly kind: 'multi'; readonly writes: readonly ClientWrite[] };

/** The model's key for `key` in database 0 (the suite writes db 0 only). */
export function modelKey(key: string): string {
  return `0:${key}`;
}

/** The dataset as the model sees it: model key → canonical value and expiry (model time). */
export type ShadowDataset = Map<string, DatasetEntry>;

/**
 * The key's entry if it is live at `nowMs`. A key found expired is deleted, as Redis's lookup
 * does, and that deletion is propagated (a DEL in the AOF): its op goes to `ops`.
 */
function live(shadow: ShadowDataset, key: string, nowMs: number, ops: LogicalOp[]): DatasetEntry | undefined {
  const entry = shadow.get(modelKey(key));
  if (entry === undefined) return undefined;
  if (entry.expireAtMs !== null && nowMs > entry.expireAtMs) {
    shadow.delete(modelKey(key));
    ops.push({ op: 'del', key: modelKey(key) });
    return undefined;
  }
  return entry;
}

function parsed<T>(entry: DatasetEntry | undefined, prefix: string, empty: T): T {
  if (entry === undefined) return empty;
  assert.ok(entry.value.startsWith(prefix), `typed namespaces: ${entry.value} is not ${prefix}`);
  return JSON.parse(entry.value.slice(prefix.length)) as T;
}

const byText = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

export function listValue(items: readonly string[]): string {
  return `list:${JSON.stringify(items)}`;
}

export function hashValue(fields: Iterable<readonly [string, string]>): string {
  return `hash:${JSON.stringify([...fields].sort(([left], [right]) => byText(left, right)))}`;
}

export function setValue(members: Iterable<string>): string {
  return `set:${JSON.stringify([...members].sort(byText))}`;
}

export function zsetValue(scores: Iterable<readonly [string, number]>): string {
  const sorted = [...scores].sort(([leftMember, leftScore], [rightMember, rightScore]) => leftScore - rightScore || byText(leftMember, rightMember));
  return `zset:${JSON.stringify(sorted)}`;
}

/** The canonical value of an implementation value (the same text the shadow computes). */
export function abstractValue(value: RedisValue): string {
  switch (value.type) {
    case 'string':
      return `string:${value.value}`;
    case 'list':
      return listValue(value.items);
    case 'hash':
      return hashValue(value.fields);
    case 'set':
      return setValue(value.members);
    case 'zset':
      return zsetValue(value.scores);
  }
}

/** Applies one write to the shadow at `nowMs` (model time) and returns its ops (empty: no-op). */
export function applyClientWrite(shadow: ShadowDataset, write: ClientWrite, nowMs: number): LogicalOp[] {
  const ops: LogicalOp[] = [];
  const put = (key: string, value: string, expireAtMs: number | null): LogicalOp[] => {
    shadow.set(modelKey(key), { value, expireAtMs });
    ops.push({ op: 'set', key: modelKey(key), value, expireAtMs });
    return ops;
  };
  switch (write.kind) {
    case 'set':
      live(shadow, write.key, nowMs, ops);
      return put(write.key, `string:${write.value}`, write.ttlMs === undefined ? null : nowMs + write.ttlMs);
    case 'incr': {
      const entry = live(shadow, write.key, nowMs, ops);
      const current = entry === undefined ? 0 : Number(entry.value.slice('string:'.length));
      assert.ok(Number.isSafeInteger(current), 'counters hold integers');
      return put(write.key, `string:${current + 1}`, entry?.expireAtMs ?? null);
    }
    case 'rpush': {
      const entry = live(shadow, write.key, nowMs, ops);
      return put(write.key, listValue([...parsed<string[]>(entry, 'list:', []), ...write.items]), entry?.expireAtMs ?? null);
    }
    case 'hset': {
      const entry = live(shadow, write.key, nowMs, ops);
      const fields = new Map(parsed<[string, string][]>(entry, 'hash:', []));
      fields.set(write.field, write.value);
      return put(write.key, hashValue(fields), entry?.expireAtMs ?? null);
    }
    case 'sadd': {
      const entry = live(shadow, write.key, nowMs, ops);
      const members = new Set(parsed<string[]>(entry, 'set:', []));
      if (members.has(write.member)) return ops;
      members.add(write.member);
      return put(write.key, setValue(members), entry?.expireAtMs ?? null);
    }
    case 'zadd': {
      const entry = live(shadow, write.key, nowMs, ops);
      const scores = new Map(parsed<[string, number][]>(entry, 'zset:', []));
      if (scores.get(write.member) === write.score) return ops;
      scores.set(write.member, write.score);
      return put(write.key, zsetValue(scores), entry?.expireAtMs ?? null);
    }
    case 'del': {
      if (live(shadow, write.key, nowMs, ops) === undefined) return ops;
      shadow.delete(modelKey(write.key));
      ops.push({ op: 'del', key: modelKey(write.key) });
      return ops;
    }
    case 'pexpire': {
      const entry = live(shadow, write.key, nowMs, ops);
      if (entry === undefined) return ops;
      if (write.ttlMs <= 0) {
        shadow.delete(modelKey(write.key));
        ops.push({ op: 'del', key: modelKey(write.key) });
        return ops;
      }
      shadow.set(modelKey(write.key), { value: entry.value, expireAtMs: nowMs + write.ttlMs });
      ops.push({ op: 'expire', key: modelKey(write.key), expireAtMs: nowMs + write.ttlMs });
      return ops;
    }
    case 'persist': {
      const entry = live(shadow, write.key, nowMs, ops);
      if (entry === undefined || entry.expireAtMs === null) return ops;
      shadow.set(modelKey(write.key), { value: entry.value, expireAtMs: null });
      ops.push({ op: 'persist', key: modelKey(write.key) });
      return ops;
    }
    case 'flushall':
      shadow.clear();
      ops.push({ op: 'flushall' });
      return ops;
    case 'multi':
      for (const inner of write.writes) ops.push(...applyClientWrite(shadow, inner, nowMs));
      return ops;
  }
}

/** Keys of the shadow expired at `nowMs` (an active expiry cycle may delete any of them). */
export function expiredKeys(shadow: ShadowDataset, nowMs: number): string[] {
  return [...shadow].filter(([, entry]) => entry.expireAtMs !== null && nowMs > entry.expireAtMs).map(([key]) => key);
}

/** The command lines of a write, as a client sends them (MULTI … EXEC for a transaction). */
export function commandLines(write: ClientWrite): string[][] {
  switch (write.kind) {
    case 'set':
      return [write.ttlMs === undefined ? ['SET', write.key, write.value] : ['SET', write.key, write.value, 'PX', String(write.ttlMs)]];
    case 'incr':
      return [['INCR', write.key]];
    case 'rpush':
      return [['RPUSH', write.key, ...write.items]];
    case 'hset':
      return [['HSET', write.key, write.field, write.value]];
    case 'sadd':
      return [['SADD', write.key, write.member]];
    case 'zadd':
      return [['ZADD', write.key, String(write.score), write.member]];
    case 'del':
      return [['DEL', write.key]];
    case 'pexpire':
      return [['PEXPIRE', write.key, String(write.ttlMs)]];
    case 'persist':
      return [['PERSIST', write.key]];
    case 'flushall':
      return [['FLUSHALL']];
    case 'multi':
      return [['MULTI'], ...write.writes.flatMap(commandLines), ['EXEC']];
  }
}

/** A short label for timelines: `SET s:1 v7`, `MULTI{INCR c:1; DEL s:2}`. */
export function writeLabel(write: ClientWrite): string {
  if (write.kind === 'multi') return `MULTI{${write.writes.map(writeLabel).join('; ')}}`;
  const line = commandLines(write)[0] ?? [];
  return line.map((part) => (part.length > 24 ? `${part.slice(0, 21)}...` : part)).join(' ');
}
