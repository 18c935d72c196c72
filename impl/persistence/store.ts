/**
 * Store: a Redis 7.0 keyspace with RDB persistence, over an injected FileSystem, clock, random
 * source and background scheduler. It loads dump.rdb at open and runs commands the way Redis's
 * processCommand does: the checks before a command runs or is queued (MISCONF, SAVE inside
 * MULTI, CONFIG subcommands), SAVE and FLUSHALL's save as blocking operations, everything else
 * in the client's session. What the RDB commands do is rdb-persistence.ts's.
 *
 * Invariants:
 * - Commands run in the order they are issued, across sessions, each at the moment it is issued,
 *   except while a synchronous save (SAVE, FLUSHALL's save) is in progress: like Redis's blocked
 *   event loop, later commands and cron ticks wait and then run in order.
 * - A reply's promise resolves after its persistence work: SAVE once the file is durable or the
 *   save failed, FLUSHALL once its save is done. (The AOF issue holds replies until the turn's
 *   AOF write here: a call's effects are available where `client.execute` returns.)
 * - Errors that are not persistence outcomes (a SimulatedCrash, a broken invariant) make the
 *   store unusable: every later call rejects with the first such error.
 */
import assert from 'node:assert/strict';
import { isValidPath, joinPath } from '../fs/fs-path.ts';
import { activeExpireKeysPerCron } from '../impl-limits.ts';
import { ClientSession, type CommandEnvironment, Keyspace, type Reply, arityAccepts, asciiLower } from '../keyspace/index.ts';
import type { ByteString, DatabaseContents } from '../values/redis-value.ts';
import { misconfRdbError, refusedWhileDenied } from './disk-error-refusal.ts';
import type { PersistenceInfo } from './persistence-info.ts';
import { loadRdbFile } from './rdb-loader.ts';
import { type BgsaveStart, type FlushAllSave, RdbPersistence } from './rdb-persistence.ts';
import { type StoreCommandHost, configPreflight, notAllowedInTransactionError, storeCommands } from './store-commands.ts';
import { type StoreConfig, assertStoreConfig } from './store-config.ts';
import type { OpenStoreOptions } from './store-options.ts';
import { StoreSession } from './store-session.ts';

export { anotherChildError, bgsaveInProgressError } from './rdb-persistence.ts';

export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the store is closed');
  }
}

export interface CronReport {
  /** Keys the active expiry cycle deleted in this tick. */
  readonly expiredKeys: number;
  /** Whether this tick started a BGSAVE, and why. */
  readonly bgsaveStarted: BgsaveStart | null;
}

export interface CloseOptions {
  /** A running BGSAVE: 'cancel' it (its temp file is removed) or let it 'finish'. */
  readonly background: 'cancel' | 'finish';
}

export interface TurnCall {
  readonly session: StoreSession;
  readonly argv: readonly ByteString[];
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  return Store.open(options);
}

export class Store {
  readonly #directory: string;
  readonly #keyspace: Keyspace;
  readonly #rdb: RdbPersistence;
  readonly #environment: CommandEnvironment;
  readonly #defaultSession: StoreSession;
  #config: StoreConfig;
  #inExec = false;
  #flushAllSave: FlushAllSave | null = null;
  #blocked = false;
  #waiting: Array<() => void> = [];
  #closing: Promise<void> | null = null;
  #fatal: { readonly error: unknown } | null = null;

  private constructor(options: OpenStoreOptions, keyspace: Keyspace, rdb: (store: Store) => RdbPersistence) {
    this.#directory = options.directory;
    this.#config = options.config;
    this.#keyspace = keyspace;
    this.#rdb = rdb(this);
    this.#environment = { keyspace, random: options.random, hostCommands: storeCommands(this.#commandHost()) };
    this.#defaultSession = this.session();
  }

  /** Opens the store: loads `directory/dbfilename` if present (see rdb-loader.ts). */
  static async open(options: OpenStoreOptions): Promise<Store> {
    assertStoreConfig(options.config);
    assert.ok(isValidPath(options.directory), `an absolute directory path: ${options.directory}`);
    assert.ok(Number.isSafeInteger(options.processId) && options.processId >= 0, 'processId is a pid-like count');
    const keyspace = new Keyspace({ now: () => options.clock.nowMs() });
    const load = await loadRdbFile({
      fileSystem: options.fileSystem,
      path: joinPath(options.directory, options.config.dbfilename),
      keyspace,
      nowMs: options.clock.nowMs(),
      verifyChecksum: options.config.rdbchecksum,
    });
    return new Store(
      options,
      keyspace,
      (store) =>
        new RdbPersistence({
          fileSystem: options.fileSystem,
          directory: options.directory,
          clock: options.clock,
          scheduler: options.scheduler,
          processId: options.processId,
          keyspace,
          config: () => store.#config,
          load,
          onFatal: (error) => store.#recordFatal(error),
        }),
    );
  }

  get config(): StoreConfig {
    return this.#config;
  }

