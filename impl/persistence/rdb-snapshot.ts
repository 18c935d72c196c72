/**
 * RdbSnapshot: the bytes of an RDB file holding the keyspace exactly as it was at one instant
 * (the cut), produced a slice at a time while writes go on: a Dragonfly-style versioned cut with
 * a serialize-before-write hook (reference/forkless-snapshots.md, design 1). The bytes are an
 * RDB file by default; an AOF rewrite passes another SnapshotFormat (snapshot-format.ts) for a
 * base made of commands, with the same cut. No value is copied:
 * the scan serializes entries still at or below the cut, and a write to one the scan has not
 * reached first serializes its old value.
 *
 * How it works:
 * - begin(): cut = keyspace.openCut(), plus each database's key and expiry counts at that
 *   instant (RESIZEDB; exact, so the encoder's count checks verify the cut). O(databases),
 *   independent of the number of keys: this is the whole pause of BGSAVE.
 * - The scan walks databases in ascending order, each with a live Map iterator; an entry with
 *   version ≤ cut is written and restamped cut + 1 (keyspace.markSerialized), so it is never
 *   written twice; entries with a higher version were created or changed after the cut: skipped.
 * - As the keyspace's MutationObserver (background mode): beforeMutate(db, key) of an entry
 *   still ≤ cut serializes its old value first (the write then stamps it above the cut or
 *   deletes it); beforeFlush(db) serializes every remaining entry ≤ cut of that db. A record for
 *   the database being scanned goes straight into the stream; one for a database the scan has
 *   not reached waits in that db's buffer (encoded bytes) and is written right after its
 *   SELECTDB. Databases already passed hold no entry ≤ cut (asserted).
 * - Copy-on-write cost, Redis's rdb_last_cow_size: `cowBytes` counts the bytes serialized early
 *   (by a hook rather than the scan); `bufferedPeakBytes` the most held in buffers at once.
 *   Both are 0 when no write touches an entry the scan has not reached.
 *
 * Invariants:
 * - The chunks, concatenated, are one RDB file whose dataset is the keyspace at the cut: every
 *   key present at the cut with its value and expiry then (also if deleted, changed, expired or
 *   flushed since), and no key created after it.
 * - Each entry present at the cut is serialized exactly once (the encoder asserts each db's
 *   count and expiry count equal those at the cut).
 * - Blocking mode (SAVE: no concurrent writes, no observer) never restamps entries, so it cannot
 *   disturb another cut, and asserts that the epoch did not move.
 */
import assert from 'node:assert/strict';
import type { Keyspace, MutationObserver, ReadonlyEntry } from '../keyspace/index.ts';
import { type ByteString, type RedisValue, databaseCount } from '../values/redis-value.ts';
import type { EncodedSnapshotEntry, SnapshotFormat } from './snapshot-format.ts';

export type SnapshotMode = 'background' | 'blocking';

export interface RdbSnapshotOptions {
  readonly keyspace: Keyspace;
  /** The file's format: rdbSnapshotFormat(...) for an RDB file. */
  readonly format: SnapshotFormat;
  /** Keys the scan visits per slice (skipped ones included). */
  readonly sliceKeys: number;
  readonly mode: SnapshotMode;
}

export interface RdbSnapshotProgress {
  readonly cut: number;
  /** Keys in the keyspace at the cut (current_save_keys_total). */
  readonly keysTotal: number;
  /** Keys written so far, by the scan or early (current_save_keys_processed). */
  readonly keysSerialized: number;
  readonly keysSerializedEarly: number;
  readonly cowBytes: number;
  readonly bufferedBytes: number;
  readonly bufferedPeakBytes: number;
  /** Entries the scan looked at, serialized or skipped. */
  readonly keysVisited: number;
  readonly slices: number;
  readonly finished: boolean;
}

type Phase = 'header' | 'scanning' | 'ended';

/** The keyspace's read side, as the snapshot reads it (entries() of one db, peek of one key). */
type EntryIterator = Iterator<[ByteString, ReadonlyEntry]>;

export class RdbSnapshot implements MutationObserver {
  readonly cut: number;
  readonly #keyspace: Keyspace;
  readonly #format: SnapshotFormat;
  readonly #sliceKeys: number;
  readonly #mode: SnapshotMode;
  readonly #keysAtCut: readonly number[];
  readonly #expiresAtCut: readonly number[];
  readonly #buffers = new Map<number, EncodedSnapshotEntry[]>();
  #phase: Phase = 'header';
  /** The db whose SELECTDB is written (-1 before the first). */
  #scanDb = -1;
  #iterator: EntryIterator | null = null;
  #serialized = 0;
  #early = 0;
  #cowBytes = 0;
  #buffered = 0;
  #bufferedPeak = 0;
  #visited = 0;
  #slices = 0;

