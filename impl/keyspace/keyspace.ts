/**
 * The keyspace: 16 databases of key → { value, absolute-ms expiry, version }, with Redis 7.0's
 * expiry rules, the server's `dirty` counter, and the mutation hook point-in-time snapshots use.
 *
 * Invariants:
 * - A key is expired when it has an expiry and now > expireAtMs (keyIsExpired); at exactly the
 *   deadline it is still alive. While `loading` is set (replaying an AOF or RDB) nothing expires.
 * - Expired keys stay stored until touched (lazy expiry: `expireIfNeeded`, or a command's lookup
 *   doing the same with one map lookup, command-context.ts) or reached by `activeExpireCycle`;
 *   `size(db)` counts them, as DBSIZE does. Expiry deletions do not count as dirty changes.
 * - Collections are never left empty: command code deletes a key whose collection empties
 *   (CommandContext checks this after every command).
 *
 * Mutation-observer contract (for a versioned, Dragonfly-style snapshot):
 * - `epoch` is the last version handed out. Every write (creation, value change, in-place
 *   collection change, expiry change) stamps the entry with `version = ++epoch`, so an entry's
 *   version only grows, and a snapshot that records `cut = epoch` sees every entry written after
 *   the cut with version > cut. Deletions hand out no version.
 * - `observer.beforeMutate(db, key)` is called BEFORE every write or deletion of a key, including
 *   creation of a missing key, lazy and active expiry, SET over an existing key and in-place
 *   collection changes. During the call `peek(db, key)` still shows the pre-mutation entry (or
 *   none, for a creation), with its old version; the observer serializes it if its version ≤ cut.
 * - FLUSHDB/FLUSHALL call `observer.beforeFlush(db)` once per database that holds at least one
 *   key, before removing anything, and NOT beforeMutate per key; the database is intact during
 *   the call.
 * - The observer must not mutate the keyspace (asserted). With no observer the hook costs one
 *   null check.
 * - `openCut()` starts a snapshot in O(1): it returns cut = epoch and hands out cut + 1 as the
 *   snapshot's own stamp, so every write after it gets a version >= cut + 2. The snapshot's scan
 *   calls `markSerialized(db, key, cut)` on each entry it wrote out, restamping it cut + 1: above
 *   the cut (the observer then knows not to write it again) yet not above any later cut. This is
 *   not a write: no observer call, no dirty change, value and expiry untouched.
 * - Views from `peek`/`entries` are live: valid until the next mutation of that key.
 */
import assert from 'node:assert/strict';
import { type ByteString, type DatabaseContents, type KeyEntry, type RedisValue, databaseCount } from '../values/redis-value.ts';
import { type Effect, effect } from './effects.ts';

export type ReadonlyRedisValue =
  | { readonly type: 'string'; readonly value: ByteString }
  | { readonly type: 'list'; readonly items: readonly ByteString[] }
  | { readonly type: 'hash'; readonly fields: ReadonlyMap<ByteString, ByteString> }
  | { readonly type: 'set'; readonly members: ReadonlySet<ByteString> }
  | { readonly type: 'zset'; readonly scores: ReadonlyMap<ByteString, number> };

export interface ReadonlyEntry {
  readonly value: ReadonlyRedisValue;
  readonly expireAtMs: number | null;
  readonly version: number;
}

export interface StoredEntry extends KeyEntry {
  version: number;
}

export interface MutationObserver {
  beforeMutate(db: number, key: ByteString): void;
  beforeFlush(db: number): void;
}

export interface KeyspaceOptions {
  /** Wall-clock time in Unix ms, used by active expiry (commands take theirs per call). */
  readonly now: () => number;
}

export function cloneValue(value: ReadonlyRedisValue): RedisValue {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: value.value };
    case 'list':
      return { type: 'list', items: [...value.items] };
    case 'hash':
      return { type: 'hash', fields: new Map(value.fields) };
    case 'set':
      return { type: 'set', members: new Set(value.members) };
    case 'zset':
      return { type: 'zset', scores: new Map(value.scores) };
    default: {
      const never: never = value;
      return assert.fail(`unknown value ${JSON.stringify(never)}`);
    }
  }
}

function assertDb(db: number): void {
  // Not assert.ok(cond, `...`): that would build the message on every call (this is on every key access).
  if (!(Number.isInteger(db) && db >= 0 && db < databaseCount)) assert.fail(`db ${db} out of range`);
}

