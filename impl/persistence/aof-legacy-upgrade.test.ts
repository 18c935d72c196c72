/**
 * Goal: a pre-7.0 single-file AOF (`<dir>/appendonly.aof`, RESP or RDB preamble + RESP tail) is
 * upgraded at start-up as Redis 7.0 does (facts §4.7; multi-part tests 16-20): manifest naming
 * it as base 1 first, then the rename into appendonlydir, then incr 1; the data loads; the next
 * rewrite turns it into history and deletes it. An interrupted upgrade resumes; with both copies
 * the directory's one wins and the outer one is left alone; a manifest naming it when it is
 * nowhere refuses; with both copies and no manifest naming it, the start is refused as
 * 'bad-manifest' and nothing is renamed; a manifest with only an incr file (no base) keeps the
 * directory's AOF and leaves the outer file alone. A crash before any file-system call of the upgrade, followed by a restart on
 * the process-crash disk and on power-loss states of both profiles, always loads the data.
 * Method: legacy files written by hand on a CrashFileSystem; openStore with appendonly yes.
 */
import { describe, expect, it } from 'vitest';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { AofLoadError } from './aof-load-error.ts';
import { aofConfig, aofDir, aofListing, datasetOf, diskWith, fileText, manifestOf, manifestPath, manifestText, operationsSince, reopen, resp } from './testing/aof-harness.ts';
import { directory, openHarness, seededRandom } from './testing/store-harness.ts';

const legacyPath = `${directory}/appendonly.aof`;
const legacyResp = resp('SELECT', '0') + resp('set', 'old', '1') + resp('rpush', 'l', 'a', 'b') + resp('SELECT', '3') + resp('set', 'other', 'db');

function disk(outside: Record<string, string | Uint8Array>, inside: Record<string, string> | null = null): Promise<CrashFileSystem> {
  return diskWith(inside, outside);
}

const expectedOld = async (): Promise<string> => {
  const { store } = await reopen(await disk({}, { 'appendonly.aof.1.incr.aof': legacyResp, 'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.incr.aof seq 1 type i') }), aofConfig('always'));
  return datasetOf(store ?? expect.fail('reference store'));
};

