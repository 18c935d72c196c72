/**
 * Goal: an I/O failure during SAVE or BGSAVE (ENOSPC or EIO on a write, a short write, an fsync
 * failure, a failed rename) leaves the old dump untouched and durable, removes the temp file,
 * and reports like Redis 7.0 (facts §2.1–2.2): SAVE replies a bare "-ERR" and leaves the status
 * alone; BGSAVE sets rdb_last_bgsave_status err and keeps dirty. A failed directory fsync after
 * the rename leaves the new dump visible but still counts as a failure (durability unknown).
 * Method: a Store on a CrashFileSystem with an old dump saved, one fault injected into the
 * matching operation on the temp file; afterwards the page cache and every power-loss state of
 * both profiles must hold the old dump.
 */
import { describe, expect, it } from 'vitest';
import type { InjectedFault } from '../fs/crash-faults.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import type { FsOperationName } from '../fs/file-system.ts';
import { canonical, dumpDataset, dumpPath, type Harness, openHarness, seededRandom } from './testing/store-harness.ts';

const faults: ReadonlyArray<readonly [string, FsOperationName, InjectedFault]> = [
  ['ENOSPC on a write', 'write', { kind: 'error', code: 'ENOSPC' }],
  ['EIO on a write', 'write', { kind: 'error', code: 'EIO' }],
  ['a short write', 'write', { kind: 'short-write', bytesWritten: 7, code: 'ENOSPC' }],
  ['an fsync failure', 'fsync', { kind: 'fsync-failure' }],
  ['a failed rename', 'rename', { kind: 'error', code: 'EIO' }],
];

async function withOldDump(): Promise<{ h: Harness; old: string | null }> {
  const h = await openHarness({ config: { save: [{ seconds: 3600, changes: 1 }] } });
  for (let index = 0; index < 6; index += 1) await h.run('set', `key:${index}`, `old-${index}`);
  await h.run('save');
  const old = canonical(await dumpDataset(h.fs));
  for (let index = 0; index < 6; index += 1) await h.run('set', `key:${index}`, `new-${index}`);
  return { h, old };
}

function inject(h: Harness, operation: FsOperationName, fault: InjectedFault): void {
  h.fs.injectFault({ when: { matches: (request) => request.operation === operation && request.path.includes('temp-') }, fault, times: 'once' });
}

async function expectOldDumpEverywhere(h: Harness, old: string | null): Promise<void> {
  expect(canonical(await dumpDataset(h.fs))).toBe(old);
  expect((await h.fs.readdir('/data')).filter((name) => name.startsWith('temp-'))).toEqual([]);
  for (const profile of crashProfileNames) {
    for (const state of h.fs.powerLossStates(profile, { max: 30, random: seededRandom(5) }).states) {
      const fs = h.fs.crash('power', { state });
      expect(canonical(await dumpDataset(fs, dumpPath)), `${profile}: ${state.description}`).toBe(old);
    }
  }
}

describe('I/O failures during a save', () => {
  it.each(faults)('SAVE on %s: replies -ERR, keeps the old dump durable, removes the temp, status unchanged', async (_name, operation, fault) => {
    const { h, old } = await withOldDump();
    inject(h, operation, fault);
    expect(await h.run('save')).toBe('-ERR');
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'ok', rdbChangesSinceLastSave: 6, rdbSaves: 2 });
    await expectOldDumpEverywhere(h, old);
  });

  it.each(faults)('BGSAVE on %s: status err, dirty kept, old dump durable, temp removed', async (_name, operation, fault) => {
    const { h, old } = await withOldDump();
    inject(h, operation, fault);
    expect(await h.run('bgsave')).toBe('+Background saving started');
    await h.finish();
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'err', rdbChangesSinceLastSave: 6, rdbBgsaveInProgress: false });
    await expectOldDumpEverywhere(h, old);
  });

  it('BGSAVE whose directory fsync fails after the rename: new dump visible, status err, dirty kept', async () => {
    const { h } = await withOldDump();
    const expected = canonical(h.store.dataset());
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'fsyncDirectory' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    await h.run('bgsave');
    await h.finish();
    expect(canonical(await dumpDataset(h.fs))).toBe(expected);
    expect(h.store.info()).toMatchObject({ rdbLastBgsaveStatus: 'err', rdbChangesSinceLastSave: 6 });
  });
});
