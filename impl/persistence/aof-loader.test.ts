/**
 * Goal: start-up with appendonly yes loads like Redis 7.0 (facts §5.1, §5.3, §4.2, §4.8): only
 * the AOF (dump.rdb ignored); no AOF at all → empty, then base 1 + incr 1 + manifest created in
 * a crash-safe order; manifest → base (RDB preamble + RESP tail, or RESP) → each incr; a torn
 * tail of the LAST file is cut on disk with aof-load-truncated yes and refused with no; an
 * unfinished MULTI at the end is rolled back; garbage or a zero-filled tail, a missing listed
 * file, a bad manifest, a truncated file that is not the last and an unknown command refuse the
 * start naming file, offset and reason — and leave every file byte for byte; nothing expires
 * during the replay; history files are deleted at start-up.
 * Method: AOF files written by hand (or by a store) on a CrashFileSystem, then openStore.
 */
import { describe, expect, it } from 'vitest';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import { AofLoadError, type AofLoadErrorKind } from './aof-load-error.ts';
import { aofConfig, aofListing, aofPath, datasetOf, diskWith, fileText, manifestOf, manifestPath, manifestText, operationsSince, reopen, resp, runOn } from './testing/aof-harness.ts';
import { directory, openHarness, startMs } from './testing/store-harness.ts';

const standardManifest = manifestOf('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i');

/** A fresh disk with /data/appendonlydir holding `files` (durable). */
function disk(files: Record<string, string | Uint8Array>): Promise<CrashFileSystem> {
  return diskWith(files);
}

async function snapshotOf(fs: CrashFileSystem): Promise<Map<string, string | null>> {
  const files = new Map<string, string | null>();
  for (const name of await aofListing(fs)) files.set(name, await fileText(fs, aofPath(name)));
  return files;
}

/** The start is refused with `kind`, and no file changed. */
async function expectRefused(fs: CrashFileSystem, kind: AofLoadErrorKind, config = aofConfig('always')): Promise<AofLoadError> {
  const before = await snapshotOf(fs);
  const since = fs.operationLog.entries.length;
  const { error } = await reopen(fs, config);
  expect(error).toBeInstanceOf(AofLoadError);
  expect((error as AofLoadError).kind).toBe(kind);
  expect(operationsSince(fs, since).filter((call) => !call.startsWith('open ') && !call.startsWith('close '))).toEqual([]);
  expect(await snapshotOf(fs)).toEqual(before);
  return error as AofLoadError;
}

async function loaded(fs: CrashFileSystem, config = aofConfig('always')) {
  const result = await reopen(fs, config);
  if (result.store === null) throw result.error;
  return result.store;
}

const twoSets = resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2');

