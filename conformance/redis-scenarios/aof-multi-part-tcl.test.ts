/**
 * Goal: Redis 7.0's tests/integration/aof-multi-part.tcl (35 scenarios; facts §6.2, §4), ported
 * wherever they apply, each named `aof-multi-part.tcl <n>: <Redis's test name>` and asserting
 * what Redis's test asserts: the refusal and its reason (Redis's message text) for a bad
 * manifest or a missing file, the data loaded from hand-made manifests and files, the legacy
 * upgrade's files and manifest, and — for the runtime part — the exact manifest after each
 * enable, rewrite, failed rewrite and reload, which files exist, and that a reload (DEBUG
 * LOADAOF) gives the same digest. docs/redis-aof-scenarios.md maps every scenario.
 * Method: Part 1 writes the manifest and AOF files by hand on a CrashFileSystem exactly as the
 * Tcl test does, then starts a durakv Store; Part 2 drives one Store through the Tcl sequence
 * (each scenario replays the ones before it, so it runs on its own), with a ManualScheduler
 * standing in for the fork and a failed temp-base write for `kill -9` of the rewrite child.
 */
import { describe, expect, it } from 'vitest';
import {
  type Server,
  alive,
  aofDirListing,
  aofDirpath,
  aofManifestFile,
  createAof,
  createAofDir,
  createManifest,
  digest,
  expectManifest,
  expectNoRewriteTemps,
  expectRefused,
  failNextRewrite,
  fileExists,
  fileText,
  formatCommand,
  inAofDir,
  loadaof,
  loadaofDigest,
  manifestLines,
  newDisk,
  rdbPreambleAof,
  restart,
  serverPath,
  startServer,
  startServerAof,
} from './scenario-support.ts';

const aofBase1File = inAofDir('appendonly.aof.1.base.aof');
const aofBase2File = inAofDir('appendonly.aof.2.base.aof');
const aofIncr1File = inAofDir('appendonly.aof.1.incr.aof');
const aofIncr2File = inAofDir('appendonly.aof.2.incr.aof');
const aofIncr3File = inAofDir('appendonly.aof.3.incr.aof');
const aofOldNameOldPath = `${serverPath}/appendonly.aof`;
const aofOldNameNewPath = inAofDir('appendonly.aof');
const aofOldNameOldPath2 = `${serverPath}/appendonly.aof2`;
const aofManifestFile2 = inAofDir('appendonly.aof2.manifest');

const set = (key: string, value: string): string => formatCommand('set', key, value);

/** A disk holding these files (path → text) and this manifest. */
async function diskWith(files: Record<string, string>, manifest: string | null): Promise<Awaited<ReturnType<typeof newDisk>>> {
  const fs = await newDisk();
  for (const [path, text] of Object.entries(files)) await createAof(fs, path, text);
  if (manifest !== null) await createManifest(fs, manifest);
  return fs;
}

async function values(server: Server, ...keys: string[]): Promise<unknown[]> {
  return Promise.all(keys.map((key) => server.r('get', key)));
}

/** `set d1 [debug digest]; debug loadaof; set d2 [debug digest]; assert {$d1 eq $d2}` */
async function expectReloadKeepsDigest(server: Server): Promise<void> {
  const d1 = digest(server.store);
  expect(d1).not.toBe('');
  expect(await loadaofDigest(server)).toBe(d1);
}

/** Refused for a bad manifest, with Redis's reason. */
async function expectBadManifest(files: Record<string, string>, manifest: string, reason: string): Promise<void> {
  const error = await expectRefused(await diskWith(files, manifest), {}, 'bad-manifest');
  expect(error.fileName).toBe(aofManifestFile);
  expect(error.reason).toContain(reason);
}

