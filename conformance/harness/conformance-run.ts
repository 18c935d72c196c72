/**
 * One conformance run: the implementation (the library API over an observed CrashFileSystem,
 * with a manual clock, a seeded random source and a manual scheduler) and the model (the
 * persistence machine) driven side by side through one workload, with a refinement check at
 * every file-system operation and, optionally, crash checks before every state-changing one.
 *
 * How the two are kept in step:
 * - Client steps (a write, SAVE, BGSAVE, BGREWRITEAOF, CONFIG SET, a clock tick with its cron)
 *   are model events the run sends itself. Each is "pending" while the implementation executes
 *   it: a crash inside it is judged against both the context before and the one after it
 *   (outcome-bridge.ts), and it is applied to the model at its first protocol operation (which
 *   needs it applied) or when the command returns.
 * - The end of a turn is BEFORE_SLEEP. It is applied at the turn's first append to the AOF
 *   (everysec, no), or at the fdatasync that follows it (always: pending from the append), or
 *   when the replies resolve if no append happened. Replies may only resolve after the append
 *   (and, under always, the fdatasync) of every write the model says the turn wrote: otherwise
 *   the write was acknowledged before it was written ('acknowledgement' violation).
 * - Every other operation is mapped by operation-events.ts; a mapped event the machine refuses
 *   in its current state is a 'refinement' violation, and the run stops there: the
 *   implementation did something the specification does not allow at that point, whether or
 *   not a crash would have exposed it.
 * - Background work runs only when a step grants slices; an fdatasync of the live AOF then is
 *   BG_FSYNC_DONE when the model has a background fsync running.
 *
 * Invariants:
 * - Deterministic: the same workload, options and seed give the same operations, crash states
 *   and verdicts (no clock, timer or randomness is read except through the injected ones).
 * - The crash checks never disturb the run: they judge copies of the disk (page cache, power-loss
 *   images) on fresh file systems.
 */
import assert from 'node:assert/strict';
import type { CrashKind, PersistenceConfig, PersistenceContext, PersistenceEvent, RestartOutcome } from '../../model/index.ts';
import { crashPhaseOf } from '../../model/exploration/crash-phase.ts';
import { CoverageTracker } from '../../model/testing/machine-coverage.ts';
import {
  AofLoadError,
  CrashFileSystem,
  RdbDecodeError,
  type FileSystem,
  ManualScheduler,
  type Reply,
  type Store,
  type StoreConfig,
  type StoreSession,
  openStore,
  redisDefaults,
} from '../../impl/index.ts';
import type { CrashProfileName } from '../../impl/fs/crash-profiles.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';
import { type ClientWrite, type ShadowDataset, applyClientWrite, commandLines, epochMs, expiredKeys, writeLabel } from './client-writes.ts';
import { type CrashState, type Judgement, type Observed, describeAllowed, describeDifference, describeObserved, judgeCrash, judgeObserved } from './crash-judge.ts';
import { abstractDataset } from './implementation-dataset.ts';
import { ModelUnderTest } from './model-under-test.ts';
import { type FsObserver, type ObservedOperation, ObservedFileSystem } from './observed-file-system.ts';
import { OperationClassifier, type StoreNames } from './operation-events.ts';
import { Timeline } from './timeline.ts';

export type WorkloadStep =
  | { readonly kind: 'write'; readonly write: ClientWrite }
  /** Several clients' writes served in one event-loop turn (group commit under always). */
  | { readonly kind: 'turn'; readonly writes: readonly ClientWrite[] }
  | { readonly kind: 'save' }
  | { readonly kind: 'bgsave' }
  | { readonly kind: 'bgrewriteaof' }
  | { readonly kind: 'config'; readonly name: 'appendonly' | 'appendfsync'; readonly value: string }
  /** Time passes by `ms`; then serverCron runs (fsync, save points, scheduled and automatic rewrites). */
  | { readonly kind: 'tick'; readonly ms: number }
  /** Grants `slices` background slices (BGSAVE, rewrite, background fsync), or all until idle. */
  | { readonly kind: 'background'; readonly slices: number | 'all' }
  /** Arms a crash before a later state-changing operation; the run restarts and goes on. */
  | { readonly kind: 'crash'; readonly plan: CrashPlan };

export type ViolationCheck = 'refinement' | 'acknowledgement' | 'oracle' | 'divergence' | 'dataset' | 'restart';

export interface Violation {
  readonly check: ViolationCheck;
  readonly message: string;
  readonly timeline: string;
  readonly crash?: { readonly kind: CrashKind; readonly profile: CrashProfileName | null; readonly description: string; readonly operation: number };
}

export interface CrashRecord {
  /** The server's configuration at the crash, as the model has it. */
  readonly config: { readonly appendonly: boolean; readonly appendfsync: PersistenceConfig['appendfsync'] };
  readonly operation: number;
  readonly kind: CrashKind;
  readonly profile: CrashProfileName | null;
  readonly phase: string;
  /** The model states active at the crash point (a crash "between rename and directory fsync" shows `...renamed`). */
  readonly states: readonly string[];
  readonly judgement: Judgement;
  readonly fingerprint: string;
}

