/**
 * durakv's side of the AOF interop tests: a Store with appendonly yes on a real directory
 * (NodeFileSystem), running command lists, the two-phase workload with a BGREWRITEAOF between
 * the phases, and loading a directory some other program wrote.
 *
 * Invariants:
 * - Every store is opened through the library API (openStore) with Redis's defaults except
 *   `save ""`, appendonly yes and the given options, and is closed (AOF flushed, fsynced and
 *   closed) before a function returns, whatever happens.
 * - `runOnDurakv` rejects on the first error reply (top level), naming the command.
 * - `durakvAofWorkload` leaves `<directory>/appendonlydir` with a base written by a completed
 *   BGREWRITEAOF and the incr opened by it (asserted through INFO and the reply).
 */
import assert from 'node:assert/strict';
import { type AppendFsync, type ByteString, type DatabaseContents, NodeFileSystem, type Store, type StoreSession, immediateScheduler, openStore, redisDefaults, systemClock } from '../../impl/index.ts';
import type { AofWorkload } from './aof-workload.ts';

export interface DurakvAofOptions {
  readonly aofUseRdbPreamble?: boolean;
  readonly appendfsync?: AppendFsync;
  /** A clock fixed at this Unix ms (relative TTLs become exact); the system clock when absent. */
  readonly fixedNowMs?: number;
}

export function openDurakvAof(directory: string, options: DurakvAofOptions = {}): Promise<Store> {
  const fixed = options.fixedNowMs;
  return openStore({
    fileSystem: new NodeFileSystem(),
    directory,
    config: { ...redisDefaults, save: [], appendonly: true, appendfsync: options.appendfsync ?? 'always', aofUseRdbPreamble: options.aofUseRdbPreamble ?? true },
    clock: fixed === undefined ? systemClock : { nowMs: () => fixed },
    random: Math.random,
    scheduler: immediateScheduler,
    processId: process.pid,
  });
}

export async function runOnDurakv(session: StoreSession, commands: readonly (readonly ByteString[])[]): Promise<void> {
  for (const argv of commands) {
    const reply = await session.execute(argv);
    assert.ok(reply.kind !== 'error', `durakv: ${JSON.stringify(argv.slice(0, 2))} replied ${reply.kind === 'error' ? reply.message : ''}`);
  }
}

/** Phase 1, BGREWRITEAOF (awaited), phase 2; returns the dataset the store holds at the end. */
export async function durakvAofWorkload(directory: string, workload: AofWorkload, options: DurakvAofOptions): Promise<Map<number, DatabaseContents>> {
  const store = await openDurakvAof(directory, options);
  try {
    const session = store.session();
    await runOnDurakv(session, workload.phase1);
    assert.deepEqual(await store.execute(['BGREWRITEAOF']), { kind: 'simple', value: 'Background append only file rewriting started' });
    await store.backgroundSettled();
    assert.equal(store.info().aofLastBgrewriteStatus, 'ok', 'the rewrite succeeded');
    await runOnDurakv(session, workload.phase2);
    return store.dataset();
  } finally {
    await store.close({ background: 'finish' });
  }
}

/** What durakv's start-up load makes of `<directory>/appendonlydir` (it may cut a torn tail, as Redis). */
export async function loadWithDurakv(directory: string): Promise<Map<number, DatabaseContents>> {
  const store = await openDurakvAof(directory);
  try {
    return store.dataset();
  } finally {
    await store.close({ background: 'finish' });
  }
}
