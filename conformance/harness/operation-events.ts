/**
 * The refinement map: which model event a file-system operation of the implementation is. The
 * names are Redis 7.0's (facts §2.3, §4.1), so the map reads like the protocols it checks:
 *
 *   fsync temp-<n>.rdb                       → RDB_TEMP_WRITTEN, RDB_TEMP_FSYNCED
 *   rename temp-<n>.rdb → dump.rdb           → RDB_RENAMED
 *   fsyncDirectory <dir> after that rename   → RDB_DIR_FSYNCED
 *   unlink temp-<n>.rdb (a failed save)      → RDB_FAILED
 *   create appendonly.aof.<n>.incr.aof       → AOF_INCR_CREATED (after AOF_AUTO_REWRITE when no
 *                                              rewrite was started: the size test is the
 *                                              implementation's)
 *   fsync temp-rewriteaof-bg-<n>.aof         → AOF_BASE_WRITTEN, AOF_BASE_FSYNCED
 *   rename temp-rewriteaof-bg-<n>.aof → base → AOF_BASE_RENAMED
 *   fsyncDirectory appendonlydir then        → AOF_BASE_DIR_FSYNCED
 *   unlink temp-rewriteaof-bg-<n>.aof        → AOF_REWRITE_FAILED
 *   unlink a base or incr after the commit   → AOF_HISTORY_DELETED
 *   fsync temp-appendonly.aof.manifest       → MANIFEST_TEMP_WRITTEN, MANIFEST_TEMP_FSYNCED
 *   rename it → appendonly.aof.manifest      → MANIFEST_RENAMED
 *   fsyncDirectory appendonlydir then        → MANIFEST_DIR_FSYNCED
 *   append to the live incr (or temp incr)   → 'aof-append' (the write of BEFORE_SLEEP)
 *   fsync/fdatasync of it                    → 'aof-sync' (BEFORE_SLEEP under always, or
 *                                              BG_FSYNC_DONE, decided by the run)
 * Everything else (reads, opens, writes into temp files, closes, extra directory fsyncs) is
 * 'neutral': it changes nothing the model tracks, and the crash checks judge its effects.
 *
 * Invariant: pure; the answer depends only on the operation, the names and the model's state.
 */
import type { PersistenceEvent } from '../../model/index.ts';
import type { ObservedOperation } from './observed-file-system.ts';

export interface StoreNames {
  readonly directory: string;
  readonly dbfilename: string;
  readonly appenddirname: string;
  readonly appendfilename: string;
}

export type OperationMeaning =
  | { readonly kind: 'events'; readonly events: readonly PersistenceEvent[] }
  | { readonly kind: 'aof-append' }
  | { readonly kind: 'aof-sync' }
  | { readonly kind: 'neutral' };

/** What the classifier needs to know of the model: is a state active (dotted path)? */
export interface ModelStates {
  inState(path: string): boolean;
}

