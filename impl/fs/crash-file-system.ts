/**
 * CrashFileSystem: an in-memory FileSystem that simulates process crashes, power loss and I/O
 * faults, deterministically.
 *
 * Fault model (the rules; details in crash-profiles.ts, crash-faults.ts, crash-disk-states.ts):
 * - Two layers. Files and directories have a page cache (what reads see: every call applied at
 *   once) and a durable layer. Which recorded effects are durable is decided at crash time by a
 *   persistence profile ('strict-posix' or 'ext4-ordered'), so one recorded run can be judged
 *   under both. fsync/fdatasync persist a file's data and size; fsyncDirectory persists the
 *   directory's entries (creates, renames, unlinks); see crash-profiles.ts for what else each
 *   profile persists or may lose.
 * - Every call is numbered in `operationLog` (reads included; see fs-operation-log.ts).
 * - `armCrash(trigger)`: the matching call does not happen; it and every later call reject with
 *   SimulatedCrash. `injectFault(rule)`: ENOSPC/EIO, short write, fsync failure (fsyncgate).
 * - `crash('process')`: a new file system on the same machine: the page cache is kept, and its
 *   unsynced effects stay unsynced (a later power loss may still lose them).
 * - `crash('power', { state })` or `crash('power', { profile, random })`: a new file system whose
 *   disk is one power-loss state (durable effects + a profile-allowed choice of pending ones),
 *   all of it durable. `powerLossStates(profile, { max, random })` lists candidate states.
 * - crash() stops this instance (later calls reject with SimulatedCrash) but can be called again
 *   to build other post-crash file systems from the same history.
 * - No clock, no Math.random: every choice comes from the injected `random`.
 */
import type { DiskImage } from './crash-disk-image.ts';
import { emptyImage } from './crash-disk-image.ts';
import {
  type PowerLossOptions,
  type PowerLossState,
  type PowerLossStates,
  powerLossStates,
  randomPowerLossState,
} from './crash-disk-states.ts';
import { type FaultRule, type FaultTrigger, FaultPlan, describeFault, triggerMatches } from './crash-faults.ts';
import { CrashFileHandle, type CrashOperationRunner, type OperationContext, throwIfErrorFault } from './crash-file-handle.ts';
import { type CrashHistory, CrashPageCache } from './crash-page-cache.ts';
import type { CrashProfileName } from './crash-profiles.ts';
import { type FileHandle, type FileStat, type FileSystem, type FsOperationName, type OpenMode, modeCreates } from './file-system.ts';
import { FsError, isFsError } from './fs-error.ts';
import { type FsOperationEffect, FsOperationLog } from './fs-operation-log.ts';
import { checkPath } from './fs-path.ts';
import { SimulatedCrash } from './simulated-crash.ts';

export type PowerLossSelection = { readonly state: PowerLossState } | { readonly profile: CrashProfileName; readonly random: () => number };

export class CrashFileSystem implements FileSystem {
  /** 0 for a fresh machine; each crash() returns a file system one generation later. */
  readonly generation: number;
  readonly operationLog = new FsOperationLog();
  readonly #cache: CrashPageCache;
  readonly #faults = new FaultPlan();
  #crashTrigger: FaultTrigger | null = null;
  #crash: SimulatedCrash | null = null;
  readonly #runner: CrashOperationRunner;

  private constructor(cache: CrashPageCache, generation: number) {
    this.#cache = cache;
    this.generation = generation;
    this.#runner = { cache, run: (operation, path, detail, effect, body) => this.#run(operation, path, detail, effect, body) };
  }

  /** A fresh disk holding only the root directory '/' (durable). */
  static create(): CrashFileSystem {
    return CrashFileSystem.fromImage(emptyImage(), 0);
  }

  /** A file system whose whole disk is `image`, all of it durable. */
  static fromImage(image: DiskImage, generation: number): CrashFileSystem {
    return new CrashFileSystem(CrashPageCache.fromImage(image), generation);
  }

  get crashed(): boolean {
    return this.#crash !== null;
  }

  /** The base image and every recorded effect since (what the profiles reason about). */
  get history(): CrashHistory {
    return this.#cache.history;
  }

  /** A copy of the page cache: what a process crash right now would leave visible. */
  pageCache(): DiskImage {
    return this.#cache.snapshot();
  }

  /** The first call matching `trigger` (a sequence number or a predicate) crashes instead. */
  armCrash(trigger: FaultTrigger): void {
    this.#crashTrigger = trigger;
  }

  injectFault(rule: FaultRule): void {
    this.#faults.add(rule);
  }

