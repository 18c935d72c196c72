/**
 * The manifest on disk: reading it at start-up (aofLoadManifestFromDisk) and committing a new
 * one (persistAofManifest; facts §4.4): the ONE commit point of the multi-part AOF.
 *
 * Invariants:
 * - A missing appendonlydir or manifest reads as null (no AOF yet, or a legacy upgrade), never
 *   as an error; a manifest Redis would refuse (the codec's AofManifestError), or one listing a
 *   name that is not a plain file name, is an AofLoadError 'bad-manifest'.
 * - persistManifest is writeFileAtomically: temp-appendonly.aof.manifest is written, fsynced,
 *   closed, renamed over appendonly.aof.manifest, then appendonlydir is fsynced. Once it
 *   resolves, the new manifest survives any crash; before the rename, the old one is intact.
 *   It rejects with the FsError of the step that failed (a failed directory fsync comes after
 *   the rename: the new manifest is visible but maybe not durable; see `renamedBeforeFailure`).
 */
import type { AofManifest } from '../encoding/aof-manifest.ts';
import { AofManifestError, formatAofManifest, parseAofManifest } from '../encoding/aof-manifest-codec.ts';
import type { FileSystem } from '../fs/file-system.ts';
import { type FsError, isFsError } from '../fs/fs-error.ts';
import { writeFileAtomically } from '../fs/write-file-atomically.ts';
import type { AofLayout } from './aof-layout.ts';
import { AofLoadError } from './aof-load-error.ts';
import { isPlainFileName } from './store-config.ts';

/** The manifest on disk, or null when there is none (missing directory or file). */
export async function readManifest(fs: FileSystem, layout: AofLayout): Promise<AofManifest | null> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(layout.manifestPath);
  } catch (error) {
    if (isFsError(error, 'ENOENT') || isFsError(error, 'ENOTDIR')) return null;
    throw error;
  }
  let manifest: AofManifest;
  try {
    manifest = parseAofManifest(bytes, layout.manifestPath);
  } catch (error) {
    if (error instanceof AofManifestError) throw new AofLoadError('bad-manifest', layout.manifestPath, error.offset, error.message, error);
    throw error;
  }
  for (const entry of [manifest.base, ...manifest.history, ...manifest.incrs]) {
    if (entry !== null && !isPlainFileName(entry.fileName)) {
      throw new AofLoadError('bad-manifest', layout.manifestPath, 0, `listed name ${JSON.stringify(entry.fileName)} is not a plain file name`);
    }
  }
  return manifest;
}

export async function persistManifest(fs: FileSystem, layout: AofLayout, manifest: AofManifest): Promise<void> {
  await writeFileAtomically(fs, { path: layout.manifestPath, tempPath: layout.tempManifestPath, data: formatAofManifest(manifest) });
}

/** Whether a persistManifest failure happened after the rename (the new manifest may be in effect). */
export function renamedBeforeFailure(error: FsError, layout: AofLayout): boolean {
  return error.operation === 'fsyncDirectory' && error.path === layout.dirPath;
}

/** A manifest with no base and no incr (what Redis treats as "no AOF"). */
export function hasNoFiles(manifest: AofManifest | null): boolean {
  return manifest === null || (manifest.base === null && manifest.incrs.length === 0);
}