describe('legacy single-file AOF upgrade', () => {
  it('RESP legacy file: manifest first, then the rename, then incr 1; the data loads; the next rewrite deletes it as history', async () => {
    const fs = await disk({ 'appendonly.aof': legacyResp });
    const since = fs.operationLog.entries.length;
    const h = await openHarness({ fs, config: aofConfig('always') });
    expect(operationsSince(fs, since)).toEqual([
      'mkdir appendonlydir',
      'fsyncDirectory /data',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,33)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
      'rename appendonly.aof -> appendonlydir/appendonly.aof',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/appendonly.aof (read)',
      'close appendonlydir/appendonly.aof',
      'open appendonlydir/appendonly.aof.1.incr.aof (create-truncate)',
      'fsync appendonlydir/appendonly.aof.1.incr.aof',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,77)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
    ]);
    expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    expect(datasetOf(h.store)).toBe(await expectedOld());
    await h.run('set', 'new', '2');
    await h.run('bgrewriteaof');
    await h.finish();
    expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    expect(await aofListing(fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    expect(await fs.exists(legacyPath)).toBe(false);
  });

  it('RDB-preamble legacy file (4.0-6.2 style: RDB then a RESP tail) loads the same way', async () => {
    const preamble = encodeRdb(new Map([[0, new Map([['old', { value: { type: 'string' as const, value: '1' }, expireAtMs: null }]])]]), { aof: true, ctimeSeconds: 1, usedMemory: 0, compression: true });
    const fs = await disk({ 'appendonly.aof': Buffer.concat([...preamble, Buffer.from(resp('SELECT', '0') + resp('set', 'tail', 't'), 'latin1')]) });
    const { store } = await reopen(fs, aofConfig('always'));
    expect([...(store?.dataset().get(0)?.keys() ?? [])].sort()).toEqual(['old', 'tail']);
  });

  it('resumes an upgrade interrupted after its manifest (file still outside); with both copies, loads the directory’s and leaves the outer one', async () => {
    const interrupted = await disk({ 'appendonly.aof': legacyResp }, { 'appendonly.aof.manifest': manifestOf('file appendonly.aof seq 1 type b') });
    const resumed = await reopen(interrupted, aofConfig('always'));
    expect(datasetOf(resumed.store ?? expect.fail('resumed'))).toBe(await expectedOld());
    expect(await interrupted.exists(legacyPath)).toBe(false);
    const both = await disk({ 'appendonly.aof': `${resp('SELECT', '0')}${resp('set', 'outer', 'x')}` }, { 'appendonly.aof': legacyResp, 'appendonly.aof.manifest': manifestOf('file appendonly.aof seq 1 type b') });
    const loaded = await reopen(both, aofConfig('always'));
    expect(datasetOf(loaded.store ?? expect.fail('loaded'))).toBe(await expectedOld());
    expect(await fileText(both, legacyPath)).toBe(`${resp('SELECT', '0')}${resp('set', 'outer', 'x')}`);
  });

  it('refuses when the manifest names appendonly.aof as base but the file is in neither place (multi-part test 20)', async () => {
    const fs = await disk({}, { 'appendonly.aof.manifest': manifestOf('file appendonly.aof seq 1 type b') });
    const { error } = await reopen(fs, aofConfig('always'));
    expect(error).toBeInstanceOf(AofLoadError);
    expect((error as AofLoadError).kind).toBe('missing-file');
  });

  it('ignores the legacy file with appendonly no', async () => {
    const fs = await disk({ 'appendonly.aof': legacyResp });
    const { store } = await reopen(fs, {});
    expect(datasetOf(store ?? expect.fail('store'))).toBe('');
    expect(await fs.exists(aofDir)).toBe(false);
  });

  it('a crash before any file-system call of the upgrade, then a restart (process crash; power-loss states, both profiles), loads the data', async () => {
    const reference = await disk({ 'appendonly.aof': legacyResp });
    const first = reference.operationLog.nextSequence;
    await reopen(reference, aofConfig('always'));
    const last = reference.operationLog.entries.length;
    const old = await expectedOld();
    let restarts = 0;
    for (let crashAt = first; crashAt <= last + 1; crashAt += 1) {
      const fs = await disk({ 'appendonly.aof': legacyResp });
      fs.armCrash({ operation: crashAt });
      const opened = await reopen(fs, aofConfig('always'));
      if (opened.store === null) expect(isSimulatedCrash(opened.error), String(opened.error)).toBe(true);
      const disks = [fs.crash('process')];
      for (const profile of crashProfileNames) for (const state of fs.powerLossStates(profile, { max: 12, random: seededRandom(crashAt) }).states) disks.push(fs.crash('power', { state }));
      for (const after of disks) {
        const restarted = await reopen(after, aofConfig('always'));
        expect(restarted.error, `crash before #${crashAt}`).toBe(null);
        expect(datasetOf(restarted.store ?? expect.fail('restarted')), `crash before #${crashAt}`).toBe(old);
        restarts += 1;
      }
    }
    expect(last - first).toBeGreaterThan(15);
    expect(restarts).toBeGreaterThan(3 * (last - first));
  });

  it('refuses as bad-manifest at offset 0, renaming nothing, when appendonly.aof is both outside and in appendonlydir and no manifest names it (no manifest; a history-only manifest)', async () => {
    const outer = `${resp('SELECT', '0')}${resp('set', 'outer', 'x')}`;
    for (const manifest of [null, manifestOf('file appendonly.aof.1.base.rdb seq 1 type h')]) {
      const inside: Record<string, string> = { 'appendonly.aof': legacyResp };
      if (manifest !== null) inside['appendonly.aof.manifest'] = manifest;
      const fs = await disk({ 'appendonly.aof': outer }, inside);
      const since = fs.operationLog.entries.length;
      const { error } = await reopen(fs, aofConfig('always'));
      const label = manifest === null ? 'no manifest' : 'history-only manifest';
      expect(error, label).toBeInstanceOf(AofLoadError);
      const refusal = error as AofLoadError;
      expect([refusal.kind, refusal.fileName, refusal.offset], label).toEqual(['bad-manifest', manifestPath, 0]);
      expect(refusal.reason, label).toBe(`both ${legacyPath} and ${aofDir}/appendonly.aof exist and no manifest names appendonly.aof`);
      expect(operationsSince(fs, since), label).toEqual([]);
      expect(await fileText(fs, legacyPath), label).toBe(outer);
      expect(await fileText(fs, `${aofDir}/appendonly.aof`), label).toBe(legacyResp);
    }
  });

  it('loads the directory’s AOF and leaves the legacy file alone when the manifest lists only an incr file (no base, as an AOF started empty)', async () => {
    const outer = `${resp('SELECT', '0')}${resp('set', 'outer', 'x')}`;
    const fs = await disk({ 'appendonly.aof': outer }, { 'appendonly.aof.1.incr.aof': legacyResp, 'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.incr.aof seq 1 type i') });
    const { store, error } = await reopen(fs, aofConfig('always'));
    expect(error).toBe(null);
    expect(datasetOf(store ?? expect.fail('store'))).toBe(await expectedOld());
    expect(await fileText(fs, legacyPath)).toBe(outer);
    expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof.1.incr.aof seq 1 type i'));
  });

  it('loads the directory’s AOF and leaves the legacy file alone when the manifest names a base other than appendonly.aof (appendonly.aof.1.base.aof, no incr)', async () => {
    const outer = `${resp('SELECT', '0')}${resp('set', 'outer', 'x')}`;
    const fs = await disk({ 'appendonly.aof': outer }, { 'appendonly.aof.1.base.aof': legacyResp, 'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.base.aof seq 1 type b') });
    const { store, error } = await reopen(fs, aofConfig('always'));
    expect(error).toBe(null);
    expect(datasetOf(store ?? expect.fail('store'))).toBe(await expectedOld());
    expect(await fileText(fs, legacyPath)).toBe(outer);
    // The base stays; start-up adds the first incr, as it does for any manifest without one.
    expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
  });

  it('does not take the legacy file in when the manifest names appendonly.aof as base and also lists an incr (not an interrupted upgrade): refused as missing-file, manifest and legacy file untouched', async () => {
    const manifest = manifestOf('file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i');
    const fs = await disk({ 'appendonly.aof': legacyResp }, { 'appendonly.aof.1.incr.aof': resp('SELECT', '0') + resp('set', 'incr', 'y'), 'appendonly.aof.manifest': manifest });
    const { error } = await reopen(fs, aofConfig('always'));
    expect(error).toBeInstanceOf(AofLoadError);
    expect(error).toMatchObject({ kind: 'missing-file' });
    expect(await fileText(fs, legacyPath)).toBe(legacyResp);
    expect(await manifestText(fs)).toBe(manifest);
    expect(await aofListing(fs)).toEqual(['appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  });
});