  powerLossStates(profile: CrashProfileName, options: PowerLossOptions): PowerLossStates {
    return powerLossStates(this.#cache.history, profile, options);
  }

  randomPowerLossState(profile: CrashProfileName, random: () => number): PowerLossState {
    return randomPowerLossState(this.#cache.history, profile, random);
  }

  crash(kind: 'process'): CrashFileSystem;
  crash(kind: 'power', selection: PowerLossSelection): CrashFileSystem;
  crash(kind: 'process' | 'power', selection?: PowerLossSelection): CrashFileSystem {
    this.#crash ??= new SimulatedCrash(this.operationLog.nextSequence, `${kind} crash`);
    if (kind === 'process') return new CrashFileSystem(this.#cache.clone(), this.generation + 1);
    if (selection === undefined) throw new TypeError("crash('power') needs { state } or { profile, random }");
    const state = 'state' in selection ? selection.state : this.randomPowerLossState(selection.profile, selection.random);
    return CrashFileSystem.fromImage(state.image, this.generation + 1);
  }

  #run<T>(operation: FsOperationName, path: string, detail: string, effect: FsOperationEffect, body: (context: OperationContext) => T): Promise<T> {
    const running = this.operationLog.begin(operation, path, detail, effect);
    try {
      if (this.#crash !== null) {
        running.finish('crashed', null);
        throw new SimulatedCrash(this.#crash.crashedBeforeOperation, 'the file system already crashed');
      }
      const request = { sequence: running.sequence, operation, path };
      if (this.#crashTrigger !== null && triggerMatches(this.#crashTrigger, request)) {
        this.#crash = new SimulatedCrash(running.sequence, 'armed crash point');
        running.finish('crashed', null);
        throw this.#crash;
      }
      const prefix = this.generation === 0 ? '' : `g${this.generation}`;
      const context: OperationContext = {
        takeFault: () => {
          const fault = this.#faults.take(request);
          if (fault !== null) running.noteFault(describeFault(fault));
          return fault;
        },
        addDetail: (text) => running.addDetail(text),
        label: () => {
          const entry = this.operationLog.entries[running.sequence - 1];
          return `${prefix}#${running.sequence} ${operation} ${path}${entry === undefined || entry.detail === '' ? '' : ` ${entry.detail}`}`;
        },
      };
      const result = body(context);
      running.finish('ok', null);
      return Promise.resolve(result);
    } catch (error) {
      if (this.operationLog.entries[running.sequence - 1]?.outcome === 'running') running.finish('failed', isFsError(error) ? error.code : null);
      return Promise.reject(error);
    }
  }

  open(path: string, mode: OpenMode): Promise<FileHandle> {
    return this.#run('open', path, `(${mode})`, modeCreates(mode) ? 'change' : 'none', (context) => {
      checkPath(path, 'open');
      const plan = this.#cache.planOpen(path, mode);
      throwIfErrorFault(context.takeFault(), 'open', path);
      plan.commit(context.label());
      return new CrashFileHandle(this.#runner, path, mode, plan.inode);
    });
  }

  rename(source: string, target: string): Promise<void> {
    return this.#run('rename', `${source} -> ${target}`, '', 'change', (context) => {
      checkPath(source, 'rename');
      checkPath(target, 'rename');
      const commit = this.#cache.planRename(source, target);
      throwIfErrorFault(context.takeFault(), 'rename', `${source} -> ${target}`);
      commit(context.label());
    });
  }

  unlink(path: string): Promise<void> {
    return this.#run('unlink', path, '', 'change', (context) => {
      checkPath(path, 'unlink');
      const commit = this.#cache.planUnlink(path);
      throwIfErrorFault(context.takeFault(), 'unlink', path);
      commit(context.label());
    });
  }

  mkdir(path: string, options: { readonly recursive: boolean }): Promise<void> {
    return this.#run('mkdir', path, options.recursive ? '(recursive)' : '', 'change', (context) => {
      checkPath(path, 'mkdir');
      const commit = this.#cache.planMkdir(path, options.recursive);
      throwIfErrorFault(context.takeFault(), 'mkdir', path);
      commit(context.label());
    });
  }

  readdir(path: string): Promise<string[]> {
    return this.#run('readdir', path, '', 'none', (context) => {
      checkPath(path, 'readdir');
      const { node } = this.#cache.lookup(path, 'readdir');
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'readdir', path);
      throwIfErrorFault(context.takeFault(), 'readdir', path);
      return [...node.entries.keys()].sort();
    });
  }

  stat(path: string): Promise<FileStat> {
    return this.#run('stat', path, '', 'none', (context) => {
      checkPath(path, 'stat');
      const { node } = this.#cache.lookup(path, 'stat');
      throwIfErrorFault(context.takeFault(), 'stat', path);
      return node.kind === 'file' ? { size: node.size, isDirectory: false } : { size: 0, isDirectory: true };
    });
  }

  exists(path: string): Promise<boolean> {
    return this.#run('exists', path, '', 'none', (context) => {
      checkPath(path, 'exists');
      throwIfErrorFault(context.takeFault(), 'exists', path);
      try {
        this.#cache.lookup(path, 'exists');
        return true;
      } catch (error) {
        if (isFsError(error, 'ENOENT') || isFsError(error, 'ENOTDIR')) return false;
        throw error;
      }
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.#run('readFile', path, '', 'none', (context) => {
      checkPath(path, 'readFile');
      const { node } = this.#cache.lookup(path, 'readFile');
      if (node.kind === 'directory') throw new FsError('EISDIR', 'readFile', path);
      throwIfErrorFault(context.takeFault(), 'readFile', path);
      return node.data.slice(0, node.size);
    });
  }

  fsyncDirectory(path: string): Promise<void> {
    return this.#run('fsyncDirectory', path, '', 'persist', (context) => {
      checkPath(path, 'fsyncDirectory');
      const { inode, node } = this.#cache.lookup(path, 'fsyncDirectory');
      if (node.kind !== 'directory') throw new FsError('ENOTDIR', 'fsyncDirectory', path);
      const fault = context.takeFault();
      if (fault !== null) throw new FsError(fault.kind === 'error' ? fault.code : 'EIO', 'fsyncDirectory', path);
      this.#cache.record({ kind: 'sync-directory', directory: inode }, context.label());
    });
  }
}
