/**
 * Reads a multi-part AOF for `durakv inspect`: the manifest, then the base and every incr in
 * manifest order, replayed into a fresh keyspace with the start-up loader (loadAofFiles), so
 * inspect shows exactly what a start with appendonly yes would load.
 *
 * Invariants:
 * - Read-only: the loader runs with `tornTail: 'report'` (a torn tail of the last file is only
 *   reported, never cut) and nothing else here writes; every file is left byte for byte.
 * - aof-load-truncated is yes, as Redis's default: a torn tail of the last file is shown as the
 *   cut a start would make (`truncation`), and a file Redis would refuse is the loader's
 *   AofLoadError naming the file, the byte offset and the reason.
 * - Nothing expires while loading: keys whose expiry has passed are shown, as in an RDB file.
 */
import type { AofManifest } from '../encoding/aof-manifest.ts';
import type { FileSystem } from '../fs/file-system.ts';
import { Keyspace } from '../keyspace/index.ts';
import { readManifest } from '../persistence/aof-manifest-file.ts';
import { type AofTruncation, loadAofFiles } from '../persistence/aof-loader.ts';
import type { DatabaseContents } from '../values/redis-value.ts';
import type { AofTarget } from './aof-directory-target.ts';
import { CliInputError } from './cli-errors.ts';
import type { PathArgument } from './cli-paths.ts';

export interface AofDirectoryContents {
  readonly manifest: AofManifest;
  readonly databases: Map<number, DatabaseContents>;
  /** Bytes of the base and incrs (after the cut a start would make). */
  readonly totalBytes: number;
  readonly commandsApplied: number;
  readonly truncation: AofTruncation | null;
}

/** A fixed source for SPOP-like randomness: a replayed AOF holds only deterministic effects. */
const noRandom = (): number => 0;

export async function readAofDirectory(fs: FileSystem, path: PathArgument, target: AofTarget): Promise<AofDirectoryContents> {
  const manifest = await readManifest(fs, target.layout);
  if (manifest === null) throw new CliInputError(path.shown, `the manifest ${target.manifestName} cannot be read`);
  const keyspace = new Keyspace({ now: () => 0 });
  const report = await loadAofFiles({ fileSystem: fs, layout: target.layout, manifest, keyspace, random: noRandom, loadTruncated: true, verifyChecksum: true, tornTail: 'report' });
  const databases = new Map<number, DatabaseContents>();
  for (const db of keyspace.nonEmptyDatabases()) databases.set(db, keyspace.copyDatabase(db));
  return { manifest, databases, totalBytes: report.totalSize, commandsApplied: report.commandsApplied, truncation: report.truncation };
}
