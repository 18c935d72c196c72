/**
 * Writes a dataset as a new multi-part AOF directory, laid out as Redis 7.0 leaves one right
 * after a rewrite (facts §4.1, §4.2): `appendonly.aof.1.base.rdb` (an RDB preamble, aof-base 1)
 * or `appendonly.aof.1.base.aof` (RESP commands, aof-use-rdb-preamble no), an empty
 * `appendonly.aof.1.incr.aof`, and `appendonly.aof.manifest` naming both.
 *
 * Invariants:
 * - Never overwrites: the directory must be missing or empty; anything else is a CliInputError
 *   and no file is touched.
 * - Crash-safe order, the manifest last (the commit point): mkdir + parent fsync; the base
 *   through writeFileAtomically (temp, fsync, rename, directory fsync); the empty incr created,
 *   fsynced, the directory fsynced; then the manifest through persistManifest (temp, fsync,
 *   rename, directory fsync). A crash at any point leaves no manifest (Redis starts empty) or
 *   a manifest whose every file is durable.
 * - The base bytes come from the snapshot formats the rewrite uses (snapshot-format.ts), so they
 *   are byte for byte what a rewrite of the same dataset writes.
 */
import { posix } from 'node:path';
import { defaultAppendFileName } from '../encoding/aof-manifest.ts';
import type { FileSystem } from '../fs/file-system.ts';
import { parentPath } from '../fs/fs-path.ts';
import { writeFileAtomically } from '../fs/write-file-atomically.ts';
import { AofLayout } from '../persistence/aof-layout.ts';
import { persistManifest } from '../persistence/aof-manifest-file.ts';
import { respBaseFormat } from '../persistence/aof-resp-base-format.ts';
import { type SnapshotFormat, rdbSnapshotFormat } from '../persistence/snapshot-format.ts';
import { isPlainFileName } from '../persistence/store-config.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import { CliInputError } from './cli-errors.ts';
import type { PathArgument } from './cli-paths.ts';

export type AofWriteFormat = 'aof' | 'aof-resp-base';

export interface AofDirectoryWrite {
  readonly format: AofWriteFormat;
  readonly compression: boolean;
  readonly nowMs: number;
  readonly pid: number;
}

export interface AofDirectoryWritten {
  readonly baseName: string;
  readonly baseBytes: number;
}

/** Every database's entries through one snapshot format, in the order the format's contract asks. */
export function encodeWithFormat(format: SnapshotFormat, databases: ReadonlyMap<number, DatabaseContents>): Uint8Array[] {
  const chunks = [format.header()];
  for (const [db, contents] of [...databases].filter(([, keys]) => keys.size > 0).sort(([left], [right]) => left - right)) {
    let expires = 0;
    for (const entry of contents.values()) if (entry.expireAtMs !== null) expires += 1;
    chunks.push(format.selectDb(db, contents.size, expires));
    for (const [key, entry] of contents) format.appendEntry(key, entry.value, entry.expireAtMs);
    chunks.push(format.flush());
  }
  chunks.push(format.end());
  return chunks.filter((chunk) => chunk.length > 0);
}

async function prepareEmptyDirectory(fs: FileSystem, target: PathArgument): Promise<void> {
  if (await fs.exists(target.absolute)) {
    if (!(await fs.stat(target.absolute)).isDirectory) throw new CliInputError(target.shown, 'exists and is not a directory: an AOF is written as a new directory');
    const names = await fs.readdir(target.absolute);
    if (names.length > 0) throw new CliInputError(target.shown, `is not empty (${names.length} entries): durakv write never replaces an AOF directory`);
    return;
  }
  await fs.mkdir(target.absolute, { recursive: false });
  await fs.fsyncDirectory(parentPath(target.absolute));
}

export async function writeAofDirectory(fs: FileSystem, target: PathArgument, databases: ReadonlyMap<number, DatabaseContents>, options: AofDirectoryWrite): Promise<AofDirectoryWritten> {
  const dirName = posix.basename(target.absolute);
  if (target.absolute === '/' || !isPlainFileName(dirName)) throw new CliInputError(target.shown, 'cannot be an AOF directory (appenddirname must be a plain file name)');
  await prepareEmptyDirectory(fs, target);
  const layout = new AofLayout(parentPath(target.absolute), defaultAppendFileName, dirName);
  const rdbPreamble = options.format === 'aof';
  const format = rdbPreamble
    ? rdbSnapshotFormat({ aof: true, ctimeSeconds: Math.floor(options.nowMs / 1000), usedMemory: 0, compression: options.compression })
    : respBaseFormat(null);
  const data = Buffer.concat(encodeWithFormat(format, databases));
  const baseName = layout.baseName(1, rdbPreamble);
  await writeFileAtomically(fs, { path: layout.filePath(baseName), tempPath: layout.filePath(`temp-rewriteaof-${options.pid}.aof`), data });
  const incrName = layout.incrName(1);
  const incr = await fs.open(layout.filePath(incrName), 'create-exclusive');
  try {
    await incr.fsync();
  } finally {
    await incr.close();
  }
  await fs.fsyncDirectory(layout.dirPath);
  await persistManifest(fs, layout, { base: { fileName: baseName, seq: 1, type: 'base' }, history: [], incrs: [{ fileName: incrName, seq: 1, type: 'incr' }] });
  return { baseName, baseBytes: data.length };
}