export interface CrashCheckOptions {
  readonly process: boolean;
  readonly profiles: readonly CrashProfileName[];
  /** Power-loss states per profile and crash point; past it, a seeded sample. */
  readonly powerStatesPerPoint: number;
}

/** A crash the run injects itself: before the `after`-th next state-changing operation. */
export interface CrashPlan {
  readonly after: number;
  readonly kind: CrashKind;
  /** For a power loss: the profile, and which of its enumerated states (modulo their number). */
  readonly profile: CrashProfileName;
  readonly choice: number;
}

/** Stops the implementation at an injected crash point. */
class InjectedCrash extends Error {
  constructor() {
    super('injected crash');
  }
}

export interface FileSystemDecorators {
  /** Between the implementation and the observer: models a bug in the implementation's calls. */
  readonly implementationSide?: (fs: FileSystem) => FileSystem;
  /** Between the observer and the disk: models a file system that does not do what it says. */
  readonly diskSide?: (fs: FileSystem) => FileSystem;
  /** Around every restart's file system: models a loader that reads files wrongly. */
  readonly restart?: (fs: FileSystem) => FileSystem;
}

export interface RunOptions {
  readonly config: Partial<StoreConfig>;
  readonly seed: number;
  readonly crashChecks: CrashCheckOptions | null;
  readonly decorators?: FileSystemDecorators;
  /** Called for every crash state judged (progress, statistics). */
  readonly onCrash?: (record: CrashRecord) => void;
  readonly coverage?: CoverageTracker;
  /** Compare the live dataset with the model's after every step (default true). */
  readonly checkLiveDataset?: boolean;
}

export interface RunResult {
  readonly violations: readonly Violation[];
  readonly crashStates: number;
  readonly operations: number;
  readonly timeline: Timeline;
  readonly model: ModelUnderTest;
}

/** Thrown through the implementation to stop a run at a violation found mid-operation. */
class RunStopped extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message);
  }
}

interface PendingStep {
  /** Applied in order when the step commits. */
  readonly events: readonly PersistenceEvent[];
  readonly label: string;
}

type Phase = 'idle' | 'command' | 'background';

export const storeDirectory = '/data';

