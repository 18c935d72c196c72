/**
 * Goal: BGREWRITEAOF and the automatic rewrite as Redis 7.0's MP-AOF (facts §4.5, §4.8, §2.4):
 * replies and scheduling (during BGSAVE, inside MULTI, already running), the exact file-system
 * sequence (old incr flushed and fdatasynced, new incr created and its name fsynced, manifest
 * committed, base written from the point-in-time cut while writes go to the new incr, base
 * fsynced, renamed, appendonlydir fsynced, manifest committed, history deleted, manifest
 * committed again), the base holding exactly the dataset at the cut (RDB preamble or RESP), the
 * rewrite with the AOF off, failures (status err, temp removed, manifest untouched, multiple
 * incrs after repeated failures), the rate limiter, and auto-aof-rewrite-percentage/min-size.
 * Method: Stores on a CrashFileSystem stepped by a ManualScheduler; files and the operation log
 * are read back; every scenario ends with a restart that must load the live dataset.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRdb } from '../encoding/rdb-dataset.ts';
import { NodeFileSystem } from '../fs/node-file-system.ts';
import { AofFatalError } from './aof-fatal-error.ts';
import { rewriteFailedError, rewriteInProgressError } from './aof-persistence.ts';
import { immediateScheduler, systemClock } from './host-runtime.ts';
import { anotherChildError } from './rdb-persistence.ts';
import { openStore } from './store.ts';
import { aofConfig, aofListing, aofPath, datasetOf, expectRestartHolds, fileText, manifestOf, manifestText, operationsSince, resp } from './testing/aof-harness.ts';
import { type Harness, canonical, openHarness, seededRandom, show, testConfig } from './testing/store-harness.ts';


async function populated(more = {}): Promise<Harness> {
  const h = await openHarness({ config: aofConfig('always', more) });
  for (let index = 0; index < 5; index += 1) await h.run('set', `k${index}`, `v${index}`);
  await h.run('select', '2');
  await h.run('rpush', 'list', 'a', 'b');
  await h.run('select', '0');
  return h;
}

function failTempBaseWrites(h: Harness, times: 'once' | 'always'): void {
  h.fs.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('temp-rewriteaof-bg') }, fault: { kind: 'error', code: 'ENOSPC' }, times });
}

describe('BGREWRITEAOF with the AOF on', () => {
  it('runs the whole sequence; writes during it go to the new incr; the base holds the dataset of its start', async () => {
    const h = await populated();
    const atStart = canonical(h.store.dataset());
    const since = h.fs.operationLog.entries.length;
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: true, aofRewrites: 1 });
    await h.run('set', 'k0', 'changed');
    await h.step();
    await h.run('del', 'k1');
    await h.finish();
    expect(operationsSince(h.fs, since)).toEqual([
      'fdatasync appendonlydir/appendonly.aof.1.incr.aof',
      'open appendonlydir/appendonly.aof.2.incr.aof (create-truncate)',
      'fsync appendonlydir/appendonly.aof.2.incr.aof',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,132)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
      'close appendonlydir/appendonly.aof.1.incr.aof',
      'open appendonlydir/temp-rewriteaof-bg-4001.aof (create-truncate)',
      'append appendonlydir/appendonly.aof.2.incr.aof',
      'fdatasync appendonlydir/appendonly.aof.2.incr.aof',
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof \[0,/),
      'append appendonlydir/appendonly.aof.2.incr.aof',
      'fdatasync appendonlydir/appendonly.aof.2.incr.aof',
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof/),
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof/),
      expect.stringMatching(/^write appendonlydir\/temp-rewriteaof-bg-4001.aof/),
      'fsync appendonlydir/temp-rewriteaof-bg-4001.aof',
      'close appendonlydir/temp-rewriteaof-bg-4001.aof',
      'rename appendonlydir/temp-rewriteaof-bg-4001.aof -> appendonlydir/appendonly.aof.2.base.rdb',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,176)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
      'unlink appendonlydir/appendonly.aof.1.incr.aof',
      'unlink appendonlydir/appendonly.aof.1.base.rdb',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,88)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
    ]);
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    const base = await h.fs.readFile(aofPath('appendonly.aof.2.base.rdb'));
    expect(canonical(decodeRdb(base, 'base').databases)).toBe(atStart);
    expect(await fileText(h.fs, aofPath('appendonly.aof.2.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'k0', 'changed') + resp('del', 'k1'));
    const size = base.length + resp('SELECT', '0').length + resp('set', 'k0', 'changed').length + resp('del', 'k1').length;
    expect(h.store.info()).toMatchObject({ aofRewriteInProgress: false, aofLastBgrewriteStatus: 'ok', aofCurrentSize: size, aofBaseSize: size });
    await expectRestartHolds(h);
  });

  it('flushes the turn’s buffered writes into the OLD incr before switching (a turn holding a write then BGREWRITEAOF)', async () => {
    const h = await populated();
    const [a, b] = [h.store.session(), h.store.session()];
    await h.store.turn([
      { session: a, argv: ['set', 'same-turn', '1'] },
      { session: b, argv: ['bgrewriteaof'] },
      { session: a, argv: ['set', 'after', '2'] },
    ]);
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toMatch(/same-turn\r\n\$1\r\n1\r\n$/);
    expect(await fileText(h.fs, aofPath('appendonly.aof.2.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'after', '2'));
    await h.finish();
    await expectRestartHolds(h);
  });

  it('everysec: a background fsync still queued for the old incr does not postpone writes to the new one (rotation fsynced the old incr)', async () => {
    // Found by the conformance suite (random workload 20261614): writes after a rewrite start
    // waited behind a queued fsync of the detached file, which had nothing left to sync.
    const h = await openHarness({ config: aofConfig('everysec') });
    await h.run('set', 'a', '1');
    h.clock.advance(1_000);
    await h.store.cron();
    expect(h.store.info().aofPendingBioFsync).toBe(1);
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    expect(h.store.info().aofPendingBioFsync).toBe(0);
    const since = h.fs.operationLog.entries.length;
    await h.run('set', 'b', '2');
    expect(operationsSince(h.fs, since).filter((call) => call.startsWith('append '))).toEqual(['append appendonlydir/appendonly.aof.2.incr.aof']);
  });

  it('aof-use-rdb-preamble no: a .base.aof of SELECT + rewrite commands (+ PEXPIREAT) that loads back', async () => {
    const h = await openHarness({ config: aofConfig('always', { aofUseRdbPreamble: false }) });
    await h.run('set', 's', 'v');
    await h.run('pexpire', 's', '100000');
    await h.run('select', '1');
    await h.run('sadd', 'set', 'm');
    await h.run('bgrewriteaof');
    await h.finish();
    expect(await fileText(h.fs, aofPath('appendonly.aof.2.base.aof'))).toBe(
      resp('SELECT', '0') + resp('SET', 's', 'v') + resp('PEXPIREAT', 's', String(1_700_000_100_000)) + resp('SELECT', '1') + resp('SADD', 'set', 'm'),
    );
    await expectRestartHolds(h, aofConfig('always'));
  });

  it('is refused while one runs; is scheduled during a BGSAVE and inside MULTI, then started by cron', async () => {
    const h = await populated();
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    expect(await h.run('bgrewriteaof')).toBe(`-${rewriteInProgressError}`);
    expect(await h.run('bgsave')).toBe(`-${anotherChildError}`);
    expect(await h.run('bgsave', 'schedule')).toBe('+Background saving scheduled');
    await h.finish();
    expect(await h.store.cron()).toMatchObject({ bgsaveStarted: { reason: 'scheduled' }, aofRewriteStarted: null });
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting scheduled');
    expect(h.store.info()).toMatchObject({ aofRewriteScheduled: true, rdbBgsaveInProgress: true });
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    await h.finish();
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.finish();
    await h.run('multi');
    expect(await h.run('bgrewriteaof')).toBe('+QUEUED');
    expect(await h.run('exec')).toEqual(['+Background append only file rewriting scheduled']);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.4.base.rdb seq 4 type b', 'file appendonly.aof.4.incr.aof seq 4 type i'));
    await expectRestartHolds(h);
  });
});

describe('other commands during a rewrite', () => {
  it('SAVE runs (Redis allows it during an AOF rewrite); FLUSHALL does not stop the rewrite, whose base keeps its start', async () => {
    const h = await populated({ save: [{ seconds: 3600, changes: 1 }] });
    const atStart = canonical(h.store.dataset());
    await h.run('bgrewriteaof');
    await h.step();
    expect(await h.run('save')).toBe('+OK');
    await h.run('flushall');
    await h.run('set', 'after-flush', '1');
    expect(h.store.info().aofRewriteInProgress).toBe(true);
    await h.finish();
    expect(h.store.info().aofLastBgrewriteStatus).toBe('ok');
    expect(canonical(decodeRdb(await h.fs.readFile(aofPath('appendonly.aof.2.base.rdb')), 'base').databases)).toBe(atStart);
    await expectRestartHolds(h);
  });
});

describe('BGREWRITEAOF with the AOF off', () => {
  it('writes a new base, turns every incr into history and deletes it: the manifest is the base alone', async () => {
    const h = await populated();
    await h.run('config', 'set', 'appendonly', 'no');
    await h.run('set', 'while-off', '1');
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.finish();
    expect(await manifestText(h.fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b'));
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.manifest']);
    await expectRestartHolds(h);
  });
});

describe('failures', () => {
  it('a failed base write: status err, temp removed, the manifest keeps the new incr, nothing lost on restart', async () => {
    const h = await populated();
    failTempBaseWrites(h, 'once');
    await h.run('bgrewriteaof');
    await h.run('set', 'during', '1');
    await h.finish();
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: 1, aofRewriteInProgress: false });
    expect(await aofListing(h.fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    await expectRestartHolds(h);
  });

  it('repeated failures open one more incr each (multi-part test 29); the success keeps only the base and the live incr', async () => {
    const h = await populated();
    failTempBaseWrites(h, 'always');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await h.run('bgrewriteaof');
      await h.run('incr', 'counter');
      await h.finish();
    }
    expect(await manifestText(h.fs)).toBe(
      manifestOf(
        'file appendonly.aof.1.base.rdb seq 1 type b',
        'file appendonly.aof.1.incr.aof seq 1 type i',
        'file appendonly.aof.2.incr.aof seq 2 type i',
        'file appendonly.aof.3.incr.aof seq 3 type i',
        'file appendonly.aof.4.incr.aof seq 4 type i',
      ),
    );
    await expectRestartHolds(h);
    expect(h.store.info().aofRewritesConsecutiveFailures).toBe(3);
  });

  it('the old incr’s fdatasync failing at rewrite start: everysec → -ERR and MISCONF until an fsync succeeds; always → the store fails', async () => {
    for (const policy of ['everysec', 'always'] as const) {
      const h = await openHarness({ config: aofConfig(policy) });
      await h.run('set', 'a', '1');
      h.fs.injectFault({ when: { matches: (request) => request.operation === 'fdatasync' && request.path.endsWith('1.incr.aof') }, fault: { kind: 'fsync-failure' }, times: 'once' });
      const reply = await h.store.execute(['bgrewriteaof']).then(show, (error: unknown) => error);
      if (policy === 'always') {
        expect(reply).toBeInstanceOf(AofFatalError);
        continue;
      }
      expect(reply).toBe(`-${rewriteFailedError}`);
      expect(await h.run('set', 'b', '2')).toBe('-MISCONF Errors writing to the AOF file: Input/output error');
      expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
      expect(await h.run('set', 'b', '2')).toBe('+OK');
      await h.finish();
      await expectRestartHolds(h, aofConfig(policy));
    }
  });

  it('a manifest commit that fails at rewrite start: -ERR, no switch, writes go on into the old incr', async () => {
    const h = await populated();
    h.fs.injectFault({ when: { matches: (request) => request.operation === 'rename' && request.path.includes('temp-appendonly.aof.manifest') }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    expect(await h.run('bgrewriteaof')).toBe(`-${rewriteFailedError}`);
    expect(h.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewriteInProgress: false });
    await h.run('set', 'after', '1');
    expect(await fileText(h.fs, aofPath('appendonly.aof.1.incr.aof'))).toMatch(/after\r\n\$1\r\n1\r\n$/);
    await expectRestartHolds(h);
  });
});

describe('automatic rewrites and the limiter', () => {
  it('starts on growth past auto-aof-rewrite-min-size and -percentage (not at 0 percent, not below the size)', async () => {
    const h = await openHarness({ config: aofConfig('no', { autoAofRewriteMinSize: 200, autoAofRewritePercentage: 100 }) });
    await h.run('set', 'k', 'x'.repeat(100));
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    await h.run('set', 'k', 'y'.repeat(100));
    expect(await h.run('config', 'set', 'auto-aof-rewrite-percentage', '0')).toBe('+OK');
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    await h.run('config', 'set', 'auto-aof-rewrite-percentage', '100');
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'auto' });
    await h.finish();
    const base = h.store.info().aofBaseSize;
    expect(base).toBeGreaterThan(100);
    await h.run('set', 'k', 'z'.repeat(base - 60));
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    await h.run('set', 'k', 'w'.repeat(base));
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'auto' });
    await h.finish();
    await expectRestartHolds(h, aofConfig('no'));
  });

  it('after 3 consecutive failures, cron waits 1 minute, then 2; a manual BGREWRITEAOF still runs at once', async () => {
    const h = await openHarness({ config: aofConfig('no', { autoAofRewriteMinSize: 10 }) });
    await h.run('set', 'k', 'x'.repeat(50));
    failTempBaseWrites(h, 'always');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'auto' });
      await h.finish();
    }
    expect(h.store.info().aofRewritesConsecutiveFailures).toBe(3);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    h.clock.advance(59_000);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    h.clock.advance(1_000);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: 'auto' });
    await h.finish();
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    h.clock.advance(60_000);
    expect(await h.store.cron()).toMatchObject({ aofRewriteStarted: null });
    expect(await h.run('bgrewriteaof')).toBe('+Background append only file rewriting started');
    await h.finish();
    expect(h.store.info().aofRewritesConsecutiveFailures).toBe(5);
  });
});

describe('production adapters', () => {
  it('on a real disk with the immediate scheduler: writes, BGREWRITEAOF to completion with no stepping, close, reopen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'durakv-aof-'));
    try {
      const options = { fileSystem: new NodeFileSystem(), directory: root, config: { ...testConfig, ...aofConfig('everysec'), snapshotSliceKeys: 3 }, clock: systemClock, random: seededRandom(1), scheduler: immediateScheduler, processId: process.pid };
      const store = await openStore(options);
      for (let index = 0; index < 20; index += 1) await store.execute([`set`, `k${index}`, `v${index}`]);
      expect(await store.execute(['bgrewriteaof'])).toEqual({ kind: 'simple', value: 'Background append only file rewriting started' });
      await store.execute(['set', 'k0', 'changed']);
      await store.backgroundSettled();
      expect(store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewriteInProgress: false });
      const expected = datasetOf(store);
      await store.close({ background: 'finish' });
      expect((await readdir(join(root, 'appendonlydir'))).sort()).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      const reloaded = await openStore(options);
      expect(datasetOf(reloaded)).toBe(expected);
      await reloaded.close({ background: 'cancel' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
