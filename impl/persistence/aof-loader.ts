/**
 * loadAofFiles: start-up load of the multi-part AOF named by a manifest (Redis 7.0
 * aof.c:loadAppendOnlyFiles; facts §5.3): the base, then every incr in manifest order, into an
 * empty keyspace, with `keyspace.loading` set so nothing expires during the replay.
 *
 * Invariants:
 * - A manifest with neither base nor incr is 'not-exist' (the caller starts empty). Every listed
 *   base and incr is looked up before anything loads: a missing one is an AofLoadError
 *   'missing-file'. Files adding up to 0 bytes are 'empty'. History files are never opened.
 * - A file ending inside a command or an open MULTI (see aof-file-loader.ts): with
 *   aof-load-truncated yes and the file LAST in the manifest, the file is cut on disk at
 *   `validUpTo` (the end of the last command outside a MULTI), the cut is fsynced, and the load
 *   goes on ('truncated'); with aof-load-truncated no it is an AofLoadError 'truncated'; in any
 *   file but the last, 'truncated-not-last'. With `tornTail: 'report'` (a read-only reader such
 *   as `durakv inspect`) the same rules apply but nothing is cut: the report's `truncation` says
 *   where the cut would be, and the sizes are as if it had been made. Only that cut ever changes a file: a corrupt file,
 *   a truncated file that is not the last, or any file of a refused load is left byte for byte.
 *   (Redis 7.0 cuts a non-last file before refusing, and cuts a torn MULTI after its last
 *   queued command; durakv does neither: see the report in aof-persistence.ts.)
 * - The report's sizes are after the cut: `totalSize` (aof_current_size) is the sum over the
 *   base and the incrs, `baseSize` (aof_rewrite_base_size) the base's, `lastIncrSize` the last
 *   incr's (0 without incrs).
 * - On rejection the keyspace may hold part of the AOF; the caller discards it.
 */
import assert from 'node:assert/strict';
import type { AofManifest, AofManifestEntry } from '../encoding/aof-manifest.ts';
import type { FileSystem } from '../fs/file-system.ts';
import { isFsError } from '../fs/fs-error.ts';
import type { Keyspace } from '../keyspace/index.ts';
import { databaseCount } from '../values/redis-value.ts';
import { loadAofFile } from './aof-file-loader.ts';
import type { AofLayout } from './aof-layout.ts';
import { AofLoadError } from './aof-load-error.ts';

export interface AofLoad {
  readonly fileSystem: FileSystem;
  readonly layout: AofLayout;
  readonly manifest: AofManifest;
  readonly keyspace: Keyspace;
  readonly random: () => number;
  readonly loadTruncated: boolean;
  readonly verifyChecksum: boolean;
  /** A torn tail of the last file (aof-load-truncated yes): 'cut' it on disk, as Redis, or only 'report' it. */
  readonly tornTail: 'cut' | 'report';
}

export interface AofTruncation {
  readonly fileName: string;
  readonly fromSize: number;
  readonly toSize: number;
  /** Whether the file ended inside a MULTI (else inside a command). */
  readonly openMulti: boolean;
}

export interface AofLoadReport {
  readonly status: 'not-exist' | 'empty' | 'ok' | 'truncated';
  readonly totalSize: number;
  readonly baseSize: number;
  readonly lastIncrSize: number;
  /** Keys inserted from RDB preambles. */
  readonly keysLoaded: number;
  readonly commandsApplied: number;
  readonly truncation: AofTruncation | null;
}

async function sizeOf(fs: FileSystem, path: string): Promise<number> {
  try {
    return (await fs.stat(path)).size;
  } catch (error) {
    if (isFsError(error, 'ENOENT')) throw new AofLoadError('missing-file', path, 0, 'Unable to obtain the AOF file length. stat: No such file or directory');
    throw error;
  }
}

/** truncate(path, size) at load, made durable before anything is appended after it. */
async function cutFile(fs: FileSystem, path: string, size: number): Promise<void> {
  const handle = await fs.open(path, 'read-write');
  try {
    await handle.truncate(size);
    await handle.fdatasync();
  } finally {
    await handle.close();
  }
}

export async function loadAofFiles(load: AofLoad): Promise<AofLoadReport> {
  for (let db = 0; db < databaseCount; db += 1) assert.equal(load.keyspace.size(db), 0, 'loading starts from an empty keyspace');
  const { manifest, layout } = load;
  const files: AofManifestEntry[] = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incrs];
  const nothing = { totalSize: 0, baseSize: 0, lastIncrSize: 0, keysLoaded: 0, commandsApplied: 0, truncation: null };
  if (files.length === 0) return { status: 'not-exist', ...nothing };
  const sizes: number[] = [];
  for (const file of files) sizes.push(await sizeOf(load.fileSystem, layout.filePath(file.fileName)));
  if (sizes.every((size) => size === 0)) return { status: 'empty', ...nothing };
  let keysLoaded = 0;
  let commandsApplied = 0;
  let truncation: AofTruncation | null = null;
  load.keyspace.loading = true;
  try {
    for (const [index, file] of files.entries()) {
      const path = layout.filePath(file.fileName);
      const result = await loadAofFile({ fileSystem: load.fileSystem, path, keyspace: load.keyspace, random: load.random, verifyChecksum: load.verifyChecksum });
      if (result.status === 'empty') continue;
      keysLoaded += result.keysLoaded;
      commandsApplied += result.commandsApplied;
      if (result.status === 'complete') continue;
      const what = result.openMulti ? 'an unfinished MULTI/EXEC transaction' : 'a truncated command';
      if (!load.loadTruncated) {
        throw new AofLoadError('truncated', path, result.validUpTo, `Unexpected end of file reading the append only file (${what}); aof-load-truncated is no`);
      }
      if (index !== files.length - 1) {
        throw new AofLoadError('truncated-not-last', path, result.validUpTo, `the truncated file is not the last file (${what})`);
      }
      if (load.tornTail === 'cut') await cutFile(load.fileSystem, path, result.validUpTo);
      sizes[index] = result.validUpTo;
      truncation = { fileName: path, fromSize: result.size, toSize: result.validUpTo, openMulti: result.openMulti };
    }
  } finally {
    load.keyspace.loading = false;
  }
  const baseSize = manifest.base === null ? 0 : (sizes[0] ?? 0);
  const lastIncrSize = manifest.incrs.length === 0 ? 0 : (sizes[sizes.length - 1] ?? 0);
  const totalSize = sizes.reduce((sum, size) => sum + size, 0);
  return { status: truncation === null ? 'ok' : 'truncated', totalSize, baseSize, lastIncrSize, keysLoaded, commandsApplied, truncation };
}
