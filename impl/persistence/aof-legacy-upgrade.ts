/**
 * upgradeLegacyAof: moves a pre-7.0 single-file AOF (`<dir>/appendonly.aof`, RESP or RDB
 * preamble + RESP tail) into the multi-part layout at start-up, crash-safely (Redis 7.0
 * aof.c:loadAppendOnlyFiles' upgrade check and aofUpgradePrepare; facts §4.7).
 *
 * When: `<dir>/appendonly.aof` exists and (1) appendonlydir does not, or (2) the manifest has
 * neither base nor incr (or is missing), or (3) the manifest lists only a base named
 * `appendonly.aof`, no incr, and `appendonlydir/appendonly.aof` does not exist (an upgrade
 * that stopped after its manifest). Otherwise the manifest is returned unchanged (so with both
 * copies and such a manifest, the directory's copy is loaded and the outer one left alone).
 *
 * Steps (file-system calls in order):
 *   mkdir appendonlydir (if missing), fsyncDirectory(dir);
 *   manifest `file appendonly.aof seq 1 type b` via persistManifest (temp, fsync, rename,
 *   fsyncDirectory(appendonlydir));
 *   rename(dir/appendonly.aof, appendonlydir/appendonly.aof), fsyncDirectory(appendonlydir).
 * Invariants:
 * - Re-runnable: a crash (or power loss) at any point leaves either the old layout (no
 *   manifest: case 1/2) or the committed manifest with the file still outside (case 3); the
 *   next start finishes the upgrade. The file's bytes are never copied or rewritten, only renamed.
 * - Beyond Redis: when case 1/2 holds but `appendonlydir/appendonly.aof` already exists (Redis
 *   asserts and crashes), the start is refused as 'bad-manifest' rather than renaming one copy
 *   over the other. Redis does not fsync appendonlydir after the rename (its next manifest
 *   write does); durakv does, so the upgrade is durable once this returns.
 */
import type { AofManifest } from '../encoding/aof-manifest.ts';
import type { FileSystem } from '../fs/file-system.ts';
import type { AofLayout } from './aof-layout.ts';
import { AofLoadError } from './aof-load-error.ts';
import { hasNoFiles, persistManifest } from './aof-manifest-file.ts';

async function isFile(fs: FileSystem, path: string): Promise<boolean> {
  if (!(await fs.exists(path))) return false;
  return !(await fs.stat(path)).isDirectory;
}

/** mkdir appendonlydir if missing, and make its name durable (fsync of the store's directory). */
export async function ensureAofDirectory(fs: FileSystem, layout: AofLayout): Promise<void> {
  if (await fs.exists(layout.dirPath)) return;
  await fs.mkdir(layout.dirPath, { recursive: false });
  await fs.fsyncDirectory(layout.directory);
}

/** The manifest to load after the upgrade, if one was due (see the header). */
export async function upgradeLegacyAof(fs: FileSystem, layout: AofLayout, manifest: AofManifest | null): Promise<AofManifest | null> {
  if (!(await isFile(fs, layout.legacyPath))) return manifest;
  const movedPath = layout.filePath(layout.prefix);
  const directoryMissing = !(await fs.exists(layout.dirPath));
  const interrupted =
    manifest !== null && manifest.base?.fileName === layout.prefix && manifest.incrs.length === 0 && !(await fs.exists(movedPath));
  if (!directoryMissing && !hasNoFiles(manifest) && !interrupted) return manifest;
  if (!interrupted && (await fs.exists(movedPath))) {
    throw new AofLoadError('bad-manifest', layout.manifestPath, 0, `both ${layout.legacyPath} and ${movedPath} exist and no manifest names ${layout.prefix}`);
  }
  await ensureAofDirectory(fs, layout);
  const upgraded: AofManifest = { base: { fileName: layout.prefix, seq: 1, type: 'base' }, history: manifest?.history ?? [], incrs: [] };
  await persistManifest(fs, layout, upgraded);
  await fs.rename(layout.legacyPath, movedPath);
  await fs.fsyncDirectory(layout.dirPath);
  return upgraded;
}
