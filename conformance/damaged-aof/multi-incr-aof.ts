/**
 * A disk whose multi-part AOF lists several incr files, built with the library API: the input
 * the damaged-AOF check needs, since a correct run leaves a single incr after every successful
 * rewrite (Redis keeps more than one only after failed rewrites).
 *
 * How: a store with appendonly yes (always) on a CrashFileSystem whose writes to the rewrite's
 * temp base always fail with ENOSPC; writes (plain commands and a MULTI/EXEC), then
 * BGREWRITEAOF run to its end (it fails, and the incr it opened stays listed), `rewrites` times,
 * with writes after each. The manifest then lists base 1 and incrs 1 .. rewrites+1.
 *
 * Invariants:
 * - Deterministic (manual scheduler, fixed clock, seeded random): the same arguments give the
 *   same bytes.
 * - The image is the page cache after a clean close: every file whole, no torn tail anywhere.
 */
import assert from 'node:assert/strict';
import { CrashFileSystem, ManualScheduler, type StoreConfig, openStore, redisDefaults } from '../../impl/index.ts';
import type { DiskImage } from '../../impl/fs/crash-disk-image.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';

export const multiIncrDirectory = '/data';

/** The configuration the image was written with (and must be loaded with). */
export const multiIncrConfig: StoreConfig = { ...redisDefaults, save: [], appendonly: true, appendfsync: 'always', autoAofRewritePercentage: 0 };

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function multiIncrAofImage(options: { readonly rewrites?: number } = {}): Promise<DiskImage> {
  const rewrites = options.rewrites ?? 2;
  assert.ok(Number.isSafeInteger(rewrites) && rewrites >= 1, 'at least one failed rewrite (two incr files)');
  const disk = CrashFileSystem.create();
  await disk.mkdir(multiIncrDirectory, { recursive: false });
  await disk.fsyncDirectory('/');
  disk.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('temp-rewriteaof-bg') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'always' });
  const scheduler = new ManualScheduler();
  const store = await openStore({ fileSystem: disk, directory: multiIncrDirectory, config: multiIncrConfig, clock: { nowMs: () => 1_700_000_000_000 }, random: seededRandom(11), scheduler, processId: 7000 });
  const run = async (...argv: string[]): Promise<void> => {
    const reply = await store.execute(argv);
    if (reply.kind === 'error') assert.fail(`${argv.join(' ')} failed: ${reply.message}`);
  };
  const writes = async (round: number): Promise<void> => {
    await run('SET', `s:${round}`, `value-${round}`);
    await run('RPUSH', 'l:1', `item-${round}`, `x${round}`);
    await run('MULTI');
    await run('INCR', 'c:1');
    await run('HSET', 'h:1', `f${round}`, `v${round}`);
    await run('EXEC');
    await run('SADD', 'S:1', `m${round}`);
  };
  await writes(0);
  for (let attempt = 1; attempt <= rewrites; attempt += 1) {
    await run('BGREWRITEAOF');
    await settle();
    for (let slices = 0; store.info().aofRewriteInProgress; slices += 1) {
      assert.ok(slices < 10_000, 'the rewrite ends');
      scheduler.runNext();
      await settle();
    }
    assert.equal(store.info().aofLastBgrewriteStatus, 'err', 'the seeded ENOSPC fails the rewrite');
    await writes(attempt);
  }
  await store.close({ background: 'cancel' });
  return disk.pageCache();
}