describe('aof-multi-part.tcl Part 1: loading hand-made manifests and AOFs (scenarios 1-27)', () => {
  it("aof-multi-part.tcl 1: Multi Part AOF can't load data when some file missing", async () => {
    const fs = await diskWith(
      { [aofBase1File]: set('k1', 'v1'), [aofIncr2File]: set('k2', 'v2') },
      manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.2.incr.aof seq 2 type i'),
    );
    const error = await expectRefused(fs, {}, 'missing-file');
    expect(error.fileName).toBe(aofIncr1File);
    expect(`${error.fileName} ${error.reason}`).toMatch(/appendonly\.aof\.1\.incr\.aof .*No such file or directory/);
  });

  it("aof-multi-part.tcl 2: Multi Part AOF can't load data when the sequence not increase monotonically", async () => {
    await expectBadManifest(
      { [aofIncr1File]: set('k1', 'v1'), [aofIncr2File]: set('k2', 'v2') },
      manifestLines('file appendonly.aof.2.incr.aof seq 2 type i', 'file appendonly.aof.1.incr.aof seq 1 type i'),
      'Found a non-monotonic sequence number',
    );
  });

  it("aof-multi-part.tcl 3: Multi Part AOF can't load data when there are blank lines in the manifest file", async () => {
    await expectBadManifest(
      { [aofIncr1File]: set('k1', 'v1'), [aofIncr3File]: set('k2', 'v2') },
      `${manifestLines('file appendonly.aof.1.incr.aof seq 1 type i')}\n${manifestLines('file appendonly.aof.3.incr.aof seq 3 type i')}`,
      'Invalid AOF manifest file format',
    );
  });

  it("aof-multi-part.tcl 4: Multi Part AOF can't load data when there is a duplicate base file", async () => {
    await expectBadManifest(
      { [aofBase1File]: set('k1', 'v1'), [aofBase2File]: set('k2', 'v2'), [aofIncr1File]: set('k3', 'v3') },
      manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'),
      'Found duplicate base file information',
    );
  });

  const baseAndIncr1 = { [aofBase1File]: set('k1', 'v1'), [aofIncr1File]: set('k3', 'v3') };

  it("aof-multi-part.tcl 5: Multi Part AOF can't load data when the manifest format is wrong (type unknown)", async () => {
    await expectBadManifest(baseAndIncr1, manifestLines('file appendonly.aof.1.base.aof seq 1 type x', 'file appendonly.aof.1.incr.aof seq 1 type i'), 'Unknown AOF file type');
  });

  it("aof-multi-part.tcl 6: Multi Part AOF can't load data when the manifest format is wrong (missing key)", async () => {
    await expectBadManifest(baseAndIncr1, manifestLines('filx appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i'), 'Invalid AOF manifest file format');
  });

  it("aof-multi-part.tcl 7: Multi Part AOF can't load data when the manifest format is wrong (line too short)", async () => {
    await expectBadManifest(baseAndIncr1, manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof type i'), 'Invalid AOF manifest file format');
  });

  it("aof-multi-part.tcl 8: Multi Part AOF can't load data when the manifest format is wrong (line too long)", async () => {
    const longLine = Array.from({ length: 45 }, () => 'file appendonly.aof.1.base.aof seq 1 type b').join(' ');
    expect(longLine.length).toBeGreaterThan(1024);
    await expectBadManifest(baseAndIncr1, manifestLines(longLine, 'file appendonly.aof.1.incr.aof seq 1 type i'), 'The AOF manifest file contains too long line');
  });

  it("aof-multi-part.tcl 9: Multi Part AOF can't load data when the manifest format is wrong (odd parameter)", async () => {
    await expectBadManifest(baseAndIncr1, manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i newkey'), 'Invalid AOF manifest file format');
  });

  it("aof-multi-part.tcl 10: Multi Part AOF can't load data when the manifest file is empty", async () => {
    await expectBadManifest({}, '', 'Found an empty AOF manifest');
  });

  it('aof-multi-part.tcl 11: Multi Part AOF can start when no aof and no manifest', async () => {
    const server = alive(await startServerAof(await newDisk()));
    expect(await server.r('set', 'k1', 'v1')).toBe('OK');
    expect(await server.r('get', 'k1')).toBe('v1');
    await expectManifest(server.fs, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
  });

  it('aof-multi-part.tcl 12: Multi Part AOF can start when we have en empty AOF dir', async () => {
    const fs = await newDisk();
    await createAofDir(fs);
    const server = alive(await startServerAof(fs));
    expect(server.store.info().aofEnabled).toBe(true);
    expect(await aofDirListing(fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
  });

  const threeFiles = { [aofBase1File]: set('k1', 'v1'), [aofIncr1File]: set('k2', 'v2'), [aofIncr3File]: set('k3', 'v3') };

  it('aof-multi-part.tcl 13: Multi Part AOF can load data discontinuously increasing sequence', async () => {
    const fs = await diskWith(threeFiles, manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.3.incr.aof seq 3 type i'));
    const server = alive(await startServerAof(fs));
    expect(await values(server, 'k1', 'k2', 'k3')).toEqual(['v1', 'v2', 'v3']);
  });

  it('aof-multi-part.tcl 14: Multi Part AOF can load data when manifest add new k-v', async () => {
    const fs = await diskWith(
      threeFiles,
      manifestLines('file appendonly.aof.1.base.aof seq 1 type b newkey newvalue', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.3.incr.aof seq 3 type i'),
    );
    const server = alive(await startServerAof(fs));
    expect(await values(server, 'k1', 'k2', 'k3')).toEqual(['v1', 'v2', 'v3']);
  });

  it('aof-multi-part.tcl 15: Multi Part AOF can load data when some AOFs are empty', async () => {
    const fs = await diskWith(
      { [aofBase1File]: set('k1', 'v1'), [aofIncr1File]: '', [aofIncr3File]: set('k3', 'v3') },
      manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i', 'file appendonly.aof.3.incr.aof seq 3 type i'),
    );
    const server = alive(await startServerAof(fs));
    expect(await values(server, 'k1', 'k2', 'k3')).toEqual(['v1', null, 'v3']);
  });

  const oldK1toK3 = set('k1', 'v1') + set('k2', 'v2') + set('k3', 'v3');

  /** The upgrade checks of scenarios 16 and 17, then BGREWRITEAOF and the reload. */
  async function expectUpgradedThenRewritten(server: Server): Promise<void> {
    expect(await values(server, 'k1', 'k2', 'k3')).toEqual(['v1', 'v2', 'v3']);
    expect(await fileExists(server.fs, aofOldNameOldPath)).toBe(false);
    expect(await fileExists(server.fs, aofOldNameNewPath)).toBe(true);
    await expectManifest(server.fs, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    expect(await server.r('set', 'k4', 'v4')).toBe('OK');
    await server.r('bgrewriteaof');
    await server.finish();
    expect(await server.r('set', 'k5', 'v5')).toBe('OK');
    await expectManifest(server.fs, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    expect(await fileExists(server.fs, aofOldNameNewPath)).toBe(false);
    await expectReloadKeepsDigest(server);
  }

  it('aof-multi-part.tcl 16: Multi Part AOF can load data from old version redis (rdb preamble no)', async () => {
    const fs = await newDisk();
    await createAof(fs, aofOldNameOldPath, oldK1toK3);
    await expectUpgradedThenRewritten(alive(await startServerAof(fs)));
  });

  it('aof-multi-part.tcl 17: Multi Part AOF can load data from old version redis (rdb preamble yes)', async () => {
    const fs = await newDisk();
    await createAof(fs, aofOldNameOldPath, rdbPreambleAof().bytes);
    await expectUpgradedThenRewritten(alive(await startServerAof(fs)));
  });

  it('aof-multi-part.tcl 18: Multi Part AOF can continue the upgrade from the interrupted upgrade state', async () => {
    const fs = await diskWith({ [aofOldNameOldPath]: oldK1toK3 }, manifestLines('file appendonly.aof seq 1 type b'));
    const server = alive(await startServerAof(fs));
    expect(await values(server, 'k1', 'k2', 'k3')).toEqual(['v1', 'v2', 'v3']);
    expect(await fileExists(fs, aofOldNameOldPath)).toBe(false);
    expect(await fileExists(fs, aofOldNameNewPath)).toBe(true);
    await expectManifest(fs, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
  });

  it('aof-multi-part.tcl 19: Multi Part AOF can be loaded correctly when both server dir and aof dir contain old AOF', async () => {
    const fs = await diskWith({ [aofOldNameOldPath]: oldK1toK3, [aofOldNameNewPath]: set('k4', 'v4') + set('k5', 'v5') + set('k6', 'v6') }, manifestLines('file appendonly.aof seq 1 type b'));
    const server = alive(await startServerAof(fs));
    expect(await server.r('exists', 'k1', 'k2', 'k3')).toBe(0);
    expect(await values(server, 'k4', 'k5', 'k6')).toEqual(['v4', 'v5', 'v6']);
    expect(await fileText(fs, aofOldNameOldPath)).toBe(oldK1toK3);
    expect(await fileExists(fs, aofOldNameNewPath)).toBe(true);
    await expectManifest(fs, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
  });

  it("aof-multi-part.tcl 20: Multi Part AOF can't load data when the manifest contains the old AOF file name but the file does not exist in server dir and aof dir", async () => {
    const error = await expectRefused(await diskWith({}, manifestLines('file appendonly.aof seq 1 type b')), {}, 'missing-file');
    expect(error.fileName).toBe(aofOldNameNewPath);
    expect(`${error.fileName} ${error.reason}`).toMatch(/appendonly\.aof .*No such file or directory/);
  });

  /** Two servers in one server dir: redis1 with appendonly.aof, redis2 with appendfilename appendonly.aof2. */
  async function twoServersSharingADir(): Promise<{ redis1: Server; redis2: Server }> {
    const fs = await newDisk();
    await createAof(fs, aofOldNameOldPath, oldK1toK3);
    await createAof(fs, aofOldNameOldPath2, set('k4', 'v4') + set('k5', 'v5') + set('k6', 'v6'));
    const redis1 = alive(await startServerAof(fs, {}, { processId: 4000 }));
    const redis2 = alive(await startServer(fs, { appendonly: true, appendfilename: 'appendonly.aof2' }, { processId: 5000 }));
    return { redis1, redis2 };
  }

  it('aof-multi-part.tcl 21: Multi Part AOF can upgrade when when two redis share the same server dir', async () => {
    const { redis1 } = await twoServersSharingADir();
    expect(await fileExists(redis1.fs, aofOldNameOldPath)).toBe(false);
    expect(await fileExists(redis1.fs, aofOldNameOldPath2)).toBe(false);
    expect(await aofDirListing(redis1.fs)).toEqual([
      'appendonly.aof',
      'appendonly.aof.1.incr.aof',
      'appendonly.aof.manifest',
      'appendonly.aof2',
      'appendonly.aof2.1.incr.aof',
      'appendonly.aof2.manifest',
    ]);
  });

  it('aof-multi-part.tcl 22: Multi Part AOF can upgrade when when two redis share the same server dir (redis1)', async () => {
    const { redis1 } = await twoServersSharingADir();
    expect(await values(redis1, 'k1', 'k2', 'k3')).toEqual(['v1', 'v2', 'v3']);
    expect(await redis1.r('exists', 'k4', 'k5', 'k6')).toBe(0);
    await expectManifest(redis1.fs, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await redis1.r('bgrewriteaof');
    await redis1.finish();
    expect(await redis1.r('set', 'k', 'v')).toBe('OK');
    await expectManifest(redis1.fs, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    await expectReloadKeepsDigest(redis1);
    // redis1's history collection removed only its own files.
    expect(await fileExists(redis1.fs, inAofDir('appendonly.aof2'))).toBe(true);
    expect(await fileExists(redis1.fs, inAofDir('appendonly.aof2.1.incr.aof'))).toBe(true);
  });

  it('aof-multi-part.tcl 23: Multi Part AOF can upgrade when when two redis share the same server dir (redis2)', async () => {
    const { redis1, redis2 } = await twoServersSharingADir();
    expect(await redis2.r('exists', 'k1', 'k2', 'k3')).toBe(0);
    expect(await values(redis2, 'k4', 'k5', 'k6')).toEqual(['v4', 'v5', 'v6']);
    await expectManifest(redis2.fs, ['file appendonly.aof2 seq 1 type b', 'file appendonly.aof2.1.incr.aof seq 1 type i'], aofManifestFile2);
    await redis2.r('bgrewriteaof');
    await redis2.finish();
    expect(await redis2.r('set', 'k', 'v')).toBe('OK');
    await expectManifest(redis2.fs, ['file appendonly.aof2.2.base.rdb seq 2 type b', 'file appendonly.aof2.2.incr.aof seq 2 type i'], aofManifestFile2);
    await expectReloadKeepsDigest(redis2);
    await expectManifest(redis1.fs, ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
  });

  it('aof-multi-part.tcl 24: Multi Part AOF can handle appendfilename contains whitespaces', async () => {
    const appendfilename = ' file seq \n\n.aof ';
    const server = alive(await startServer(await newDisk(), { appendonly: true, appendfilename }));
    expect(await server.r('set', 'k1', 'v1')).toBe('OK');
    await server.r('bgrewriteaof');
    await server.finish();
    await expectManifest(server.fs, ['file " file seq \\n\\n.aof .2.base.rdb" seq 2 type b', 'file " file seq \\n\\n.aof .2.incr.aof" seq 2 type i'], inAofDir(`${appendfilename}.manifest`));
    expect(await fileExists(server.fs, inAofDir(`${appendfilename}.2.incr.aof`))).toBe(true);
    await expectReloadKeepsDigest(server);
  });

  it('aof-multi-part.tcl 25: Multi Part AOF can create BASE (RDB format) when redis starts from empty', async () => {
    const server = alive(await startServerAof(await newDisk()));
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.1.base.rdb'))).toBe(true);
    await expectManifest(server.fs, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await server.r('set', 'foo', 'behavior');
    await expectReloadKeepsDigest(server);
  });

  it('aof-multi-part.tcl 26: Multi Part AOF can create BASE (AOF format) when redis starts from empty', async () => {
    const server = alive(await startServerAof(await newDisk(), { aofUseRdbPreamble: false }));
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.1.base.aof'))).toBe(true);
    await expectManifest(server.fs, ['file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await server.r('set', 'foo', 'behavior');
    await expectReloadKeepsDigest(server);
  });

  it('aof-multi-part.tcl 27: Make sure aof manifest appendonly.aof.manifest not in aof directory', async () => {
    const server = alive(await startServer(await newDisk(), { aofUseRdbPreamble: true, appendonly: false }));
    await server.r('set', 'k', 'v');
    expect(await fileExists(server.fs, aofManifestFile)).toBe(false);
    expect(await fileExists(server.fs, aofDirpath)).toBe(false);
  });
});

describe('aof-multi-part.tcl Part 2: rewrites, failures, enable/disable on a running server (scenarios 28-35)', () => {
  let counter = 0;

  /** start_write_load: a few writes from another client. */
  async function writeLoad(server: Server, count = 4): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      counter += 1;
      await server.r('set', `load:${counter}`, `value-${counter}`);
    }
  }

  /** A rewrite with writes before its first slice and between its slices (waitForBgrewriteaof). */
  async function rewriteUnderLoad(server: Server): Promise<void> {
    await writeLoad(server, 2);
    await server.step();
    await writeLoad(server, 2);
    await server.finish();
  }

  /** The Part 2 server: `aof-use-rdb-preamble yes`, `appendonly no`, with some data. */
  async function partTwoServer(): Promise<Server> {
    const server = alive(await startServer(await newDisk(), { aofUseRdbPreamble: true, appendonly: false }));
    await writeLoad(server);
    return server;
  }

  async function afterScenario28(): Promise<Server> {
    const server = await partTwoServer();
    expect(await fileExists(server.fs, aofManifestFile)).toBe(false);
    expect(await server.r('config', 'set', 'appendonly', 'yes')).toBe('OK');
    expect(await server.r('config', 'set', 'auto-aof-rewrite-percentage', '0')).toBe('OK');
    await rewriteUnderLoad(server);
    await expectManifest(server.fs, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    expect(await aofDirListing(server.fs)).toEqual(['appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest']);
    await server.r('bgrewriteaof');
    await rewriteUnderLoad(server);
    await expectManifest(server.fs, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    expect(await aofDirListing(server.fs)).toEqual(['appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);
    await expectReloadKeepsDigest(server);
    return server;
  }

  async function afterScenario29(): Promise<Server> {
    const server = await afterScenario28();
    await writeLoad(server);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      failNextRewrite(server.fs);
      expect(await server.r('bgrewriteaof')).toBe('Background append only file rewriting started');
      await rewriteUnderLoad(server);
      expect(server.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'err', aofRewritesConsecutiveFailures: attempt });
    }
    await expectNoRewriteTemps(server.fs);
    const fourIncrs = [
      'file appendonly.aof.2.base.rdb seq 2 type b',
      'file appendonly.aof.2.incr.aof seq 2 type i',
      'file appendonly.aof.3.incr.aof seq 3 type i',
      'file appendonly.aof.4.incr.aof seq 4 type i',
      'file appendonly.aof.5.incr.aof seq 5 type i',
    ];
    await expectManifest(server.fs, fourIncrs);
    expect(await aofDirListing(server.fs)).toEqual([
      'appendonly.aof.2.base.rdb',
      'appendonly.aof.2.incr.aof',
      'appendonly.aof.3.incr.aof',
      'appendonly.aof.4.incr.aof',
      'appendonly.aof.5.incr.aof',
      'appendonly.aof.manifest',
    ]);
    await expectReloadKeepsDigest(server);
    await server.r('bgrewriteaof');
    await rewriteUnderLoad(server);
    expect(server.store.info()).toMatchObject({ aofLastBgrewriteStatus: 'ok', aofRewritesConsecutiveFailures: 0 });
    await expectManifest(server.fs, ['file appendonly.aof.3.base.rdb seq 3 type b', 'file appendonly.aof.6.incr.aof seq 6 type i']);
    expect(await aofDirListing(server.fs)).toEqual(['appendonly.aof.3.base.rdb', 'appendonly.aof.6.incr.aof', 'appendonly.aof.manifest']);
    await expectReloadKeepsDigest(server);
    return server;
  }

  async function afterScenario30(): Promise<Server> {
    const server = await afterScenario29();
    expect(await server.r('config', 'set', 'appendonly', 'no')).toBe('OK');
    await server.r('bgrewriteaof');
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.4.base.rdb seq 4 type b']);
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.4.base.rdb'))).toBe(true);
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.6.incr.aof'))).toBe(false);
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.7.incr.aof'))).toBe(false);
    await expectReloadKeepsDigest(server);
    expect(await server.r('config', 'set', 'appendonly', 'yes')).toBe('OK');
    await server.finish();
    // The incr seq restarts at 1: the manifest named no incr.
    await expectManifest(server.fs, ['file appendonly.aof.5.base.rdb seq 5 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    expect(await aofDirListing(server.fs)).toEqual(['appendonly.aof.1.incr.aof', 'appendonly.aof.5.base.rdb', 'appendonly.aof.manifest']);
    return server;
  }

  async function afterScenario31(): Promise<Server> {
    const server = await afterScenario30();
    expect(await server.r('config', 'set', 'aof-disable-auto-gc', 'yes')).toMatch(/^-ERR Unknown option or number of arguments for CONFIG SET - 'aof-disable-auto-gc'/);
    for (let round = 0; round < 2; round += 1) {
      await server.r('bgrewriteaof');
      await rewriteUnderLoad(server);
    }
    // With auto gc (always on in durakv) the history is gone as soon as each rewrite commits.
    await expectManifest(server.fs, ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);
    expect(await aofDirListing(server.fs)).toEqual(['appendonly.aof.3.incr.aof', 'appendonly.aof.7.base.rdb', 'appendonly.aof.manifest']);
    return server;
  }

  async function afterScenario32(): Promise<Server> {
    const before = await afterScenario31();
    await expectManifest(before.fs, ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);
    // DEBUG LOADAOF keeps the running configuration: appendonly was set to yes by CONFIG SET.
    const server = await restart(before, { appendonly: true });
    await server.r('bgrewriteaof');
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.8.base.rdb seq 8 type b', 'file appendonly.aof.4.incr.aof seq 4 type i']);
    return server;
  }

  async function afterScenario33(): Promise<Server> {
    const server = await afterScenario32();
    expect(await server.r('config', 'set', 'appendonly', 'no')).toBe('OK');
    expect(await server.r('config', 'set', 'save', '')).toBe('OK');
    await server.r('set', 'k1', 'v1');
    expect(await server.r('bgsave')).toBe('Background saving started');
    expect(server.store.info().rdbBgsaveInProgress).toBe(true);
    expect(await server.r('config', 'set', 'appendonly', 'yes')).toBe('OK');
    expect(server.store.info()).toMatchObject({ aofRewriteScheduled: true, aofRewriteInProgress: false });
    await expectManifest(server.fs, ['file appendonly.aof.8.base.rdb seq 8 type b', 'file appendonly.aof.4.incr.aof seq 4 type i']);
    await server.r('set', 'k2', 'v2');
    const reloaded = await loadaof(server);
    expect(await reloaded.r('exists', 'k1')).toBe(0);
    expect(await reloaded.r('exists', 'k2')).toBe(0);
    expect(server.store.info().rdbBgsaveInProgress).toBe(true);
    await server.finish();
    expect(await server.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.9.base.rdb seq 9 type b', 'file appendonly.aof.5.incr.aof seq 5 type i']);
    await server.r('set', 'k3', 'v3');
    expect(await (await loadaof(server)).r('get', 'k3')).toBe('v3');
    return server;
  }

  it('aof-multi-part.tcl 28: AOF enable will create manifest file', async () => {
    const server = await afterScenario28();
    expect(server.store.info()).toMatchObject({ aofEnabled: true, aofLastBgrewriteStatus: 'ok' });
  });

  it('aof-multi-part.tcl 29: AOF multiple rewrite failures will open multiple INCR AOFs', async () => {
    const server = await afterScenario29();
    expect(server.store.info().aofRewriteInProgress).toBe(false);
  });

  it("aof-multi-part.tcl 30: AOF rewrite doesn't open new aof when AOF turn off", async () => {
    const server = await afterScenario30();
    expect(server.store.info()).toMatchObject({ aofEnabled: true, aofRewriteInProgress: false });
  });

  it('aof-multi-part.tcl 31: AOF enable/disable auto gc (aof-disable-auto-gc is not supported: history is always collected, at commit and at start-up)', async () => {
    await afterScenario31();
    // The manifest Redis shows with auto gc disabled: the files it names as history are deleted at start-up.
    const history = ['appendonly.aof.2.incr.aof', 'appendonly.aof.6.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.5.base.rdb'];
    const fs = await newDisk();
    for (const name of [...history, 'appendonly.aof.3.incr.aof']) await createAof(fs, inAofDir(name), name.endsWith('.rdb') ? rdbPreambleAof().bytes : set(name, 'x'));
    await createAof(fs, inAofDir('appendonly.aof.7.base.rdb'), rdbPreambleAof().bytes);
    await createManifest(
      fs,
      manifestLines(
        'file appendonly.aof.7.base.rdb seq 7 type b',
        'file appendonly.aof.2.incr.aof seq 2 type h',
        'file appendonly.aof.6.base.rdb seq 6 type h',
        'file appendonly.aof.1.incr.aof seq 1 type h',
        'file appendonly.aof.5.base.rdb seq 5 type h',
        'file appendonly.aof.3.incr.aof seq 3 type i',
      ),
    );
    const server = alive(await startServerAof(fs));
    await expectManifest(fs, ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);
    expect(await aofDirListing(fs)).toEqual(['appendonly.aof.3.incr.aof', 'appendonly.aof.7.base.rdb', 'appendonly.aof.manifest']);
    // History files are never loaded: only base 7 (k1, k2, k3) and incr 3.
    expect(await values(server, 'k1', 'k3', 'appendonly.aof.3.incr.aof', 'appendonly.aof.2.incr.aof')).toEqual(['v1', 'v3', 'x', null]);
  });

  it('aof-multi-part.tcl 32: AOF can produce consecutive sequence number after reload', async () => {
    const server = await afterScenario32();
    expect(server.store.info().aofLastBgrewriteStatus).toBe('ok');
  });

  it('aof-multi-part.tcl 33: AOF enable during BGSAVE will not write data util AOFRW finish', async () => {
    const server = await afterScenario33();
    expect(server.store.info()).toMatchObject({ aofEnabled: true, aofRewriteScheduled: false, rdbBgsaveInProgress: false });
  });

  it('aof-multi-part.tcl 34: AOF will trigger limit when AOFRW fails many times', async () => {
    const server = await afterScenario33();
    await server.r('flushall');
    await server.r('bgrewriteaof');
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.10.base.rdb seq 10 type b', 'file appendonly.aof.6.incr.aof seq 6 type i']);
    expect(await server.r('config', 'set', 'auto-aof-rewrite-percentage', '1')).toBe('OK');
    expect(await server.r('config', 'set', 'auto-aof-rewrite-min-size', '1kb')).toBe('OK');
    await server.r('set', 'k', 'v');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      failNextRewrite(server.fs);
      await server.r('bgrewriteaof');
      await server.finish();
    }
    const sixToNine = [
      'file appendonly.aof.10.base.rdb seq 10 type b',
      'file appendonly.aof.6.incr.aof seq 6 type i',
      'file appendonly.aof.7.incr.aof seq 7 type i',
      'file appendonly.aof.8.incr.aof seq 8 type i',
      'file appendonly.aof.9.incr.aof seq 9 type i',
    ];
    await expectManifest(server.fs, sixToNine);
    await server.r('set', 'x', 'x'.repeat(1024));
    // The automatic rewrite is due (past 1kb, grown by more than 1 %), but the limit holds it back.
    const { aofCurrentSize, aofBaseSize } = server.store.info();
    expect(aofCurrentSize).toBeGreaterThan(1024);
    expect(aofCurrentSize * 100).toBeGreaterThanOrEqual(aofBaseSize * 101);
    expect(await server.store.cron()).toMatchObject({ aofRewriteStarted: null });
    expect(server.store.info()).toMatchObject({ aofRewriteInProgress: false, aofRewritesConsecutiveFailures: 3 });
    await expectManifest(server.fs, sixToNine);
    expect(await server.r('config', 'set', 'auto-aof-rewrite-percentage', '0')).toBe('OK');
    // A manual BGREWRITEAOF still runs at once.
    expect(await server.r('bgrewriteaof')).toBe('Background append only file rewriting started');
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.10.incr.aof'))).toBe(true);
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.11.base.rdb seq 11 type b', 'file appendonly.aof.10.incr.aof seq 10 type i']);
    await expectReloadKeepsDigest(server);
  });

  it('aof-multi-part.tcl 35: AOF will open a temporary INCR AOF to accumulate data until the first AOFRW success when AOF is dynamically enabled', async () => {
    const tempIncr = inAofDir('temp-appendonly.aof.incr');
    const server = await partTwoServer();
    expect(await server.r('config', 'set', 'save', '')).toBe('OK');
    /** Enabling starts a rewrite that is killed: the temp incr is removed, nothing committed, the rewrite rescheduled. */
    const enableAndKill = async (): Promise<void> => {
      failNextRewrite(server.fs);
      expect(await server.r('config', 'set', 'appendonly', 'yes')).toBe('OK');
      expect(server.store.info().aofRewriteInProgress).toBe(true);
      await writeLoad(server);
      expect(await fileExists(server.fs, tempIncr)).toBe(true);
      await server.finish();
      expect(await fileExists(server.fs, tempIncr)).toBe(false);
      expect(server.store.info()).toMatchObject({ aofRewriteInProgress: false, aofRewriteScheduled: true, aofLastBgrewriteStatus: 'err' });
    };
    await enableAndKill();
    expect(await fileExists(server.fs, aofManifestFile)).toBe(false);
    expect(await fileExists(server.fs, inAofDir('appendonly.aof.1.base.rdb'))).toBe(false);
    expect(await server.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await rewriteUnderLoad(server);
    await expectManifest(server.fs, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await expectReloadKeepsDigest(server);
    // Disabling the AOF again does not delete its files.
    expect(await server.r('config', 'set', 'appendonly', 'no')).toBe('OK');
    await expectReloadKeepsDigest(server);
    await writeLoad(server);
    expect(server.store.info().rdbChangesSinceLastSave).toBeGreaterThan(0);
    await enableAndKill();
    await expectManifest(server.fs, ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    expect(await server.store.cron()).toMatchObject({ aofRewriteStarted: 'scheduled' });
    await rewriteUnderLoad(server);
    await expectManifest(server.fs, ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    await expectReloadKeepsDigest(server);
  });
});
