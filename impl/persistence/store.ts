/**
 * Store: a Redis 7.0 keyspace with RDB and AOF persistence, over an injected FileSystem, clock,
 * random source and background scheduler. At open it loads the AOF (appendonly yes: only the
 * AOF, dump.rdb is ignored) or dump.rdb, then opens the AOF if it is on. It runs commands the
 * way Redis's processCommand does: the checks before a command runs or is queued (MISCONF, SAVE
 * inside MULTI, CONFIG subcommands), blocking operations (SAVE, FLUSHALL's save, BGREWRITEAOF's
 * start, CONFIG SET appendonly), everything else in the client's session; and it ends every
 * event-loop turn with the AOF's flush (beforeSleep) before any reply of the turn is released.
 * What the RDB and AOF do is rdb-persistence.ts's and aof-persistence.ts's.
 *
 * Invariants:
 * - Commands run in the order they are issued, across sessions, each at the moment it is issued,
 *   except while a blocking operation is in progress: like Redis's blocked event loop, later
 *   commands and cron ticks wait and then run in order.
 * - A turn is every command that runs before the event loop gets control back (those issued
 *   synchronously together, e.g. by `turn()`, or released together after a block). Its effects
 *   go to the AOF buffer as each command runs; the turn ends with ONE flush (one write, and under
 *   appendfsync always one fdatasync) and only then do its replies resolve. Under everysec the
 *   write may be postponed (< 2 s) behind a background fsync: the replies still resolve.
 * - A reply's promise also waits for its command's persistence work: SAVE once the file is
 *   durable or the save failed, FLUSHALL once its save is done, BGREWRITEAOF once the new incr
 *   is committed (or the start failed), CONFIG SET appendonly once the AOF is switched.
 * - Fatal errors make the store unusable: every later call rejects with the first one. They are
 *   errors that are not persistence outcomes (a SimulatedCrash, a broken invariant) and the
 *   AofFatalError of appendfsync always (a failed AOF write or fsync: Redis exits). The replies
 *   of the turn that hit an AofFatalError reject with it: they are never acknowledged.
 */
import assert from 'node:assert/strict';
import { emptyAofManifest } from '../encoding/aof-manifest.ts';
import { isValidPath, joinPath } from '../fs/fs-path.ts';
import { activeExpireKeysPerCron } from '../impl-limits.ts';
import { ClientSession, type CommandEnvironment, Keyspace, type Reply, arityAccepts, errorReply } from '../keyspace/index.ts';
import type { ByteString, DatabaseContents } from '../values/redis-value.ts';
import { AofLayout } from './aof-layout.ts';
import { upgradeLegacyAof } from './aof-legacy-upgrade.ts';
import { type AofLoadReport, loadAofFiles } from './aof-loader.ts';
import { readManifest } from './aof-manifest-file.ts';
import { AofPersistence, type RewriteTrigger, enableFailedReason, rewriteFailedError, rewriteStartedReply } from './aof-persistence.ts';
import { BackgroundJobs } from './background-jobs.ts';
import { misconfRdbError, refusedWhileDenied } from './disk-error-refusal.ts';
import type { PersistenceInfo } from './persistence-info.ts';
import { type RdbLoadReport, loadRdbFile } from './rdb-loader.ts';
import { type BgsaveStart, RdbPersistence } from './rdb-persistence.ts';
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
  /** Whether this tick started an AOF rewrite (a scheduled one, or on growth), and why. */
  readonly aofRewriteStarted: RewriteTrigger | null;
}

export interface CloseOptions {
  /** A running BGSAVE or AOF rewrite: 'cancel' it (its temp file is removed) or let it 'finish'. */
  readonly background: 'cancel' | 'finish';
}

export interface TurnCall {
  readonly session: StoreSession;
  readonly argv: readonly ByteString[];
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  return Store.open(options);
}

/** Work to do after a command, with the store blocked; it may replace the command's reply. */
type AfterCommand = (reply: Reply) => Promise<Reply>;

const resolved = Promise.resolve();

/** A command's reply, released once its turn's AOF flush is done (rejected if that failed). */
function afterTurn(turn: Promise<void>, reply: Reply | Promise<Reply>): Promise<Reply> {
  return Promise.all([reply, turn]).then(firstOfPair);
}