  private constructor(options: RdbSnapshotOptions) {
    assert.ok(Number.isSafeInteger(options.sliceKeys) && options.sliceKeys >= 1, 'a slice visits at least one key');
    this.#keyspace = options.keyspace;
    this.#format = options.format;
    this.#sliceKeys = options.sliceKeys;
    this.#mode = options.mode;
    this.cut = options.keyspace.openCut();
    const keys: number[] = [];
    const expires: number[] = [];
    for (let db = 0; db < databaseCount; db += 1) {
      keys.push(options.keyspace.size(db));
      expires.push(options.keyspace.expiresSize(db));
    }
    this.#keysAtCut = keys;
    this.#expiresAtCut = expires;
  }

  /** Records the cut in O(databases). The caller installs it as the observer (background mode). */
  static begin(options: RdbSnapshotOptions): RdbSnapshot {
    return new RdbSnapshot(options);
  }

  get finished(): boolean {
    return this.#phase === 'ended';
  }

  progress(): RdbSnapshotProgress {
    return {
      cut: this.cut,
      keysTotal: this.#keysAtCut.reduce((sum, count) => sum + count, 0),
      keysSerialized: this.#serialized,
      keysSerializedEarly: this.#early,
      cowBytes: this.#cowBytes,
      bufferedBytes: this.#buffered,
      bufferedPeakBytes: this.#bufferedPeak,
      keysVisited: this.#visited,
      slices: this.#slices,
      finished: this.finished,
    };
  }

  /** The next piece of the file (one slice of the scan plus any early records), or null at the end. */
  nextChunk(): Uint8Array | null {
    if (this.#phase === 'ended') return null;
    if (this.#mode === 'blocking') assert.equal(this.#keyspace.epoch, this.cut + 1, 'nothing writes during a blocking save');
    this.#slices += 1;
    const parts: Uint8Array[] = [];
    if (this.#phase === 'header') {
      parts.push(this.#format.header());
      this.#phase = 'scanning';
    }
    let budget = this.#sliceKeys;
    while (budget > 0 && this.#phase === 'scanning') {
      if (this.#iterator === null) {
        this.#enterNextDb(parts);
        continue;
      }
      const step = this.#iterator.next();
      if (step.done === true) {
        this.#iterator = null;
        continue;
      }
      budget -= 1;
      this.#visited += 1;
      const [key, entry] = step.value;
      if (entry.version > this.cut) continue;
      this.#format.appendEntry(key, entry.value as RedisValue, entry.expireAtMs);
      if (this.#mode === 'background') this.#keyspace.markSerialized(this.#scanDb, key, this.cut);
      this.#serialized += 1;
    }
    if (this.#phase === 'scanning') parts.push(this.#format.flush());
    return parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
  }

  /** Writes SELECTDB + RESIZEDB of the next db that had keys at the cut, then its buffer; or ends. */
  #enterNextDb(parts: Uint8Array[]): void {
    let db = this.#scanDb + 1;
    while (db < databaseCount && (this.#keysAtCut[db] ?? 0) === 0) {
      assert.ok(!this.#buffers.has(db), `db ${db} had no keys at the cut, so nothing was serialized early`);
      db += 1;
    }
    if (db === databaseCount) {
      assert.equal(this.#buffers.size, 0, 'every early record was written');
      assert.equal(this.#buffered, 0);
      parts.push(this.#format.end());
      this.#phase = 'ended';
      return;
    }
    parts.push(this.#format.selectDb(db, this.#keysAtCut[db] ?? 0, this.#expiresAtCut[db] ?? 0));
    this.#scanDb = db;
    for (const record of this.#buffers.get(db) ?? []) {
      this.#format.appendEncodedEntry(record);
      this.#buffered -= record.bytes.length;
    }
    this.#buffers.delete(db);
    this.#iterator = this.#keyspace.entries(db);
  }

  beforeMutate(db: number, key: ByteString): void {
    const entry = this.#keyspace.peek(db, key);
    if (entry === undefined || entry.version > this.cut) return;
    this.#serializeEarly(db, key, entry);
  }

  beforeFlush(db: number): void {
    for (const [key, entry] of this.#keyspace.entries(db)) {
      if (entry.version <= this.cut) this.#serializeEarly(db, key, entry);
    }
  }

  #serializeEarly(db: number, key: ByteString, entry: ReadonlyEntry): void {
    assert.equal(this.#mode, 'background', 'only a background snapshot observes writes');
    assert.ok(this.#phase !== 'ended', 'a finished snapshot is no longer the observer');
    assert.ok(db >= this.#scanDb, `db ${db} was fully scanned, yet holds an entry at or below the cut`);
    const record = this.#format.encodeEntry(key, entry.value as RedisValue, entry.expireAtMs);
    this.#early += 1;
    this.#serialized += 1;
    this.#cowBytes += record.bytes.length;
    if (db === this.#scanDb) {
      this.#format.appendEncodedEntry(record);
      return;
    }
    let buffer = this.#buffers.get(db);
    if (buffer === undefined) this.#buffers.set(db, (buffer = []));
    buffer.push(record);
    this.#buffered += record.bytes.length;
    this.#bufferedPeak = Math.max(this.#bufferedPeak, this.#buffered);
  }
}