const neutral: OperationMeaning = { kind: 'neutral' };
const events = (...list: PersistenceEvent['type'][]): OperationMeaning => ({ kind: 'events', events: list.map((type) => ({ type }) as PersistenceEvent) });

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class OperationClassifier {
  readonly #names: StoreNames;
  readonly #aofDir: string;
  readonly #dump: string;
  readonly #incr: RegExp;
  readonly #base: RegExp;

  constructor(names: StoreNames) {
    this.#names = names;
    this.#aofDir = `${names.directory}/${names.appenddirname}`;
    this.#dump = `${names.directory}/${names.dbfilename}`;
    const prefix = escape(names.appendfilename);
    this.#incr = new RegExp(`^${prefix}\\.\\d+\\.incr\\.aof$`);
    this.#base = new RegExp(`^${prefix}\\.\\d+\\.base\\.(rdb|aof)$`);
  }

  #isRdbTemp(path: string): boolean {
    return path.startsWith(`${this.#names.directory}/`) && /^temp-\d+\.rdb$/.test(baseName(path)) && !path.slice(this.#names.directory.length + 1).includes('/');
  }

  #isRewriteTemp(path: string): boolean {
    return /^temp-rewriteaof-bg-\d+\.aof$/.test(baseName(path));
  }

  #isTempManifest(path: string): boolean {
    return path === `${this.#aofDir}/temp-${this.#names.appendfilename}.manifest`;
  }

  #isManifest(path: string): boolean {
    return path === `${this.#aofDir}/${this.#names.appendfilename}.manifest`;
  }

  #inAofDir(path: string): boolean {
    return path.startsWith(`${this.#aofDir}/`);
  }

  /** The live AOF a write may go to: an incr file, or the temp incr of a runtime enable. */
  isAofFile(path: string): boolean {
    if (!this.#inAofDir(path)) return false;
    const name = baseName(path);
    return this.#incr.test(name) || name === `temp-${this.#names.appendfilename}.incr`;
  }

  classify(operation: ObservedOperation, model: ModelStates): OperationMeaning {
    const { path } = operation;
    const rdbWriter = model.inState('running.eventLoop.saving') || model.inState('running.child.rdbChild');
    switch (operation.operation) {
      case 'fsync':
      case 'fdatasync':
        if (this.#isRdbTemp(path)) return events('RDB_TEMP_WRITTEN', 'RDB_TEMP_FSYNCED');
        if (this.#isRewriteTemp(path)) return events('AOF_BASE_WRITTEN', 'AOF_BASE_FSYNCED');
        if (this.#isTempManifest(path)) {
          return model.inState('running.eventLoop.finishingRewrite.deletingHistory')
            ? events('AOF_HISTORY_DELETED', 'MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED')
            : events('MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED');
        }
        if (this.isAofFile(path)) return { kind: 'aof-sync' };
        return neutral;
      case 'rename':
        if (this.#isRdbTemp(path) && operation.target === this.#dump) return events('RDB_RENAMED');
        if (this.#isRewriteTemp(path) && operation.target !== undefined && this.#base.test(baseName(operation.target))) return events('AOF_BASE_RENAMED');
        if (this.#isTempManifest(path) && operation.target !== undefined && this.#isManifest(operation.target)) return events('MANIFEST_RENAMED');
        return neutral;
      case 'fsyncDirectory':
        if (path === this.#names.directory && rdbWriter && (model.inState('running.eventLoop.saving.renamed') || model.inState('running.child.rdbChild.renamed'))) {
          return events('RDB_DIR_FSYNCED');
        }
        if (path === this.#aofDir) {
          if (model.inState('running.eventLoop.finishingRewrite.baseRenamed')) return events('AOF_BASE_DIR_FSYNCED');
          const swapping = ['running.eventLoop.rotatingIncr.committingIncr.renamed', 'running.eventLoop.finishingRewrite.committingBase.renamed', 'running.eventLoop.finishingRewrite.committingCleanup.renamed'];
          if (swapping.some((state) => model.inState(state))) return events('MANIFEST_DIR_FSYNCED');
        }
        return neutral;
      case 'unlink':
        if (this.#isRdbTemp(path) && rdbWriter) return events('RDB_FAILED');
        if (this.#isRewriteTemp(path) && model.inState('running.child.rewriteChild')) return events('AOF_REWRITE_FAILED');
        if (this.#inAofDir(path) && (this.#incr.test(baseName(path)) || this.#base.test(baseName(path))) && model.inState('running.eventLoop.finishingRewrite.deletingHistory')) {
          return events('AOF_HISTORY_DELETED');
        }
        return neutral;
      case 'open':
        if (operation.mode !== 'read' && operation.mode !== 'read-write' && this.#inAofDir(path) && this.#incr.test(baseName(path))) {
          if (model.inState('running.eventLoop.rotatingIncr.creatingIncr')) return events('AOF_INCR_CREATED');
          if (model.inState('running.eventLoop.serving') && model.inState('running.child.none')) return events('AOF_AUTO_REWRITE', 'AOF_INCR_CREATED');
        }
        return neutral;
      case 'write':
      case 'append':
        if (this.isAofFile(path)) return { kind: 'aof-append' };
        return neutral;
      default:
        return neutral;
    }
  }
}