function firstOfPair([reply]: readonly [Reply, void]): Reply {
  return reply;
}

export class Store {
  readonly #directory: string;
  readonly #keyspace: Keyspace;
  readonly #jobs: BackgroundJobs;
  readonly #rdb: RdbPersistence;
  readonly #aof: AofPersistence;
  readonly #environment: CommandEnvironment;
  readonly #defaultSession: StoreSession;
  #config: StoreConfig;
  #inExec = false;
  #afterCommand: AfterCommand[] = [];
  #turn: Promise<void> | null = null;
  #blocked = false;
  #waiting: Array<() => void> = [];
  #closing: Promise<void> | null = null;
  #fatal: { readonly error: unknown } | null = null;

  private constructor(options: OpenStoreOptions, keyspace: Keyspace, jobs: BackgroundJobs, aof: AofPersistence, rdbLoad: RdbLoadReport) {
    this.#directory = options.directory;
    this.#config = options.config;
    this.#keyspace = keyspace;
    this.#jobs = jobs;
    this.#aof = aof;
    this.#rdb = new RdbPersistence({
      fileSystem: options.fileSystem,
      directory: options.directory,
      clock: options.clock,
      scheduler: options.scheduler,
      processId: options.processId,
      keyspace,
      jobs,
      config: () => this.#config,
      load: rdbLoad,
      onFatal: (error) => this.#recordFatal(error),
    });
    this.#environment = { keyspace, random: options.random, hostCommands: storeCommands(this.#commandHost()) };
    this.#defaultSession = this.session();
  }

  /**
   * Opens the store (Redis 7.0 main: aofLoadManifestFromDisk, loadDataFromDisk,
   * aofOpenIfNeededOnServerStart, aofDelHistoryFiles). appendonly yes: a legacy appendonly.aof
   * is upgraded, the AOF loaded (aof-loader.ts; AofLoadError when Redis would refuse), and with
   * no AOF at all the store starts empty and creates base 1 + incr 1. appendonly no: dump.rdb
   * is loaded (rdb-loader.ts). The manifest is read either way (a bad one refuses the start).
   */
  static async open(options: OpenStoreOptions): Promise<Store> {
    const { config, fileSystem } = options;
    assertStoreConfig(config);
    assert.ok(isValidPath(options.directory), `an absolute directory path: ${options.directory}`);
    assert.ok(Number.isSafeInteger(options.processId) && options.processId >= 0, 'processId is a pid-like count');
    const keyspace = new Keyspace({ now: () => options.clock.nowMs() });
    const layout = new AofLayout(options.directory, config.appendfilename, config.appenddirname);
    let manifest = await readManifest(fileSystem, layout);
    let aofLoad: AofLoadReport | null = null;
    let rdbLoad: RdbLoadReport;
    if (config.appendonly) {
      manifest = await upgradeLegacyAof(fileSystem, layout, manifest);
      aofLoad = await loadAofFiles({
        fileSystem,
        layout,
        manifest: manifest ?? emptyAofManifest(),
        keyspace,
        random: options.random,
        loadTruncated: config.aofLoadTruncated,
        verifyChecksum: config.rdbchecksum,
        tornTail: 'cut',
      });
      rdbLoad = { source: 'missing', keysLoaded: aofLoad.keysLoaded, keysExpired: 0, bytesRead: 0 };
    } else {
      rdbLoad = await loadRdbFile({
        fileSystem,
        path: joinPath(options.directory, config.dbfilename),
        keyspace,
        nowMs: options.clock.nowMs(),
        verifyChecksum: config.rdbchecksum,
      });
    }
    let store: Store | null = null;
    let early: { readonly error: unknown } | null = null;
    const jobs = new BackgroundJobs();
    const aof = await AofPersistence.open({
      fileSystem,
      layout,
      clock: options.clock,
      scheduler: options.scheduler,
      processId: options.processId,
      keyspace,
      jobs,
      config: () => (store === null ? config : store.#config),
      manifest: manifest ?? emptyAofManifest(),
      load: aofLoad,
      onFatal: (error) => {
        if (store === null) early ??= { error };
        else store.#recordFatal(error);
      },
    });
    const opened: Store = new Store(options, keyspace, jobs, aof, rdbLoad);
    store = opened;
    if (early !== null) opened.#recordFatal((early as { readonly error: unknown }).error);
    return opened;
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

  /**
   * One serverCron tick (facts §2.5, §4.8): active expiry; a scheduled AOF rewrite; the first due
   * save point; else an automatic AOF rewrite on growth; a scheduled BGSAVE; then, like the
   * beforeSleep after it, the AOF flush (a postponed write, a due everysec fsync, a retry).
   */
  cron(): Promise<CronReport> {
    return this.#whenUnblocked(async () => {
      const expired = this.#keyspace.activeExpireCycle(activeExpireKeysPerCron);
      this.#aof.feed(expired);
      const started = await this.#blockWhenFree(async () => {
        let aofRewriteStarted: RewriteTrigger | null = null;
        if (this.#aof.cronScheduledRewriteDue() && (await this.#aof.startRewrite())) aofRewriteStarted = 'scheduled';
        const savePoint = this.#rdb.cronSavePoint();
        if (savePoint === null && this.#aof.cronAutoRewriteDue() && (await this.#aof.startRewrite())) aofRewriteStarted = 'auto';
        return { aofRewriteStarted, bgsaveStarted: savePoint ?? this.#rdb.cronScheduledBgsave() };
      });
      await this.#aof.endOfTurn();
      return { expiredKeys: expired.length, ...started };
    });
  }

  info(): PersistenceInfo {
    return { ...this.#rdb.info(), ...this.#aof.info() };
  }

  /** A deep copy of the dataset (non-empty databases only), expired-but-stored keys included. */
  dataset(): Map<number, DatabaseContents> {
    const databases = new Map<number, DatabaseContents>();
    for (const db of this.#keyspace.nonEmptyDatabases()) databases.set(db, this.#keyspace.copyDatabase(db));
    return databases;
  }

  /** Resolves when no background job is running (after its outcome was applied). */
  backgroundSettled(): Promise<void> {
    return this.#jobs.settled();
  }

  /**
   * Stops accepting commands, lets those already issued finish, cancels or awaits the background
   * job, then (like SHUTDOWN) flushes and fsyncs the AOF and closes it. Rejects with the store's
   * fatal error if it had one (then nothing more is written).
   */
  close(options: CloseOptions): Promise<void> {
    this.#closing ??= this.#closeNow(options);
    return this.#closing;
  }

  async #closeNow(options: CloseOptions): Promise<void> {
    if (this.#blocked || this.#waiting.length > 0) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    await this.#turn?.catch(() => undefined);
    if (options.background === 'cancel') {
      this.#rdb.cancelBackground();
      this.#aof.cancelRewrite();
    }
    await this.#jobs.settled();
    if (this.#fatal === null) await this.#aof.shutdown().catch((error: unknown) => this.#recordFatal(error));
    this.#keyspace.setObserver(null);
    if (this.#fatal !== null) throw this.#fatal.error;
  }

  // ---- ordering: blocking work, turns and fatal errors ----

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

  /** #block, after whatever blocks or waits now. */
  #blockWhenFree<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#blocked && this.#waiting.length === 0) return this.#block(work);
    return new Promise<T>((resolve, reject) => this.#waiting.push(() => void this.#block(work).then(resolve, reject)));
  }

  /**
   * The AOF flush that ends the current turn (beforeSleep): the first command of a turn queues
   * it behind every command already running synchronously; none when no AOF file is open.
   */
  #joinTurn(): Promise<void> {
    if (this.#turn !== null) return this.#turn;
    if (!this.#aof.hasLiveFile) return resolved;
    const turn: Promise<void> = resolved.then(async () => {
      // beforeSleep runs after the turn's commands, a blocking SAVE included: first in line once it ends.
      if (this.#blocked) await new Promise<void>((resolve) => this.#waiting.unshift(resolve));
      if (this.#turn === turn) this.#turn = null;
      return this.#aof.endOfTurn();
    });
    this.#turn = turn;
    turn.catch((error: unknown) => this.#recordFatal(error));
    return turn;
  }

  // ---- processCommand ----

  /** The checks Redis makes before running or queueing a command, then the call. */
  #process(client: ClientSession, argv: readonly ByteString[]): Promise<Reply> {
    assert.ok(argv.length > 0, 'a command has a name');
    const turn = this.#joinTurn();
    const spec = client.lookup(argv[0] ?? '');
    // The lower-case name (the tables are keyed by spec.name); no unknown name is one compared below.
    const name = spec?.name ?? '';
    if (spec !== undefined && arityAccepts(spec, argv.length)) {
      // configPreflight answers only CONFIG (argv[0] was found, so it has no NUL to cut at).
      const preflight = name === 'config' ? configPreflight(argv) : undefined;
      if (preflight !== undefined) return afterTurn(turn, client.reject(argv, preflight).reply);
      if (client.inTransaction && name === 'save') return afterTurn(turn, client.reject(argv, notAllowedInTransactionError).reply);
      const queuedWrite = name === 'exec' && client.queuedCommands.some((queued) => queued.write);
      const denied = this.#rdb.writesDenied() ? misconfRdbError : this.#aof.writesDeniedError();
      if (denied !== null && refusedWhileDenied({ name, write: spec.write, queuedWrite })) {
        return afterTurn(turn, client.reject(argv, denied).reply);
      }
      if (!client.inTransaction && name === 'save') {
        if (this.#rdb.bgsaveRunning) return afterTurn(turn, this.#rdb.save());
        return afterTurn(turn, this.#block(() => this.#rdb.save()));
      }
    }
    this.#inExec = name === 'exec' && client.inTransaction;
    let reply: Reply;
    try {
      const result = client.executeLookedUp(argv, spec);
      reply = result.reply;
      this.#aof.feed(result.effects);
    } finally {
      this.#inExec = false;
    }
    const actions = this.#afterCommand;
    if (actions.length === 0) return afterTurn(turn, reply);
    this.#afterCommand = [];
    return afterTurn(
      turn,
      this.#block(async () => {
        let final = reply;
        for (const action of actions) final = await action(final);
        return final;
      }),
    );
  }

  #commandHost(): StoreCommandHost {
    return {
      bgsave: (schedule) => this.#rdb.bgsaveCommand(schedule, this.#inExec),
      bgrewriteaof: () => {
        const decision = this.#aof.bgrewriteaofDecision(this.#inExec);
        if (decision.kind === 'reply') return decision.reply;
        this.#afterCommand.push(async () => ((await this.#aof.startRewrite()) ? rewriteStartedReply : errorReply(rewriteFailedError)));
        return rewriteStartedReply;
      },
      lastSaveSeconds: () => this.#rdb.lastSaveSeconds,
      persistenceInfo: () => this.info(),
      config: () => this.#config,
      directory: this.#directory,
      setConfig: (config) => this.#setConfig(config),
      beforeFlushAll: () => this.#rdb.beforeFlushAll(),
      afterFlushAll: () => {
        const save = this.#rdb.afterFlushAll();
        if (save !== null) {
          this.#afterCommand.push(async (reply) => {
            await this.#rdb.saveAfterFlushAll(save);
            return reply;
          });
        }
      },
    };
  }

  /** CONFIG SET's apply step: appendonly yes|no starts or stops the AOF (startAppendOnly, stopAppendOnly). */
  #setConfig(config: StoreConfig): void {
    assertStoreConfig(config);
    const before = this.#config;
    this.#config = config;
    if (before.appendonly === config.appendonly) return;
    if (!config.appendonly) {
      const stopping = this.#aof.disable();
      this.#afterCommand.push(async (reply) => {
        await stopping;
        return reply;
      });
      return;
    }
    if (this.#aof.enable(this.#inExec) === 'scheduled') return;
    this.#afterCommand.push(async (reply) => {
      if (await this.#aof.enableNow()) return reply;
      this.#config = before;
      return errorReply(`ERR CONFIG SET failed (possibly related to argument 'appendonly') - ${enableFailedReason}`);
    });
  }
}
