/**
 * Goal: the report of loadAofFiles (the start-up load, and `durakv inspect` with tornTail
 * 'report') says what Redis 7.0's loadAppendOnlyFiles found (facts §5.3, §4.8): 'not-exist' for a
 * manifest listing no file, 'empty' when the listed files add up to 0 bytes, else 'ok' or
 * 'truncated'; the sizes after the cut (aof_current_size = the sum, aof_rewrite_base_size = the
 * base's, the last incr's: 0 without base / without incrs); the keys inserted and the commands
 * applied over all files; where a torn last file is (or would be) cut. With tornTail 'report'
 * nothing is written. Refusals carry Redis's reasons ("a truncated command", "an unfinished
 * MULTI/EXEC transaction", the stat failure of a missing file).
 * Method: AOF files and a manifest written by hand on a CrashFileSystem, loaded with
 * loadAofFiles into a fresh Keyspace; the report, the errors and the operation log checked.
 */
import { describe, expect, it } from 'vitest';
import type { AofManifest, AofManifestEntry } from '../encoding/aof-manifest.ts';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import { Keyspace } from '../keyspace/index.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import { AofLayout } from './aof-layout.ts';
import { type AofLoad, loadAofFiles } from './aof-loader.ts';
import { AofLoadError } from './aof-load-error.ts';
import { aofPath, diskWith, fileText, resp } from './testing/aof-harness.ts';
import { directory, startMs } from './testing/store-harness.ts';

const layout = new AofLayout(directory, 'appendonly.aof', 'appendonlydir');
const baseName = 'appendonly.aof.1.base.rdb';
const incr1 = 'appendonly.aof.1.incr.aof';
const incr2 = 'appendonly.aof.2.incr.aof';

function manifest(base: string | null, ...incrs: string[]): AofManifest {
  const entry = (fileName: string, seq: number, type: AofManifestEntry['type']): AofManifestEntry => ({ fileName, seq, type });
  return { base: base === null ? null : entry(base, 1, 'base'), history: [], incrs: incrs.map((fileName, index) => entry(fileName, index + 1, 'incr')) };
}

function loadOf(fs: CrashFileSystem, listed: AofManifest, more: Partial<AofLoad> = {}): AofLoad {
  return { fileSystem: fs, layout, manifest: listed, keyspace: new Keyspace({ now: () => startMs }), random: seededRandom(3), loadTruncated: true, verifyChecksum: true, tornTail: 'cut', ...more };
}

async function refusal(load: AofLoad): Promise<AofLoadError> {
  const error = await loadAofFiles(load).then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AofLoadError);
  return error as AofLoadError;
}

function preamble(keys: Record<string, string>): Buffer {
  const db0 = new Map(Object.entries(keys).map(([key, value]) => [key, { value: { type: 'string' as const, value }, expireAtMs: null }]));
  return Buffer.concat(encodeRdb(new Map([[0, db0]]), { aof: true, ctimeSeconds: 1, usedMemory: 0, compression: false }));
}

const twoSets = resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2');
const torn = twoSets + resp('set', 'c', '3').slice(0, 9);
const nothing = { totalSize: 0, baseSize: 0, lastIncrSize: 0, keysLoaded: 0, commandsApplied: 0, truncation: null };

describe('the status and the sizes of a load', () => {
  it("a manifest listing neither base nor incr: 'not-exist', every size 0, no file looked at", async () => {
    const fs = await diskWith({ [incr1]: twoSets });
    const since = fs.operationLog.entries.length;
    expect(await loadAofFiles(loadOf(fs, manifest(null)))).toEqual({ status: 'not-exist', ...nothing });
    expect(fs.operationLog.entries.length).toBe(since);
  });

  it("a base and two incrs of 0 bytes: 'empty', every size 0, no file opened", async () => {
    const fs = await diskWith({ [baseName]: '', [incr1]: '', [incr2]: '' });
    const since = fs.operationLog.entries.length;
    expect(await loadAofFiles(loadOf(fs, manifest(baseName, incr1, incr2)))).toEqual({ status: 'empty', ...nothing });
    expect(fs.operationLog.entries.slice(since).map((entry) => entry.operation)).toEqual(['stat', 'stat', 'stat']);
  });

  it("a preamble base with a RESP tail and two incrs: 'ok'; total = sum, base = the base's, last incr = incr 2's; keys and commands counted over all files", async () => {
    const base = Buffer.concat([preamble({ k1: 'v1', k2: 'v2' }), Buffer.from(resp('SELECT', '0') + resp('set', 'tail', 't'), 'latin1')]);
    const second = resp('SELECT', '0') + resp('incr', 'n');
    const fs = await diskWith({ [baseName]: base, [incr1]: twoSets, [incr2]: second });
    const load = loadOf(fs, manifest(baseName, incr1, incr2));
    expect(await loadAofFiles(load)).toEqual({
      status: 'ok',
      totalSize: base.length + twoSets.length + second.length,
      baseSize: base.length,
      lastIncrSize: second.length,
      keysLoaded: 2,
      commandsApplied: 2 + 3 + 2,
      truncation: null,
    });
    expect(load.keyspace.size(0)).toBe(6);
    expect(load.keyspace.loading).toBe(false);
  });

  it('incrs only: base size 0 (the first incr is not a base); a base only: last incr size 0 (the base is not an incr)', async () => {
    const fs = await diskWith({ [baseName]: twoSets, [incr1]: twoSets + resp('incr', 'n') });
    expect(await loadAofFiles(loadOf(fs, manifest(null, incr1)))).toMatchObject({ status: 'ok', totalSize: twoSets.length + resp('incr', 'n').length, baseSize: 0, lastIncrSize: twoSets.length + resp('incr', 'n').length });
    expect(await loadAofFiles(loadOf(fs, manifest(baseName)))).toMatchObject({ status: 'ok', totalSize: twoSets.length, baseSize: twoSets.length, lastIncrSize: 0 });
  });
});