export class Keyspace {
  readonly #databases: Map<ByteString, StoredEntry>[] = Array.from({ length: databaseCount }, () => new Map());
  /** Keys with an expiry, per db (Redis's db->expires), for active expiry. */
  readonly #expiring: Set<ByteString>[] = Array.from({ length: databaseCount }, () => new Set());
  readonly #now: () => number;
  #observer: MutationObserver | null = null;
  #inObserver = false;
  #epoch = 0;
  #dirty = 0;
  #expireCursor: { db: number; keys: Iterator<ByteString> } = { db: databaseCount - 1, keys: [][Symbol.iterator]() };
  /** Set while a dataset is being loaded: nothing expires, past expiries are kept (server.loading). */
  loading = false;

  constructor(options: KeyspaceOptions) {
    this.#now = options.now;
  }

  now(): number {
    const now = this.#now();
    if (!Number.isSafeInteger(now)) assert.fail(`clock returned ${now}`);
    return now;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** Redis's server.dirty: changes since the last successful save. */
  get dirty(): number {
    return this.#dirty;
  }

  set dirty(value: number) {
    if (!(Number.isSafeInteger(value) && value >= 0)) assert.fail(`dirty ${value}`);
    this.#dirty = value;
  }

  setObserver(observer: MutationObserver | null): void {
    this.#observer = observer;
  }

  // ---- reads (no expiry applied) ----

  peek(db: number, key: ByteString): ReadonlyEntry | undefined {
    assertDb(db);
    return this.#databases[db]?.get(key);
  }

  copyEntry(db: number, key: ByteString): KeyEntry | undefined {
    const entry = this.peek(db, key);
    return entry === undefined ? undefined : { value: cloneValue(entry.value), expireAtMs: entry.expireAtMs };
  }

  copyDatabase(db: number): DatabaseContents {
    const copy: DatabaseContents = new Map();
    for (const [key, entry] of this.entries(db)) copy.set(key, { value: cloneValue(entry.value), expireAtMs: entry.expireAtMs });
    return copy;
  }

  /** Number of stored keys, expired-but-not-yet-deleted ones included (DBSIZE). */
  size(db: number): number {
    assertDb(db);
    return this.#databases[db]?.size ?? 0;
  }

  /** Number of stored keys with an expiry (Redis's dictSize(db->expires)), in O(1). */
  expiresSize(db: number): number {
    assertDb(db);
    return this.#expiring[db]?.size ?? 0;
  }

  /** Keys in insertion order; a live iterator that tolerates concurrent mutation. */
  keys(db: number): IterableIterator<ByteString> {
    assertDb(db);
    return this.#db(db).keys();
  }

  entries(db: number): IterableIterator<[ByteString, ReadonlyEntry]> {
    assertDb(db);
    return this.#db(db).entries();
  }

  nonEmptyDatabases(): number[] {
    return this.#databases.flatMap((database, db) => (database.size > 0 ? [db] : []));
  }

  // ---- versioned cuts (point-in-time snapshots) ----

  /** Starts a cut in O(1): returns cut = epoch and reserves version cut + 1 for markSerialized. */
  openCut(): number {
    const cut = this.#epoch;
    this.#epoch += 1;
    assert.ok(this.#epoch === cut + 1);
    return cut;
  }

  /**
   * Restamps an entry a snapshot with this cut has just written out (version ≤ cut) with cut + 1,
   * so the snapshot skips it from now on. Not a mutation: the observer is not called.
   */
  markSerialized(db: number, key: ByteString, cut: number): void {
    const entry = this.#db(db).get(key);
    assert.ok(entry !== undefined, 'markSerialized needs an existing key');
    if (entry.version > cut) assert.fail(`entry version ${entry.version} is at or below the cut ${cut}`);
    assert.ok(cut + 1 <= this.#epoch, 'the cut was opened with openCut');
    entry.version = cut + 1;
  }

  // ---- expiry ----

  isExpired(entry: ReadonlyEntry, nowMs: number): boolean {
    return entry.expireAtMs !== null && !this.loading && nowMs > entry.expireAtMs;
  }

  /** Deletes the key if it is expired at nowMs; true when it did (the caller propagates DEL). */
  expireIfNeeded(db: number, key: ByteString, nowMs: number): boolean {
    const entry = this.peek(db, key);
    if (entry === undefined || !this.isExpired(entry, nowMs)) return false;
    this.delete(db, key);
    return true;
  }

  /**
   * Examines up to maxKeys keys that have an expiry, resuming where the last cycle stopped (db by
   * db, insertion order), and deletes the expired ones. Returns one bare `DEL key` effect per
   * deletion: Redis 7.0 propagates each active-expiry deletion on its own, never wrapped.
   */
  activeExpireCycle(maxKeys: number): Effect[] {
    assert.ok(Number.isInteger(maxKeys) && maxKeys >= 0);
    if (this.loading) return [];
    const nowMs = this.now();
    const effects: Effect[] = [];
    let examined = 0;
    let databasesStarted = 0;
    while (examined < maxKeys && databasesStarted <= databaseCount) {
      const next = this.#expireCursor.keys.next();
      if (next.done === true) {
        const db = (this.#expireCursor.db + 1) % databaseCount;
        this.#expireCursor = { db, keys: this.#expiring[db]?.values() ?? [][Symbol.iterator]() };
        databasesStarted += 1;
        continue;
      }
      examined += 1;
      const { db } = this.#expireCursor;
      if (this.expireIfNeeded(db, next.value, nowMs)) effects.push(effect(db, ['DEL', next.value]));
    }
    return effects;
  }

  // ---- writes: each calls the observer first ----

  /** Stores a new value under key (creating or replacing the entry) with the given expiry. */
  set(db: number, key: ByteString, value: RedisValue, expireAtMs: number | null): StoredEntry {
    this.#beforeMutate(db, key);
    const entry: StoredEntry = { value, expireAtMs, version: this.#nextVersion() };
    this.#db(db).set(key, entry);
    this.#trackExpiry(db, key, expireAtMs);
    return entry;
  }

  /**
   * Adds a key read from a file while `loading` (RDB load): stamped like any write, but with no
   * observer call (nothing can be snapshotting a keyspace being loaded) and no expiry lookup for
   * a key without one. Returns false when the key was already there (a duplicate in the file:
   * the caller fails the load; the new entry replaced the old one).
   */
  insertLoaded(db: number, key: ByteString, value: RedisValue, expireAtMs: number | null): boolean {
    assert.ok(this.loading, 'insertLoaded is for loading');
    assert.equal(this.#observer, null, 'no snapshot observes a keyspace being loaded');
    const database = this.#db(db);
    const sizeBefore = database.size;
    database.set(key, { value, expireAtMs, version: this.#nextVersion() });
    if (expireAtMs !== null) this.#expiring[db]?.add(key);
    return database.size > sizeBefore;
  }

  /** Announces an in-place change of an existing entry and stamps it; the caller then mutates it. */
  touch(db: number, key: ByteString): StoredEntry {
    const entry = this.#db(db).get(key);
    assert.ok(entry !== undefined, 'touch needs an existing key');
    this.#beforeMutate(db, key);
    entry.version = this.#nextVersion();
    return entry;
  }

  setExpire(db: number, key: ByteString, expireAtMs: number | null): void {
    const entry = this.touch(db, key);
    entry.expireAtMs = expireAtMs;
    this.#trackExpiry(db, key, expireAtMs);
  }

  delete(db: number, key: ByteString): boolean {
    if (!this.#db(db).has(key)) return false;
    this.#beforeMutate(db, key);
    this.#db(db).delete(key);
    this.#expiring[db]?.delete(key);
    return true;
  }

  /** Empties one database; returns how many keys it held (expired ones included). */
  flushDatabase(db: number): number {
    const database = this.#db(db);
    const removed = database.size;
    if (removed === 0) return 0;
    assert.ok(!this.#inObserver, 'the observer must not mutate the keyspace');
    if (this.#observer !== null) this.#callObserver(() => this.#observer?.beforeFlush(db));
    database.clear();
    this.#expiring[db]?.clear();
    return removed;
  }

  flushAll(): number {
    let removed = 0;
    for (let db = 0; db < databaseCount; db += 1) removed += this.flushDatabase(db);
    return removed;
  }

  #db(db: number): Map<ByteString, StoredEntry> {
    const database = this.#databases[db];
    if (database === undefined) assert.fail(`db ${db} out of range`);
    return database;
  }

  #nextVersion(): number {
    this.#epoch += 1;
    return this.#epoch;
  }

  #trackExpiry(db: number, key: ByteString, expireAtMs: number | null): void {
    const expiring = this.#expiring[db];
    if (expiring === undefined) return;
    if (expireAtMs !== null) expiring.add(key);
    else if (expiring.size > 0) expiring.delete(key);
  }

  #beforeMutate(db: number, key: ByteString): void {
    assert.ok(!this.#inObserver, 'the observer must not mutate the keyspace');
    if (this.#observer !== null) this.#callObserver(() => this.#observer?.beforeMutate(db, key));
  }

  #callObserver(call: () => void): void {
    this.#inObserver = true;
    try {
      call();
    } finally {
      this.#inObserver = false;
    }
  }
}
