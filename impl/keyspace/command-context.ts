/**
 * The context of one command execution (Redis's client + call() state): the selected db, the
 * time snapshot, the argv to propagate, and key access that applies lazy expiry and type checks.
 *
 * Invariants:
 * - Every key access goes through `lookup`/`read`, which first deletes the key if it is expired
 *   and records `DEL key` in the call's effects at that moment, so expiry deletions precede the
 *   command's own effect, as in Redis (propagateDeletion → alsoPropagate).
 * - Handlers never mutate a stored value directly: `modify` (in place), `store`, `setExpire` and
 *   `remove` go through the keyspace, which calls the mutation observer first and stamps versions.
 * - `finish` asserts that no key this command touched holds an empty collection. (A key `store`
 *   wrote a string to is not recorded for it: it holds no collection unless a later write of the
 *   same command, itself recorded, changed that.)
 * - The command's own argv is propagated iff it raised dirty (or forced), unless prevented;
 *   handlers rewrite `argv` to what Redis would propagate (e.g. SET ... PXAT) by replacing it,
 *   never in place: it starts as the caller's array, which is not copied.
 */
import assert from 'node:assert/strict';
import { type ByteString, type RedisType, type RedisValue, collectionSize } from '../values/redis-value.ts';
import { fail, wrongTypeError } from './command-errors.ts';
import type { CommandSpec } from './command-spec.ts';
import { type Effect, effect } from './effects.ts';
import type { Keyspace, ReadonlyEntry, ReadonlyRedisValue } from './keyspace.ts';

export type ValueOf<T extends RedisType> = Extract<RedisValue, { type: T }>;
export type ReadonlyValueOf<T extends RedisType> = Extract<ReadonlyRedisValue, { type: T }>;

export type Propagation = 'auto' | 'force' | 'prevent';

export interface CommandEnvironment {
  readonly keyspace: Keyspace;
  /** Uniform in [0, 1); used by SPOP. */
  readonly random: () => number;
  /**
   * Commands the host (the persistence layer) adds to the table or replaces in it, by lower-case
   * name; looked up before the keyspace's own. They queue and run inside MULTI/EXEC like any
   * other command. Absent: the keyspace's table alone. Fixed for the environment's life (sessions
   * remember what they looked up).
   */
  readonly hostCommands?: ReadonlyMap<string, CommandSpec>;
}


export class CommandContext {
  readonly keyspace: Keyspace;
  readonly random: () => number;
  readonly nowMs: number;
  db: number;
  /** What this command propagates if it changes the dataset; handlers may replace it. */
  argv: readonly ByteString[];
  propagation: Propagation = 'auto';
  /** Null: this call propagates nothing (see command-call.ts). */
  readonly #effects: Effect[] | null;
  /** Keys to check in `finish` (allocated on the first one: most commands are one SET or GET). */
  #touched: Array<{ db: number; key: ByteString }> | null = null;

  constructor(environment: CommandEnvironment, db: number, argv: readonly ByteString[], nowMs: number, effects: Effect[] | null) {
    assert.ok(argv.length > 0);
    this.keyspace = environment.keyspace;
    this.random = environment.random;
    this.db = db;
    this.argv = argv;
    this.nowMs = nowMs;
    this.#effects = effects;
  }

  arg(index: number): ByteString {
    const value = this.argv[index];
    if (value === undefined) assert.fail(`argument ${index} missing (arity is checked before dispatch)`);
    return value;
  }

  get argc(): number {
    return this.argv.length;
  }

  /** The live entry after lazy expiry, or undefined. */
  lookup(key: ByteString): ReadonlyEntry | undefined {
    const entry = this.keyspace.peek(this.db, key);
    if (entry === undefined || !this.keyspace.isExpired(entry, this.nowMs)) return entry;
    this.keyspace.delete(this.db, key);
    this.#touch(key);
    this.alsoPropagate(['DEL', key]);
    return undefined;
  }

  /** The live value of `type` under key, undefined when missing; WRONGTYPE otherwise. */
  read<T extends RedisType>(key: ByteString, type: T): ReadonlyValueOf<T> | undefined {
    const entry = this.lookup(key);
    if (entry === undefined) return undefined;
    if (entry.value.type !== type) fail(wrongTypeError);
    return entry.value as ReadonlyValueOf<T>;
  }

  /** The stored value of an existing key, announced to the observer, for in-place change. */
  modify<T extends RedisType>(key: ByteString, type: T): ValueOf<T> {
    const entry = this.keyspace.touch(this.db, key);
    assert.equal(entry.value.type, type);
    this.#touch(key);
    return entry.value as ValueOf<T>;
  }

  /** Stores value under key, replacing any entry; the expiry is kept only when asked. */
  store(key: ByteString, value: RedisValue, expiry: { keep: true } | { atMs: number | null }): void {
    const expireAtMs = 'keep' in expiry ? (this.keyspace.peek(this.db, key)?.expireAtMs ?? null) : expiry.atMs;
    this.keyspace.set(this.db, key, value, expireAtMs);
    if (value.type !== 'string') this.#touch(key);
  }

  setExpire(key: ByteString, expireAtMs: number | null): void {
    this.keyspace.setExpire(this.db, key, expireAtMs);
    this.#touch(key);
  }

  remove(key: ByteString): boolean {
    this.#touch(key);
    return this.keyspace.delete(this.db, key);
  }

  /** Deletes key when the collection stored there is empty (Redis deletes emptied collections). */
  removeIfEmpty(key: ByteString): boolean {
    const entry = this.keyspace.peek(this.db, key);
    assert.ok(entry !== undefined);
    return collectionSize(entry.value) === 0 ? this.remove(key) : false;
  }

  addDirty(changes: number): void {
    assert.ok(Number.isSafeInteger(changes) && changes >= 0);
    this.keyspace.dirty += changes;
  }

  /** Propagates argv in this db now, ahead of the command's own effect (Redis's alsoPropagate). */
  alsoPropagate(argv: readonly ByteString[]): void {
    this.#effects?.push(effect(this.db, argv));
  }

  /** Asserts the keyspace invariants for the keys this command touched. */
  finish(): void {
    if (this.#touched === null) return;
    for (const { db, key } of this.#touched) {
      const entry = this.keyspace.peek(db, key);
      if (entry !== undefined) assert.notEqual(collectionSize(entry.value), 0, `key left holding an empty collection`);
    }
  }

  #touch(key: ByteString): void {
    (this.#touched ??= []).push({ db: this.db, key });
  }
}