  /** A new client: its own selected db and MULTI state. */
  session(): StoreSession {
    return new StoreSession({ process: (client, argv) => this.#whenUnblocked(() => this.#process(client, argv)) }, new ClientSession(this.#environment));
  }

  /** One command from the store's own default client. */
  execute(argv: readonly ByteString[]): Promise<Reply> {
    return this.#defaultSession.execute(argv);
  }

  /** One event-loop turn: the commands run in order now; the replies come back together. */
  turn(calls: readonly TurnCall[]): Promise<Reply[]> {
    return Promise.all(calls.map((call) => call.session.execute(call.argv)));
  }

  /** One serverCron tick: active expiry, then save points and a scheduled BGSAVE. */
  cron(): Promise<CronReport> {
    return this.#whenUnblocked(() => {
      const expired = this.#keyspace.activeExpireCycle(activeExpireKeysPerCron);
      return Promise.resolve({ expiredKeys: expired.length, bgsaveStarted: this.#rdb.cronTick() });
    });
  }

  info(): PersistenceInfo {
    return this.#rdb.info();
  }

  /** A deep copy of the dataset (non-empty databases only), expired-but-stored keys included. */
  dataset(): Map<number, DatabaseContents> {
    const databases = new Map<number, DatabaseContents>();
    for (const db of this.#keyspace.nonEmptyDatabases()) databases.set(db, this.#keyspace.copyDatabase(db));
    return databases;
  }

  /** Resolves when no background job is running (after its outcome was applied). */
  backgroundSettled(): Promise<void> {
    return this.#rdb.backgroundSettled();
  }

  /**
   * Stops accepting commands, lets those already issued finish, then cancels or awaits the
   * background job. Rejects with the store's fatal error if it had one.
   */
  close(options: CloseOptions): Promise<void> {
    this.#closing ??= this.#closeNow(options);
    return this.#closing;
  }

  async #closeNow(options: CloseOptions): Promise<void> {
    if (this.#blocked || this.#waiting.length > 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    if (options.background === 'cancel') this.#rdb.cancelBackground();
    await this.#rdb.backgroundSettled();
    this.#keyspace.setObserver(null);
    if (this.#fatal !== null) throw this.#fatal.error;
  }

  // ---- ordering: blocking saves and fatal errors ----

  #whenUnblocked<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closing !== null) return Promise.reject(new StoreClosedError());
    if (!this.#blocked && this.#waiting.length === 0) return this.#guard(operation);
    return new Promise<T>((resolve, reject) => this.#waiting.push(() => void this.#guard(operation).then(resolve, reject)));
  }

  #guard<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#fatal !== null) return Promise.reject(this.#fatal.error);
    try {
      return operation();
    } catch (error) {
      this.#recordFatal(error);
      return Promise.reject(error);
    }
  }

  #recordFatal(error: unknown): void {
    this.#fatal ??= { error };
  }

  /** Runs `work` with every later command waiting (Redis's blocked event loop). */
  #block<T>(work: () => Promise<T>): Promise<T> {
    assert.ok(!this.#blocked, 'one blocking operation at a time');
    this.#blocked = true;
    const unblock = (): void => {
      this.#blocked = false;
      while (!this.#blocked && this.#waiting.length > 0) this.#waiting.shift()?.();
    };
    return work().then(
      (value) => {
        unblock();
        return value;
      },
      (error: unknown) => {
        this.#recordFatal(error);
        unblock();
        throw error;
      },
    );
  }

  // ---- processCommand ----

  /** The checks Redis makes before running or queueing a command, then the call. */
  #process(client: ClientSession, argv: readonly ByteString[]): Promise<Reply> {
    assert.ok(argv.length > 0, 'a command has a name');
    const name = asciiLower(argv[0] ?? '');
    const spec = client.lookup(name);
    if (spec !== undefined && arityAccepts(spec, argv.length)) {
      const preflight = configPreflight(argv);
      if (preflight !== undefined) return Promise.resolve(client.reject(argv, preflight).reply);
      if (client.inTransaction && name === 'save') return Promise.resolve(client.reject(argv, notAllowedInTransactionError).reply);
      const queuedWrite = name === 'exec' && client.queuedCommands.some((queued) => queued.write);
      if (this.#rdb.writesDenied() && refusedWhileDenied({ name, write: spec.write, queuedWrite })) {
        return Promise.resolve(client.reject(argv, misconfRdbError).reply);
      }
      if (!client.inTransaction && name === 'save') {
        if (this.#rdb.bgsaveRunning) return this.#rdb.save();
        return this.#block(() => this.#rdb.save());
      }
    }
    this.#inExec = name === 'exec' && client.inTransaction;
    let reply: Reply;
    try {
      reply = client.execute(argv).reply;
    } finally {
      this.#inExec = false;
    }
    const flushAllSave = this.#flushAllSave;
    this.#flushAllSave = null;
    if (flushAllSave === null) return Promise.resolve(reply);
    return this.#block(async () => {
      await this.#rdb.saveAfterFlushAll(flushAllSave);
      return reply;
    });
  }

  #commandHost(): StoreCommandHost {
    return {
      bgsave: (schedule) => this.#rdb.bgsaveCommand(schedule, this.#inExec),
      lastSaveSeconds: () => this.#rdb.lastSaveSeconds,
      persistenceInfo: () => this.#rdb.info(),
      config: () => this.#config,
      directory: this.#directory,
      setConfig: (config) => {
        assertStoreConfig(config);
        this.#config = config;
      },
      beforeFlushAll: () => this.#rdb.beforeFlushAll(),
      afterFlushAll: () => {
        this.#flushAllSave = this.#rdb.afterFlushAll();
      },
    };
  }
}
