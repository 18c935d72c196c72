/**
 * Goal: the refinement map names the model event of each protocol operation of Redis 7.0's
 * layout, depends on the model's state where Redis's names alone are ambiguous, and leaves
 * everything else neutral.
 * Method: a table of operations against a fake model state.
 */
import { describe, expect, it } from 'vitest';
import type { ObservedOperation } from './observed-file-system.ts';
import { OperationClassifier } from './operation-events.ts';

const classifier = new OperationClassifier({ directory: '/data', dbfilename: 'dump.rdb', appenddirname: 'appendonlydir', appendfilename: 'appendonly.aof' });
const inStates = (...states: string[]) => ({ inState: (path: string) => states.includes(path) });
const serving = inStates('running.eventLoop.serving', 'running.child.none');
const op = (operation: ObservedOperation['operation'], path: string, more: Partial<ObservedOperation> = {}): ObservedOperation => ({ operation, path, effect: 'change', ...more });
const types = (meaning: ReturnType<OperationClassifier['classify']>): string[] | string => (meaning.kind === 'events' ? meaning.events.map((event) => event.type) : meaning.kind);

describe('the refinement map from file-system operations to model events', () => {
  it.each([
    ['fsync of the temp RDB', op('fsync', '/data/temp-4000.rdb'), serving, ['RDB_TEMP_WRITTEN', 'RDB_TEMP_FSYNCED']],
    ['rename of the temp RDB over dump.rdb', op('rename', '/data/temp-4000.rdb', { target: '/data/dump.rdb' }), serving, ['RDB_RENAMED']],
    ['rename of the temp RDB to another name', op('rename', '/data/temp-4000.rdb', { target: '/data/other.rdb' }), serving, 'neutral'],
    ['directory fsync after the dump rename (SAVE)', op('fsyncDirectory', '/data'), inStates('running.eventLoop.saving', 'running.eventLoop.saving.renamed'), ['RDB_DIR_FSYNCED']],
    ['directory fsync with no rename pending', op('fsyncDirectory', '/data'), serving, 'neutral'],
    ['unlink of the temp RDB while a BGSAVE child runs', op('unlink', '/data/temp-4001.rdb'), inStates('running.child.rdbChild'), ['RDB_FAILED']],
    ['creating the next incr at rewrite start', op('open', '/data/appendonlydir/appendonly.aof.2.incr.aof', { mode: 'create-truncate' }), inStates('running.eventLoop.rotatingIncr.creatingIncr'), ['AOF_INCR_CREATED']],
    ['creating the next incr from serverCron (growth)', op('open', '/data/appendonlydir/appendonly.aof.2.incr.aof', { mode: 'create-truncate' }), serving, ['AOF_AUTO_REWRITE', 'AOF_INCR_CREATED']],
    ['opening an incr to read', op('open', '/data/appendonlydir/appendonly.aof.2.incr.aof', { mode: 'read', effect: 'none' }), serving, 'neutral'],
    ['fsync of the rewrite temp base', op('fsync', '/data/appendonlydir/temp-rewriteaof-bg-4001.aof'), serving, ['AOF_BASE_WRITTEN', 'AOF_BASE_FSYNCED']],
    ['rename of the temp base into a base name', op('rename', '/data/appendonlydir/temp-rewriteaof-bg-4001.aof', { target: '/data/appendonlydir/appendonly.aof.2.base.rdb' }), serving, ['AOF_BASE_RENAMED']],
    ['directory fsync after the base rename', op('fsyncDirectory', '/data/appendonlydir'), inStates('running.eventLoop.finishingRewrite.baseRenamed'), ['AOF_BASE_DIR_FSYNCED']],
    ['fsync of the temp manifest', op('fsync', '/data/appendonlydir/temp-appendonly.aof.manifest'), serving, ['MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED']],
    ['fsync of the temp manifest when no history was unlinked', op('fsync', '/data/appendonlydir/temp-appendonly.aof.manifest'), inStates('running.eventLoop.finishingRewrite.deletingHistory'), ['AOF_HISTORY_DELETED', 'MANIFEST_TEMP_WRITTEN', 'MANIFEST_TEMP_FSYNCED']],
    ['rename of the temp manifest', op('rename', '/data/appendonlydir/temp-appendonly.aof.manifest', { target: '/data/appendonlydir/appendonly.aof.manifest' }), serving, ['MANIFEST_RENAMED']],
    ['directory fsync after the manifest rename', op('fsyncDirectory', '/data/appendonlydir'), inStates('running.eventLoop.finishingRewrite.committingBase.renamed'), ['MANIFEST_DIR_FSYNCED']],
    ['unlink of a history file', op('unlink', '/data/appendonlydir/appendonly.aof.1.incr.aof'), inStates('running.eventLoop.finishingRewrite.deletingHistory'), ['AOF_HISTORY_DELETED']],
    ['unlink of the rewrite temp base while its child runs', op('unlink', '/data/appendonlydir/temp-rewriteaof-bg-4001.aof'), inStates('running.child.rewriteChild'), ['AOF_REWRITE_FAILED']],
    ['an append to the live incr', op('append', '/data/appendonlydir/appendonly.aof.3.incr.aof'), serving, 'aof-append'],
    ['an append to the temp incr of a runtime enable', op('append', '/data/appendonlydir/temp-appendonly.aof.incr'), serving, 'aof-append'],
    ['an fdatasync of the live incr', op('fdatasync', '/data/appendonlydir/appendonly.aof.3.incr.aof'), serving, 'aof-sync'],
    ['a write into the temp RDB', op('write', '/data/temp-4000.rdb'), serving, 'neutral'],
    ['a read', op('readFile', '/data/dump.rdb', { effect: 'none' }), serving, 'neutral'],
  ])('%s', (_name, operation, states, expected) => {
    expect(types(classifier.classify(operation, states))).toEqual(expected);
  });
});