function modelConfig(config: StoreConfig): PersistenceConfig {
  return {
    appendonly: config.appendonly,
    appendfsync: config.appendfsync,
    savePoints: config.save.map((point) => ({ seconds: point.seconds, changes: point.changes })),
    stopWritesOnBgsaveError: config.stopWritesOnBgsaveError,
    aofLoadTruncated: config.aofLoadTruncated,
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ConformanceRun implements FsObserver {
  readonly options: RunOptions;
  readonly timeline = new Timeline();
  readonly violations: Violation[] = [];
  readonly model: ModelUnderTest;
  readonly #names: StoreNames;
  readonly #classifier: OperationClassifier;
  #config: StoreConfig;
  #disk!: CrashFileSystem;
  #life = 0;
  #armed: (CrashPlan & { remaining: number }) | null = null;
  #crashState: CrashState | null = null;
  #ended: string | null = null;
  #store!: Store;
  #session!: StoreSession;
  #scheduler!: ManualScheduler;
  #nowMs = 0;
  #phase: Phase = 'idle';
  #observing = false;
  #pendingClient: PendingStep | null = null;
  /** BEFORE_SLEEP under always, from the turn's append to its fdatasync. */
  #pendingTurnEnd = false;
  #turnEndApplied = false;
  #turnAppended = false;
  #operations = 0;
  #crashStates = 0;
  #generation = 0;
  readonly #shadow: ShadowDataset = new Map();
  readonly #random: () => number;

  constructor(options: RunOptions) {
    this.options = options;
    this.#config = { ...redisDefaults, save: [], autoAofRewritePercentage: 0, snapshotSliceKeys: 2, ...options.config };
    this.#names = { directory: storeDirectory, dbfilename: this.#config.dbfilename, appenddirname: this.#config.appenddirname, appendfilename: this.#config.appendfilename };
    this.#classifier = new OperationClassifier(this.#names);
    this.model = new ModelUnderTest(modelConfig(this.#config), options.coverage ?? new CoverageTracker());
    this.#random = seededRandom(options.seed);
  }

  get config(): StoreConfig {
    return this.#config;
  }

  get crashStates(): number {
    return this.#crashStates;
  }

  /** Opens the implementation on an empty directory (start-up is not observed: the model treats it as atomic). */
  async start(): Promise<void> {
    const disk = CrashFileSystem.create();
    await disk.mkdir(storeDirectory, { recursive: false });
    await disk.fsyncDirectory('/');
    await this.#open(disk);
    this.timeline.add('start', `server started: appendonly ${this.#config.appendonly ? 'yes' : 'no'}, appendfsync ${this.#config.appendfsync}, save "${this.#config.save.map((p) => `${p.seconds} ${p.changes}`).join(' ')}"`);
  }

  /** A store on `disk`, observed from now on; operations of an earlier life are ignored. */
  async #open(disk: CrashFileSystem): Promise<void> {
    this.#life += 1;
    const life = this.#life;
    this.#observing = false;
    this.#disk = disk;
    this.#scheduler = new ManualScheduler();
    // After a crash, the restart reads through the restart decorator (a seeded loader bug), as the crash checks' restarts do.
    const restartSide = life > 1 ? (this.options.decorators?.restart?.(disk) ?? disk) : disk;
    const diskSide = this.options.decorators?.diskSide?.(restartSide) ?? restartSide;
    const observed = new ObservedFileSystem(diskSide, { before: (operation) => (life === this.#life ? this.before(operation) : undefined) });
    const fileSystem = this.options.decorators?.implementationSide?.(observed) ?? observed;
    this.#store = await openStore({
      fileSystem,
      directory: storeDirectory,
      config: this.#config,
      clock: { nowMs: () => epochMs + this.#nowMs },
      random: this.#random,
      scheduler: this.#scheduler,
      processId: 4000 + 100 * (life - 1),
    });
    this.#session = this.#store.session();
    this.#observing = true;
  }

  /** Arms a crash before the `after`-th next state-changing operation (1: the very next one). */
  armCrash(plan: CrashPlan): void {
    assert.ok(Number.isSafeInteger(plan.after) && plan.after >= 1, 'a crash after at least one operation');
    this.#armed = { ...plan, remaining: plan.after };
  }

  /** Why the run cannot go on (a refused start, or a restart the model cannot follow), or null. */
  get ended(): string | null {
    return this.#ended;
  }

  // ---- the observer: every operation of the implementation ----

  async before(operation: ObservedOperation): Promise<void> {
    if (!this.#observing) return;
    this.#operations += 1;
    const number = this.#operations;
    if (operation.effect !== 'none' && this.#armed !== null) {
      this.#armed.remaining -= 1;
      if (this.#armed.remaining === 0) {
        const plan = this.#armed;
        this.#armed = null;
        this.#crashState = this.#chooseCrashState(plan);
        this.#observing = false;
        this.timeline.add('crash', `${plan.kind} crash before #${number} ${operation.operation} ${operation.path}${this.#crashState.profile === null ? '' : ` (${this.#crashState.profile}: ${this.#crashState.description})`}`);
        throw new InjectedCrash();
      }
    }
    if (operation.effect !== 'none') {
      this.timeline.add('fs', `#${number} ${operation.operation} ${operation.path}${operation.target === undefined ? '' : ` -> ${operation.target}`}${operation.bytes === undefined ? '' : ` (${operation.bytes} B)`}`);
      if (this.options.crashChecks !== null) await this.#checkCrashPoint(number);
    }
    let meaning = this.#classifier.classify(operation, this.model);
    if (meaning.kind === 'events' && this.#pendingClient !== null) {
      // A child's failure inside a command is the command stopping the running child (CONFIG SET
      // appendonly yes kills an AOF-off rewrite before it starts its own): it comes first.
      // Any other protocol step belongs to the command, which is applied first.
      const stoppedChild = meaning.events.length === 1 && (meaning.events[0]?.type === 'AOF_REWRITE_FAILED' || meaning.events[0]?.type === 'RDB_FAILED');
      if (!(stoppedChild && this.model.can(meaning.events[0] as PersistenceEvent))) {
        this.#commitPendingClient();
        meaning = this.#classifier.classify(operation, this.model);
      }
    }
    switch (meaning.kind) {
      case 'neutral':
        return;
      case 'events':
        for (const event of meaning.events) this.#apply(event, `#${number} ${operation.operation} ${operation.path}`);
        return;
      case 'aof-append':
        this.#onAofAppend(number);
        return;
      case 'aof-sync':
        this.#onAofSync(number);
        return;
    }
  }

  #onAofAppend(number: number): void {
    if (this.#phase !== 'command') return;
    this.#turnAppended = true;
    if (this.#pendingClient !== null || this.#turnEndApplied || this.#pendingTurnEnd) return;
    if (this.#config.appendfsync === 'always') {
      this.#pendingTurnEnd = true;
      return;
    }
    this.#applyTurnEnd(`#${number} append`);
  }

  #onAofSync(number: number): void {
    if (this.#phase === 'command' && this.#pendingTurnEnd) {
      this.#pendingTurnEnd = false;
      this.#applyTurnEnd(`#${number} fdatasync`);
      return;
    }
    if (this.#phase === 'background' && this.model.context.aof.backgroundFsync !== null) this.#apply({ type: 'BG_FSYNC_DONE' }, `#${number} background fdatasync`);
  }

  #applyTurnEnd(cause: string): void {
    const before = this.model.context.aof;
    this.#apply({ type: 'BEFORE_SLEEP' }, cause);
    this.#turnEndApplied = true;
    const after = this.model.context.aof;
    if (this.#turnAppended && after.mode !== 'off' && after.writtenLength === before.writtenLength && before.bufferedLength > before.writtenLength) {
      this.#stop('divergence', `the implementation wrote the AOF at the end of the turn, but the model postponed the write (a background fsync is running in the model since ${String(before.backgroundFsync?.startedAtMs)} ms)`);
    }
  }

  #apply(event: PersistenceEvent, cause: string): void {
    const was = this.#stateText();
    if (!this.model.step(event)) {
      this.#stop('refinement', `${cause} is ${event.type}, which the model does not allow in ${was}`);
    }
    this.timeline.add('model', `${event.type} (from ${cause}; in ${was})`);
  }

  #stateText(): string {
    const leaves = this.model.activeStates().filter((path, _index, all) => !all.some((other) => other !== path && other.startsWith(`${path}.`)));
    return leaves.join(' + ');
  }

  #commitPendingClient(): void {
    const pending = this.#pendingClient;
    if (pending === null) return;
    this.#pendingClient = null;
    for (const event of pending.events) this.#apply(event, pending.label);
  }

  #stop(check: Violation['check'], message: string): never {
    // After an injected crash the implementation is gone: nothing it does now is a violation.
    if (this.#crashState !== null) throw new InjectedCrash();
    const { aof, rewrite } = this.model.context;
    const info = this.#store.info();
    this.timeline.add(
      'note',
      `model AOF: ${aof.mode}, buffered ${aof.bufferedLength} written ${aof.writtenLength} durable ${aof.durableLength}, background fsync ${aof.backgroundFsync === null ? 'none' : `to ${aof.backgroundFsync.targetLength} since ${aof.backgroundFsync.startedAtMs} ms`}, postponed since ${String(aof.postponedSinceMs)}, last fsync ${aof.lastFsyncMs} ms, rewrite fork ${String(rewrite.forkLength)}; implementation: AOF ${info.aofEnabled ? 'on' : 'off'}, pending background fsync ${info.aofPendingBioFsync}, rewrite ${info.aofRewriteInProgress ? 'running' : info.aofRewriteScheduled ? 'scheduled' : 'none'}`,
    );
    const violation: Violation = { check, message, timeline: this.timeline.render() };
    this.violations.push(violation);
    this.#observing = false;
    throw new RunStopped(violation);
  }

  // ---- crash checks ----

  /**
   * The model's context now and, when the crash falls inside a step, after it: the pending
   * client events, then the turn's end if the turn has not ended in the model yet.
   */
  #contexts(): { context: PersistenceContext; afterStep: PersistenceContext | null } {
    const context = this.model.context;
    const events: PersistenceEvent[] = [...(this.#pendingClient?.events ?? [])];
    if (this.#phase === 'command' && !this.#turnEndApplied) events.push({ type: 'BEFORE_SLEEP' });
    if (events.length === 0) return { context, afterStep: null };
    let snapshot = this.model.snapshot;
    let moved = false;
    for (const event of events) {
      const next = this.model.peekFrom(snapshot, event);
      if (next === null) continue;
      snapshot = next;
      moved = true;
    }
    return { context, afterStep: moved ? snapshot.context : null };
  }

  async #checkCrashPoint(operation: number): Promise<void> {
    const checks = this.options.crashChecks;
    assert.ok(checks !== null);
    const states: CrashState[] = [];
    if (checks.process) states.push({ kind: 'process', profile: null, description: 'process crash: the page cache survives', image: this.#disk.pageCache() });
    for (const profile of checks.profiles) {
      const found = this.#disk.powerLossStates(profile, { max: checks.powerStatesPerPoint, random: seededRandom(this.options.seed ^ (operation * 2654435761)) });
      for (const state of found.states) states.push({ kind: 'power', profile, description: state.description, image: state.image });
    }
    await this.#judgeStates(operation, states);
  }

  async #judgeStates(operation: number, states: readonly CrashState[]): Promise<void> {
    const { context, afterStep } = this.#contexts();
    const phase = crashPhaseOf(this.model.snapshot);
    const activeStates = this.model.activeStates();
    for (const state of states) {
      this.#generation += 1;
      this.#crashStates += 1;
      const restartDecorator = this.options.decorators?.restart;
      const judgement = await judgeCrash({ context, afterStep, state, directory: storeDirectory, config: this.#restartConfig(context), generation: this.#generation, nowMs: this.#nowMs, ...(restartDecorator === undefined ? {} : { decorateRestart: restartDecorator }) });
      const record: CrashRecord = { config: { appendonly: context.config.appendonly, appendfsync: context.config.appendfsync }, operation, kind: state.kind, profile: state.profile, phase, states: activeStates, judgement, fingerprint: `${operation}:${state.kind}:${state.profile ?? ''}:${state.description}` };
      this.options.onCrash?.(record);
      if (judgement.verdict === 'violation') {
        const crash = { kind: state.kind, profile: state.profile, description: state.description, operation };
        this.timeline.add('crash', `${state.kind} crash before #${operation}${state.profile === null ? '' : ` (${state.profile}: ${state.description})`}`);
        this.timeline.add('restart', describeObserved(judgement.observed));
        this.timeline.add('oracle', `allowed: ${describeAllowed(judgement.allowed, this.#nowMs)}`);
        const difference = describeDifference(judgement.allowed, judgement.observed, this.#nowMs);
        if (difference !== '') this.timeline.add('oracle', difference);
        this.#observing = false;
        this.violations.push({
          check: 'oracle',
          message: `after a ${state.kind} crash before operation #${operation}${state.profile === null ? '' : ` (${state.profile}: ${state.description})`}, the restart ${describeObserved(judgement.observed)}; the model allows ${describeAllowed(judgement.allowed, this.#nowMs)}. ${describeDifference(judgement.allowed, judgement.observed, this.#nowMs)}`,
          timeline: this.timeline.render(),
          crash,
        });
        throw new RunStopped(this.violations[this.violations.length - 1] as Violation);
      }
    }
  }

  /**
   * The configuration a restart runs with: the model's at the crash (a CONFIG SET still in
   * progress has not changed it), the rest as the server was started.
   */
  #restartConfig(context: PersistenceContext): StoreConfig {
    const { appendonly, appendfsync, aofLoadTruncated } = context.config;
    return { ...this.#config, appendonly, appendfsync, aofLoadTruncated };
  }

  #chooseCrashState(plan: CrashPlan): CrashState {
    if (plan.kind === 'process') return { kind: 'process', profile: null, description: 'process crash: the page cache survives', image: this.#disk.pageCache() };
    const found = this.#disk.powerLossStates(plan.profile, { max: 16, random: seededRandom(this.options.seed ^ plan.choice) }).states;
    const state = found[plan.choice % found.length];
    assert.ok(state !== undefined, 'a power loss has at least one state');
    return { kind: 'power', profile: plan.profile, description: state.description, image: state.image };
  }

  /** Crashes now, between steps. */
  async crashNow(plan: Omit<CrashPlan, 'after'>): Promise<boolean> {
    if (this.violations.length > 0 || this.#ended !== null) return false;
    this.#crashState = this.#chooseCrashState({ ...plan, after: 1 });
    this.timeline.add('crash', `${plan.kind} crash between steps${this.#crashState.profile === null ? '' : ` (${this.#crashState.profile}: ${this.#crashState.description})`}`);
    return this.#restartAfterCrash();
  }

  /**
   * The injected crash happened: restart the implementation on the crash's disk, judge what it
   * loaded, and move the model through CRASH and RESTART with that outcome. When the crash fell
   * inside a step whose outcome only the after-step context explains, the step is applied first.
   */
  async #restartAfterCrash(): Promise<boolean> {
    const state = this.#crashState;
    assert.ok(state !== null);
    this.#crashState = null;
    this.#observing = false;
    this.#armed = null;
    const { context, afterStep } = this.#contexts();
    const pendingEvents: PersistenceEvent[] = [...(this.#pendingClient?.events ?? [])];
    if (this.#phase === 'command' && !this.#turnEndApplied) pendingEvents.push({ type: 'BEFORE_SLEEP' });
    this.#pendingClient = null;
    this.#pendingTurnEnd = false;
    this.#phase = 'idle';
    this.#disk.crash('process');
    this.#generation += 1;
    this.#crashStates += 1;
    const disk = CrashFileSystem.fromImage(state.image, this.#generation);
    this.#config = this.#restartConfig(context);
    let observed: Observed;
    try {
      await this.#open(disk);
      observed = { kind: 'loaded', dataset: abstractDataset(this.#store.dataset(), this.#nowMs) };
    } catch (error) {
      if (!(error instanceof AofLoadError || error instanceof RdbDecodeError)) throw error;
      observed = { kind: 'refused', error: error.message };
    }
    const judgement = judgeObserved({ context, afterStep, state, nowMs: this.#nowMs }, observed);
    this.options.onCrash?.({ config: { appendonly: context.config.appendonly, appendfsync: context.config.appendfsync }, operation: this.#operations, kind: state.kind, profile: state.profile, phase: crashPhaseOf(this.model.snapshot), states: this.model.activeStates(), judgement, fingerprint: `${this.#operations}:${state.kind}:${state.profile ?? ''}:${state.description}` });
    this.timeline.add('restart', describeObserved(observed));
    if (judgement.verdict === 'violation') {
      this.timeline.add('oracle', `allowed: ${describeAllowed(judgement.allowed, this.#nowMs)}`);
      this.violations.push({
        check: 'oracle',
        message: `after an injected ${state.kind} crash, the restart ${describeObserved(observed)}; the model allows ${describeAllowed(judgement.allowed, this.#nowMs)}. ${describeDifference(judgement.allowed, observed, this.#nowMs)}`,
        timeline: this.timeline.render(),
        crash: { kind: state.kind, profile: state.profile, description: state.description, operation: this.#operations },
      });
      return false;
    }
    const outcome = judgement.matched;
    assert.ok(outcome !== null);
    if (!this.#modelRestart(state.kind, outcome, [])) {
      // The outcome needs the interrupted step: replay the model from before the crash with it applied.
      if (pendingEvents.length === 0 || !this.#modelRestart(state.kind, outcome, pendingEvents)) {
        this.#ended = `the model cannot follow this restart (${judgement.verdict}: ${describeObserved(observed).slice(0, 120)})`;
        this.timeline.add('note', this.#ended);
        return false;
      }
    }
    if (observed.kind === 'refused') {
      this.#ended = `the restart refused to start, as allowed: ${observed.error}`;
      return false;
    }
    // The shadow follows what the restarted server stores, expired keys a load kept included
    // (a later access or expiry cycle deletes them, and propagates the DEL).
    this.#shadow.clear();
    for (const [key, entry] of abstractDataset(this.#store.dataset(), null)) this.#shadow.set(key, entry);
    this.timeline.add('start', `restarted (${outcome.kind === 'loaded' ? `${outcome.source} prefix ${outcome.length}` : 'refused'})`);
    return true;
  }

  #modelRestart(kind: CrashKind, outcome: RestartOutcome, before: readonly PersistenceEvent[]): boolean {
    const saved = this.model.snapshot;
    for (const event of before) if (!this.model.step(event)) return this.#restore(saved);
    if (!this.model.step({ type: 'CRASH', kind })) return this.#restore(saved);
    // The server's clock went on (a crash inside a tick): the restart happens at that time.
    const behind = this.#nowMs - this.model.context.nowMs;
    if (behind > 0 && !this.model.step({ type: 'TICK', ms: behind })) return this.#restore(saved);
    if (!this.model.step({ type: 'RESTART', outcome })) return this.#restore(saved);
    this.timeline.add('model', `CRASH ${kind}, RESTART (${outcome.kind})`);
    return true;
  }

  #restore(snapshot: ModelUnderTest['snapshot']): false {
    this.model.reset(snapshot);
    return false;
  }

  /** The crash checks at the current point, outside any operation (the end of a workload). */
  async checkCrashNow(): Promise<void> {
    // After a refused start (or a restart the model cannot follow) there is no server to crash.
    if (this.options.crashChecks === null || this.#ended !== null) return;
    try {
      await this.#checkCrashPoint(this.#operations + 1);
    } catch (error) {
      if (!(error instanceof RunStopped)) throw error;
    }
  }

  // ---- the workload ----

  /** Runs one step; false when the run stopped at a violation. */
  async step(step: WorkloadStep): Promise<boolean> {
    if (this.violations.length > 0 || this.#ended !== null) return false;
    try {
      await this.#step(step);
      if (this.#crashState !== null) return await this.#restartAfterCrash();
      if (this.violations.length > 0) return false;
      if (this.options.checkLiveDataset !== false) this.#checkLiveDataset(step);
      return true;
    } catch (error) {
      if (this.#crashState !== null && this.violations.length === 0) return await this.#restartAfterCrash();
      // A violation found inside an operation reaches here through the implementation, maybe wrapped.
      if (this.violations.length > 0) return false;
      this.#observing = false;
      this.violations.push({ check: 'divergence', message: `the step ${stepLabel(step)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, timeline: this.timeline.render() });
      return false;
    }
  }

  async #step(step: WorkloadStep): Promise<void> {
    switch (step.kind) {
      case 'write':
        return this.#turn([step.write]);
      case 'turn':
        return this.#turn(step.writes);
      case 'save':
        return this.#command(['SAVE'], { type: 'SAVE' });
      case 'bgsave':
        return this.#command(['BGSAVE'], { type: 'BGSAVE', schedule: false });
      case 'bgrewriteaof':
        return this.#command(['BGREWRITEAOF'], { type: 'BGREWRITEAOF' });
      case 'config':
        if (step.name === 'appendonly') {
          await this.#command(['CONFIG', 'SET', 'appendonly', step.value], { type: 'SET_APPENDONLY', enabled: step.value === 'yes' });
          this.#config = { ...this.#config, appendonly: step.value === 'yes' };
        } else {
          const policy = step.value as StoreConfig['appendfsync'];
          await this.#command(['CONFIG', 'SET', 'appendfsync', step.value], { type: 'SET_APPENDFSYNC', policy });
          this.#config = { ...this.#config, appendfsync: policy };
        }
        return;
      case 'tick':
        return this.#tick(step.ms);
      case 'background':
        return this.#background(step.slices);
      case 'crash':
        this.armCrash(step.plan);
        return;
    }
  }

  async #beginTurn(): Promise<void> {
    await this.#completeEmptyCleanup();
    this.#settleMootFsync();
    this.#phase = 'command';
    this.#pendingTurnEnd = false;
    this.#turnEndApplied = false;
    this.#turnAppended = false;
  }

  /** The replies resolved: BEFORE_SLEEP must have happened with its file work, or happens now. */
  #endTurn(label: string): void {
    this.#commitPendingClient();
    if (this.#pendingTurnEnd) this.#stop('acknowledgement', `${label}: replied under appendfsync always after the AOF append but before its fdatasync`);
    if (!this.#turnEndApplied) {
      const preview = this.model.peek({ type: 'BEFORE_SLEEP' });
      const before = this.model.context.aof;
      const writes = preview !== null && preview.context.aof.writtenLength > before.writtenLength;
      if (writes && !this.#turnAppended) this.#stop('acknowledgement', `${label}: replied before the AOF write of ${preview.context.aof.writtenLength - before.writtenLength} write(s) the turn logged`);
      this.#applyTurnEnd('the replies');
    }
    this.#phase = 'idle';
  }

  async #turn(writes: readonly ClientWrite[]): Promise<void> {
    await this.#beginTurn();
    const sessions = writes.map(() => this.#store.session());
    const calls = writes.flatMap((write, index) => commandLines(write).map((argv) => ({ session: sessions[index] as StoreSession, argv })));
    // The model executes each write as the implementation does: in order, before the turn ends.
    for (const write of writes) {
      const ops = applyClientWrite(this.#shadow, write, this.#nowMs);
      this.timeline.add('client', `${writeLabel(write)}${ops.length === 0 ? ' (changes nothing)' : ''}`);
      if (ops.length > 0) this.#apply({ type: 'WRITE', ops }, writeLabel(write));
    }
    const replies = await this.#store.turn(calls);
    this.#expectNoErrors(replies, writes.map(writeLabel).join('; '));
    this.timeline.add('ack', `replies to ${writes.length} client(s)`);
    this.#endTurn(writes.map(writeLabel).join('; '));
  }

  async #command(argv: string[], event: PersistenceEvent): Promise<void> {
    await this.#beginTurn();
    const label = argv.join(' ');
    this.timeline.add('client', label);
    this.#pendingClient = { events: [event], label };
    const reply = await this.#session.execute(argv);
    this.timeline.add('ack', `${label}: ${replyText(reply)}`);
    this.#endTurn(label);
  }

  async #tick(ms: number): Promise<void> {
    this.#nowMs += ms;
    this.timeline.add('clock', `+${ms} ms (now ${this.#nowMs} ms)`);
    await this.#beginTurn();
    // TICK runs the idle turns' beforeSleep (a postponed write, a due fsync), then serverCron.
    this.#turnEndApplied = true;
    // serverCron's active expiry deletes every expired key first (the suite's datasets are far
    // smaller than one cycle's budget) and propagates a DEL for each: writes that change no
    // visible data but that the AOF holds, written by the rewrite start or the flush that follows.
    const expired = expiredKeys(this.#shadow, this.#nowMs);
    const deletions: PersistenceEvent[] = expired.map((key) => ({ type: 'WRITE', ops: [{ op: 'del', key }] }));
    for (const key of expired) this.#shadow.delete(key);
    if (expired.length > 0) this.timeline.add('client', `active expiry: ${expired.join(', ')}`);
    this.#pendingClient = { events: [...deletions, { type: 'TICK', ms }, { type: 'CRON' }], label: `+${ms} ms, serverCron` };
    await this.#store.cron();
    this.#commitPendingClient();
    const stored = this.#store.dataset();
    const kept = expired.filter((key) => stored.get(Number(key.slice(0, key.indexOf(':'))))?.has(key.slice(key.indexOf(':') + 1)) === true);
    if (kept.length > 0) this.#stop('divergence', `serverCron's active expiry kept expired keys the model deleted: ${kept.join(', ')}`);
    this.#phase = 'idle';
  }

  async #background(slices: number | 'all'): Promise<void> {
    this.#phase = 'background';
    let granted = 0;
    let idleRounds = 0;
    while (slices === 'all' || granted < slices) {
      // A job may still be on its way to ask for its next slice (its operations wait on checks).
      await settle();
      if (this.#crashState !== null || this.violations.length > 0) break;
      if (this.#scheduler.runNext()) {
        granted += 1;
        idleRounds = 0;
        await settle();
        if (this.violations.length === 0 && this.#crashState === null) this.#settleMootFsync();
        continue;
      }
      const info = this.#store.info();
      const busy = info.rdbBgsaveInProgress || info.aofRewriteInProgress || info.aofPendingBioFsync > 0;
      idleRounds += 1;
      if (slices !== 'all' || !busy || idleRounds > 100) break;
    }
    await settle();
    if (this.#crashState !== null) return;
    this.#phase = 'idle';
    if (this.violations.length > 0) throw new RunStopped(this.violations[0] as Violation);
    await this.#completeEmptyCleanup();
    this.#settleMootFsync();
    if (slices !== 'all' || this.#scheduler.pending > 0) return;
    if (this.model.context.aof.backgroundFsync !== null) {
      this.#stop('divergence', 'the model has a background fsync of the AOF running, but the implementation has none left (everysec fsync missing?)');
    }
    const info = this.#store.info();
    const modelChild = this.model.inState('running.child.rdbChild') ? 'BGSAVE' : this.model.inState('running.child.rewriteChild') ? 'rewrite' : this.model.inState('running.eventLoop.finishingRewrite') ? 'rewrite (installing the base)' : null;
    if (modelChild !== null && !info.rdbBgsaveInProgress && !info.aofRewriteInProgress) {
      this.#stop('divergence', `the implementation finished its background work, but the model's ${modelChild} did not end (${this.#stateText()}): a protocol step is missing`);
    }
  }

  /**
   * The model started a background fsync (at a tick: beforeSleep runs first), but a rewrite's
   * rotation then fsynced the old incr synchronously, so the fsync's target is already durable
   * and the implementation, rightly, runs none (or its job finds nothing left to sync). Once the
   * implementation has no background fsync pending, completing the model's adds no durability.
   */
  #settleMootFsync(): void {
    const running = this.model.context.aof.backgroundFsync;
    if (running === null || running.targetLength > this.model.context.aof.durableLength || this.#store.info().aofPendingBioFsync > 0) return;
    this.#apply({ type: 'BG_FSYNC_DONE' }, 'the background fsync covers nothing that is not durable already');
  }

  /**
   * The rewrite committed a manifest with no history line (the first rewrite after enabling AOF,
   * or a rewrite with AOF off): there is nothing to delete and nothing to clean from the
   * manifest, so the implementation rightly does neither. The model's cleanup steps change no
   * file binding, so they are taken here, said in the timeline.
   */
  async #completeEmptyCleanup(): Promise<void> {
    if (!this.model.inState('running.eventLoop.finishingRewrite.deletingHistory')) return;
    if (this.#store.info().aofRewriteInProgress) return;
    const manifest = Buffer.from(await this.#disk.readFile(`${storeDirectory}/${this.#names.appenddirname}/${this.#names.appendfilename}.manifest`)).toString('latin1');
    if (/ type h$/m.test(manifest)) return;
    for (const type of ['AOF_HISTORY_DELETED', 'MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED', 'MANIFEST_RENAMED', 'MANIFEST_DIR_FSYNCED'] as const) {
      this.#apply({ type }, 'the manifest lists no history: nothing to delete or clean');
    }
  }

  #expectNoErrors(replies: readonly Reply[], label: string): void {
    for (const reply of replies) {
      if (reply.kind === 'error') this.#stop('divergence', `${label}: the implementation replied ${reply.message}`);
    }
  }

  #checkLiveDataset(step: WorkloadStep): void {
    const live = abstractDataset(this.#store.dataset(), this.#nowMs);
    const expected = [...this.#shadow].filter(([, entry]) => entry.expireAtMs === null || this.#nowMs <= entry.expireAtMs);
    const same = live.size === expected.length && expected.every(([key, entry]) => live.get(key)?.value === entry.value && live.get(key)?.expireAtMs === entry.expireAtMs);
    if (!same) this.#stop('dataset', `after ${stepLabel(step)} the implementation holds ${JSON.stringify([...live])}, the model ${JSON.stringify(expected)}`);
  }

  /** The implementation's INFO persistence fields (for reports and debugging). */
  implementationInfo(): ReturnType<Store['info']> {
    return this.#store.info();
  }

  get operations(): number {
    return this.#operations;
  }

  result(): RunResult {
    return { violations: this.violations, crashStates: this.#crashStates, operations: this.#operations, timeline: this.timeline, model: this.model };
  }

  async close(): Promise<void> {
    this.#observing = false;
    await this.#store.close({ background: 'cancel' }).catch(() => undefined);
  }
}

export function stepLabel(step: WorkloadStep): string {
  switch (step.kind) {
    case 'write':
      return writeLabel(step.write);
    case 'turn':
      return `turn[${step.writes.map(writeLabel).join('; ')}]`;
    case 'config':
      return `CONFIG SET ${step.name} ${step.value}`;
    case 'tick':
      return `tick ${step.ms} ms`;
    case 'background':
      return `background ${step.slices}`;
    case 'crash':
      return `crash(${step.plan.kind}${step.plan.kind === 'power' ? ` ${step.plan.profile} #${step.plan.choice}` : ''} before the ${step.plan.after}th next operation)`;
    default:
      return step.kind.toUpperCase();
  }
}

function replyText(reply: Reply): string {
  switch (reply.kind) {
    case 'simple':
      return reply.value;
    case 'error':
      return `-${reply.message}`;
    default:
      return reply.kind;
  }
}