describe('where the data comes from', () => {
  it('fresh start with appendonly yes: empty, then incr 1 + base 1 + manifest, each durable before the manifest names it', async () => {
    const fs = await disk({});
    const since = fs.operationLog.entries.length;
    const store = await loaded(fs);
    expect(datasetOf(store)).toBe('');
    expect(operationsSince(fs, since)).toEqual([
      'open appendonlydir/appendonly.aof.1.incr.aof (create-truncate)',
      'fsync appendonlydir/appendonly.aof.1.incr.aof',
      'open appendonlydir/temp-rewriteaof-4000.aof (create-truncate)',
      'write appendonlydir/temp-rewriteaof-4000.aof [0,86)',
      'fsync appendonlydir/temp-rewriteaof-4000.aof',
      'close appendonlydir/temp-rewriteaof-4000.aof',
      'rename appendonlydir/temp-rewriteaof-4000.aof -> appendonlydir/appendonly.aof.1.base.rdb',
      'fsyncDirectory appendonlydir',
      'open appendonlydir/temp-appendonly.aof.manifest (create-truncate)',
      'write appendonlydir/temp-appendonly.aof.manifest [0,88)',
      'fsync appendonlydir/temp-appendonly.aof.manifest',
      'close appendonlydir/temp-appendonly.aof.manifest',
      'rename appendonlydir/temp-appendonly.aof.manifest -> appendonlydir/appendonly.aof.manifest',
      'fsyncDirectory appendonlydir',
    ]);
    expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'));
    expect(store.info()).toMatchObject({ aofEnabled: true, aofCurrentSize: 0, aofBaseSize: 0 });
  });

  it('fresh start without a directory: mkdir appendonlydir and fsync its parent first; aof-use-rdb-preamble no makes an empty .base.aof', async () => {
    const fs = CrashFileSystem.create();
    await fs.mkdir(directory, { recursive: false });
    const since = fs.operationLog.entries.length;
    await loaded(fs, aofConfig('always', { aofUseRdbPreamble: false }));
    expect(operationsSince(fs, since).slice(0, 2)).toEqual(['mkdir appendonlydir', 'fsyncDirectory /data']);
    expect(await aofListing(fs)).toEqual(['appendonly.aof.1.base.aof', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    expect(await fileText(fs, aofPath('appendonly.aof.1.base.aof'))).toBe('');
  });

  it('ignores dump.rdb when appendonly is yes and there is no AOF (starts empty), and loads it when appendonly is no', async () => {
    const h = await openHarness();
    await h.run('set', 'from-rdb', '1');
    await h.run('save');
    const fs = h.fs.crash('process');
    expect(datasetOf(await loaded(fs))).toBe('');
    expect(datasetOf(await loaded(fs.crash('process'), {}))).toContain('from-rdb');
  });

  it('with appendonly yes, loads the AOF and not dump.rdb; replayed commands count in dirty (rdb_changes_since_last_save), as on redis-server 7.0.15', async () => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': twoSets + resp('incr', 'n'), 'appendonly.aof.manifest': standardManifest });
    const store = await loaded(fs);
    expect(await runOn(store, 'mget', 'a', 'b')).toMatch(/unknown command/);
    expect([await runOn(store, 'get', 'a'), await runOn(store, 'get', 'b'), await runOn(store, 'get', 'n')]).toEqual(['1', '2', '1']);
    expect(store.info()).toMatchObject({ rdbChangesSinceLastSave: 3, aofCurrentSize: twoSets.length + resp('incr', 'n').length, aofBaseSize: 0 });
  });

  it('loads an RDB-preamble base with its RESP tail, then the incrs; expired keys of the base are kept through the load', async () => {
    const databases = new Map([[0, new Map([
      ['kept', { value: { type: 'string' as const, value: 'v' }, expireAtMs: null }],
      ['expired', { value: { type: 'string' as const, value: 'x' }, expireAtMs: startMs - 1000 }],
    ])]]);
    const base = Buffer.concat([...encodeRdb(databases, { aof: true, ctimeSeconds: 1, usedMemory: 0, compression: true }), Buffer.from(resp('SELECT', '0') + resp('set', 'tail', 't'), 'latin1')]);
    const fs = await disk({
      'appendonly.aof.1.base.rdb': base,
      'appendonly.aof.1.incr.aof': resp('SELECT', '0') + resp('rpush', 'l', 'a'),
      'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'),
    });
    const store = await loaded(fs);
    expect([...(store.dataset().get(0)?.keys() ?? [])].sort()).toEqual(['expired', 'kept', 'l', 'tail']);
    expect(await runOn(store, 'get', 'expired')).toBe(null);
    expect(store.info().rdbLastLoadKeysLoaded).toBe(2);
  });

  it('keeps a past PEXPIREAT during the replay, so a later RPUSH appends to the same key, which is expired after the load (aof.tcl "AOF+EXPIRE")', async () => {
    const incr = resp('SELECT', '0') + resp('rpush', 'list', 'foo') + resp('PEXPIREAT', 'list', '1000') + resp('rpush', 'list', 'bar');
    const store = await loaded(await disk({ 'appendonly.aof.1.incr.aof': incr, 'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.incr.aof seq 1 type i') }));
    expect(store.dataset().get(0)?.get('list')?.value).toEqual({ type: 'list', items: ['foo', 'bar'] });
    expect(await runOn(store, 'llen', 'list')).toBe(0);
  });

  it('loads incrs with a gap in their seqs, empty incrs, a manifest of incrs only (no base is created), and unknown manifest keys', async () => {
    const fs = await disk({
      'appendonly.aof.1.incr.aof': resp('SELECT', '0') + resp('set', 'a', '1'),
      'appendonly.aof.2.incr.aof': '',
      'appendonly.aof.3.incr.aof': resp('SELECT', '0') + resp('set', 'b', '2'),
      'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.incr.aof seq 1 type i newkey newvalue', 'file appendonly.aof.2.incr.aof seq 2 type i', 'file appendonly.aof.3.incr.aof seq 3 type i'),
    });
    const store = await loaded(fs);
    expect([await runOn(store, 'get', 'a'), await runOn(store, 'get', 'b')]).toEqual(['1', '2']);
    await runOn(store, 'set', 'c', '3');
    expect(await aofListing(fs)).toEqual(['appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.3.incr.aof', 'appendonly.aof.manifest']);
    expect(await fileText(fs, aofPath('appendonly.aof.3.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'b', '2') + resp('SELECT', '0') + resp('set', 'c', '3'));
  });

  it('an AOF of 0 bytes in all starts empty and appends to its last incr', async () => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': '', 'appendonly.aof.manifest': standardManifest });
    const store = await loaded(fs);
    await runOn(store, 'set', 'a', '1');
    expect(await fileText(fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(resp('SELECT', '0') + resp('set', 'a', '1'));
  });

  it('deletes history files at start-up, then commits the manifest without them (also with appendonly no)', async () => {
    for (const config of [aofConfig('always'), {}]) {
      const fs = await disk({
        'appendonly.aof.2.base.aof': '',
        'appendonly.aof.1.base.aof': '',
        'appendonly.aof.1.incr.aof': 'stale',
        'appendonly.aof.2.incr.aof': twoSets,
        'appendonly.aof.manifest': manifestOf('file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.1.incr.aof seq 1 type h', 'file appendonly.aof.1.base.aof seq 1 type h', 'file appendonly.aof.2.incr.aof seq 2 type i'),
      });
      await loaded(fs, config);
      expect(await aofListing(fs)).toEqual(['appendonly.aof.2.base.aof', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
      expect(await manifestText(fs)).toBe(manifestOf('file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i'));
    }
  });
});

describe('durability of what a start loaded', () => {
  it('start-up fdatasyncs the loaded last incr: a power loss right after a restart that followed a process crash keeps every loaded write (everysec, strict-posix and ext4-ordered)', async () => {
    // Found by the conformance suite: Redis 7.0 takes the loaded incr as synced, so after a
    // process crash its page-cache tail stayed unsynced until a new write came.
    const h = await openHarness({ config: aofConfig('everysec') });
    for (const key of ['a', 'b', 'c']) await runOn(h.store, 'set', key, `value-${key}`);
    const expected = datasetOf(h.store);
    const afterCrash = h.fs.crash('process');
    const { store } = await reopen(afterCrash, aofConfig('everysec'));
    expect(store === null ? null : datasetOf(store)).toBe(expected);
    let states = 0;
    for (const profile of crashProfileNames) {
      for (const state of afterCrash.powerLossStates(profile, { max: 50, random: seededRandom(5) }).states) {
        const again = await reopen(afterCrash.crash('power', { state }), aofConfig('everysec'));
        expect(again.store === null ? String(again.error) : datasetOf(again.store), `${profile}: ${state.description}`).toBe(expected);
        states += 1;
      }
    }
    expect(states).toBeGreaterThan(0);
  });
});

describe('a leftover incr file under the name a start creates', () => {
  it('is emptied durably: no power-loss state after the start brings its writes back under the new manifest (strict-posix and ext4-ordered)', async () => {
    // Found by the conformance suite (property seed 3): a runtime enable renames its temp incr to
    // appendonly.aof.1.incr.aof before committing the manifest; after a crash there, the next
    // start (no manifest: an empty AOF) truncated that file without an fsync.
    const fs = await disk({ 'appendonly.aof.1.incr.aof': resp('set', 'stale', 'resurrected') });
    const { store } = await reopen(fs, aofConfig('everysec'));
    expect(store === null ? 'refused' : datasetOf(store)).toBe('');
    let states = 0;
    for (const profile of crashProfileNames) {
      for (const state of fs.powerLossStates(profile, { max: 100, random: seededRandom(3) }).states) {
        const again = await reopen(fs.crash('power', { state }), aofConfig('everysec'));
        expect(again.store === null ? String(again.error) : datasetOf(again.store), `${profile}: ${state.description}`).toBe('');
        states += 1;
      }
    }
    expect(states).toBeGreaterThan(1);
  });
});

describe('a truncated tail', () => {
  const torn = twoSets + resp('set', 'c', '3').slice(0, 9);

  it('aof-load-truncated yes: cuts the last file on disk at the last complete command (fsynced) and starts; later appends follow the cut', async () => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': torn, 'appendonly.aof.manifest': standardManifest });
    const since = fs.operationLog.entries.length;
    const store = await loaded(fs);
    expect(operationsSince(fs, since).slice(4, 8)).toEqual([
      'open appendonlydir/appendonly.aof.1.incr.aof (read-write)',
      `truncate appendonlydir/appendonly.aof.1.incr.aof to ${twoSets.length}`,
      'fdatasync appendonlydir/appendonly.aof.1.incr.aof',
      'close appendonlydir/appendonly.aof.1.incr.aof',
    ]);
    expect(await runOn(store, 'incr', 'a')).toBe(2n);
    const again = await loaded(fs.crash('process'));
    expect([await runOn(again, 'get', 'a'), await runOn(again, 'get', 'b'), await runOn(again, 'get', 'c')]).toEqual(['2', '2', null]);
  });

  it('aof-load-truncated no: refuses, naming the file and where a fix would cut; the file is untouched', async () => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': torn, 'appendonly.aof.manifest': standardManifest });
    const error = await expectRefused(fs, 'truncated', aofConfig('always', { aofLoadTruncated: false }));
    expect(error).toMatchObject({ fileName: aofPath('appendonly.aof.1.incr.aof'), offset: twoSets.length });
    expect(error.message).toMatch(/Unexpected end of file/);
  });

  it('rolls back an unfinished MULTI at the end (yes: cut before MULTI; no: refused)', async () => {
    const tail = twoSets + resp('MULTI') + resp('set', 'bar', 'world');
    const files = { 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': tail, 'appendonly.aof.manifest': standardManifest };
    const fs = await disk(files);
    const store = await loaded(fs);
    expect([await runOn(store, 'get', 'a'), await runOn(store, 'get', 'bar')]).toEqual(['1', null]);
    expect(await fileText(fs, aofPath('appendonly.aof.1.incr.aof'))).toBe(twoSets);
    await expectRefused(await disk(files), 'truncated', aofConfig('always', { aofLoadTruncated: false }));
  });

  it('refuses a torn file that is not the last one, even with aof-load-truncated yes, and does not cut it', async () => {
    const fs = await disk({
      'appendonly.aof.1.incr.aof': torn,
      'appendonly.aof.2.incr.aof': resp('SELECT', '0') + resp('set', 'z', '9'),
      'appendonly.aof.manifest': manifestOf('file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i'),
    });
    const error = await expectRefused(fs, 'truncated-not-last');
    expect(error).toMatchObject({ fileName: aofPath('appendonly.aof.1.incr.aof'), offset: twoSets.length });
  });
});

describe('refusals (Redis exits), every file left as it was', () => {
  it.each([
    ['garbage after the last command', `${twoSets}!!!garbage`, twoSets.length],
    ['a zero-filled tail (power loss hole)', `${twoSets}${'\0'.repeat(700)}`, twoSets.length],
    ['a zero-filled hole before a later command', `${twoSets}${'\0'.repeat(512)}${resp('set', 'c', '3')}`, twoSets.length],
  ])('%s: "Bad file format" (format), even with aof-load-truncated yes', async (_name, incr, offset) => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': incr, 'appendonly.aof.manifest': standardManifest });
    const error = await expectRefused(fs, 'format');
    expect(error).toMatchObject({ fileName: aofPath('appendonly.aof.1.incr.aof'), offset });
    expect(error.reason).toMatch(/Bad file format/);
  });

  it('a listed file that does not exist (missing-file)', async () => {
    const fs = await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.manifest': standardManifest });
    const error = await expectRefused(fs, 'missing-file');
    expect(error.fileName).toBe(aofPath('appendonly.aof.1.incr.aof'));
  });

  it.each([
    ['an empty manifest', ''],
    ['a blank line', `${standardManifest}\n`],
    ['a duplicate base', manifestOf('file a.1.base.aof seq 1 type b', 'file a.2.base.aof seq 2 type b')],
    ['a non-monotonic incr seq', manifestOf('file a.2.incr.aof seq 2 type i', 'file a.1.incr.aof seq 1 type i')],
    ['an unknown type', manifestOf('file a.1.incr.aof seq 1 type x')],
    ['a missing key (filx)', manifestOf('filx a.1.incr.aof seq 1 type i')],
    ['an odd parameter', manifestOf('file a.1.incr.aof seq 1 type i newkey')],
    ['a path', manifestOf('file ../x seq 1 type i')],
    ['a too long line', manifestOf(`file ${'x'.repeat(1100)} seq 1 type i`)],
  ])('a bad manifest: %s (bad-manifest), whatever appendonly says', async (_name, manifest) => {
    for (const config of [aofConfig('always'), {}]) {
      const error = await expectRefused(await disk({ 'appendonly.aof.1.incr.aof': twoSets, 'appendonly.aof.manifest': manifest }), 'bad-manifest', config);
      expect(error.fileName).toBe(manifestPath);
    }
  });

  it('an unknown command, at its offset (unknown-command)', async () => {
    const incr = twoSets + resp('bla', 'x');
    const error = await expectRefused(await disk({ 'appendonly.aof.1.base.aof': '', 'appendonly.aof.1.incr.aof': incr, 'appendonly.aof.manifest': standardManifest }), 'unknown-command');
    expect(error).toMatchObject({ offset: twoSets.length, reason: "Unknown command 'bla' reading the append only file" });
  });

  it('a corrupt or truncated RDB preamble (rdb), even with aof-load-truncated yes', async () => {
    const base = Buffer.concat(encodeRdb(new Map([[0, new Map([['k', { value: { type: 'string' as const, value: 'v'.repeat(40) }, expireAtMs: null }]])]]), { aof: true, ctimeSeconds: 1, usedMemory: 0, compression: false }));
    const manifest = manifestOf('file appendonly.aof.1.base.rdb seq 1 type b');
    const flipped = Buffer.from(base);
    flipped[base.length - 12] = (flipped[base.length - 12] ?? 0) ^ 0xff;
    for (const bytes of [base.subarray(0, base.length - 3), flipped]) {
      const error = await expectRefused(await disk({ 'appendonly.aof.1.base.rdb': bytes, 'appendonly.aof.manifest': manifest }), 'rdb');
      expect(error.fileName).toBe(aofPath('appendonly.aof.1.base.rdb'));
    }
  });
});
