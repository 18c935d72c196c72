/**
 * Test support: checks the mutation-observer contract across one step. Given the keyspace before
 * and after, and the observer calls made in between, every entry that changed (value, expiry,
 * version, presence) must have had beforeMutate(db, key) or beforeFlush(db) called, and the FIRST
 * such call must have seen exactly the entry as it was before the step. Written entries must
 * carry versions above the epoch before the step.
 *
 * Invariant: pure over its inputs; returns human-readable violations (empty when the contract held).
 */
import { isDeepStrictEqual } from 'node:util';
import type { ByteString } from '../../values/redis-value.ts';
import { cloneValue, type Keyspace, type MutationObserver, type ReadonlyEntry } from '../keyspace.ts';

export type EntrySnapshot = { readonly value: unknown; readonly expireAtMs: number | null; readonly version: number };
/** `${db}/${key}` → entry. */
export type KeyspaceSnapshot = ReadonlyMap<string, EntrySnapshot>;

export type ObserverCall =
  | { readonly call: 'mutate'; readonly db: number; readonly key: ByteString; readonly seen: EntrySnapshot | undefined }
  | { readonly call: 'flush'; readonly db: number; readonly seen: KeyspaceSnapshot };

function snapshotEntry(entry: ReadonlyEntry): EntrySnapshot {
  return { value: cloneValue(entry.value), expireAtMs: entry.expireAtMs, version: entry.version };
}

export function snapshotKeyspace(keyspace: Keyspace, onlyDb?: number): KeyspaceSnapshot {
  const snapshot = new Map<string, EntrySnapshot>();
  for (const db of keyspace.nonEmptyDatabases()) {
    if (onlyDb !== undefined && db !== onlyDb) continue;
    for (const [key, entry] of keyspace.entries(db)) snapshot.set(`${db}/${key}`, snapshotEntry(entry));
  }
  return snapshot;
}

/** An observer that records each call with what it could see at that moment. */
export function recordingObserver(keyspace: Keyspace, calls: ObserverCall[]): MutationObserver {
  return {
    beforeMutate: (db, key) => {
      const entry = keyspace.peek(db, key);
      calls.push({ call: 'mutate', db, key, seen: entry === undefined ? undefined : snapshotEntry(entry) });
    },
    beforeFlush: (db) => calls.push({ call: 'flush', db, seen: snapshotKeyspace(keyspace, db) }),
  };
}

export function observerViolations(
  before: KeyspaceSnapshot,
  after: KeyspaceSnapshot,
  calls: readonly ObserverCall[],
  epochBefore: number,
): string[] {
  const violations: string[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(id);
    const now = after.get(id);
    if (isDeepStrictEqual(old, now)) continue;
    const slash = id.indexOf('/');
    const db = Number(id.slice(0, slash));
    const key = id.slice(slash + 1);
    const first = calls.find((call) => call.db === db && (call.call === 'flush' || call.key === key));
    if (first === undefined) {
      violations.push(`${id} changed without an observer call`);
      continue;
    }
    const seen = first.call === 'flush' ? first.seen.get(id) : first.seen;
    if (!isDeepStrictEqual(seen, old)) violations.push(`${id}: the first observer call saw ${JSON.stringify(seen)}, not the old entry`);
    if (now !== undefined && now.version <= epochBefore) violations.push(`${id} was written but kept version ${now.version}`);
  }
  return violations;
}