describe('a torn last file (aof-load-truncated yes)', () => {
  it("tornTail 'cut': 'truncated', the file cut on disk at the last complete command, sizes after the cut, the truncation described", async () => {
    const fs = await diskWith({ [baseName]: twoSets, [incr1]: torn });
    const report = await loadAofFiles(loadOf(fs, manifest(baseName, incr1)));
    expect(report).toEqual({
      status: 'truncated',
      totalSize: 2 * twoSets.length,
      baseSize: twoSets.length,
      lastIncrSize: twoSets.length,
      keysLoaded: 0,
      commandsApplied: 6,
      truncation: { fileName: aofPath(incr1), fromSize: torn.length, toSize: twoSets.length, openMulti: false },
    });
    expect(await fileText(fs, aofPath(incr1))).toBe(twoSets);
  });

  it("tornTail 'report' (durakv inspect): the same report for an unfinished MULTI, but the file is left byte for byte and nothing is written", async () => {
    const tail = twoSets + resp('MULTI') + resp('set', 'x', '1');
    const fs = await diskWith({ [incr1]: tail });
    const since = fs.operationLog.entries.length;
    const report = await loadAofFiles(loadOf(fs, manifest(null, incr1), { tornTail: 'report' }));
    expect(report).toMatchObject({
      status: 'truncated',
      totalSize: twoSets.length,
      baseSize: 0,
      lastIncrSize: twoSets.length,
      keysLoaded: 0,
      truncation: { fileName: aofPath(incr1), fromSize: tail.length, toSize: twoSets.length, openMulti: true },
    });
    expect(await fileText(fs, aofPath(incr1))).toBe(tail);
    expect(fs.operationLog.entries.slice(since).filter((entry) => entry.effect !== 'none')).toEqual([]);
  });
});

describe('refusals name the file, the offset and Redis\'s reason', () => {
  it('aof-load-truncated no: "a truncated command" for a torn command, "an unfinished MULTI/EXEC transaction" for an open MULTI', async () => {
    for (const [contents, what] of [
      [torn, 'a truncated command'],
      [twoSets + resp('MULTI') + resp('set', 'x', '1'), 'an unfinished MULTI/EXEC transaction'],
    ] as const) {
      const fs = await diskWith({ [incr1]: contents });
      const error = await refusal(loadOf(fs, manifest(null, incr1), { loadTruncated: false }));
      expect(error).toMatchObject({ kind: 'truncated', fileName: aofPath(incr1), offset: twoSets.length, reason: `Unexpected end of file reading the append only file (${what}); aof-load-truncated is no` });
      expect(await fileText(fs, aofPath(incr1))).toBe(contents);
    }
  });

  it('a torn file that is not the last: truncated-not-last, naming what was torn, even with aof-load-truncated yes', async () => {
    const fs = await diskWith({ [incr1]: torn, [incr2]: twoSets });
    const error = await refusal(loadOf(fs, manifest(null, incr1, incr2)));
    expect(error).toMatchObject({ kind: 'truncated-not-last', fileName: aofPath(incr1), offset: twoSets.length, reason: 'the truncated file is not the last file (a truncated command)' });
  });

  it('a listed file that does not exist: missing-file at offset 0 with Redis\'s stat failure', async () => {
    const fs = await diskWith({ [baseName]: twoSets });
    const error = await refusal(loadOf(fs, manifest(baseName, incr1)));
    expect(error).toMatchObject({ kind: 'missing-file', fileName: aofPath(incr1), offset: 0, reason: 'Unable to obtain the AOF file length. stat: No such file or directory' });
  });

  it('a keyspace that already holds a key (db 15) is refused before any file is looked at: a load never merges into live data', async () => {
    const fs = await diskWith({ [incr1]: twoSets });
    const load = loadOf(fs, manifest(null, incr1));
    load.keyspace.set(15, 'live', { type: 'string', value: 'v' }, null);
    const since = fs.operationLog.entries.length;
    await expect(loadAofFiles(load)).rejects.toThrow(/loading starts from an empty keyspace/);
    expect(fs.operationLog.entries.length).toBe(since);
  });
});
