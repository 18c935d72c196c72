/**
 * Test support for the crash FS tests: text ⇄ bytes, a seeded random, and reading files out of
 * a power-loss state's image. Used by tests only (nothing in durakv's runtime imports it).
 *
 * Invariant: `seededRandom(seed)` yields the same sequence in [0, 1) for the same seed
 * (mulberry32), so every crash-state sample in a test replays.
 */
import assert from 'node:assert/strict';
import { type DiskImage, imageEntries } from './crash-disk-image.ts';
import type { FileSystem } from './file-system.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(data: Uint8Array): string {
  return decoder.decode(data);
}

export { seededRandom } from '../testing/seeded-random.ts';

/** The file's bytes in the image, or undefined when no file has that path. */
export function imageFile(image: DiskImage, path: string): Uint8Array | undefined {
  const entry = imageEntries(image).find((candidate) => candidate.path === path);
  if (entry === undefined) return undefined;
  assert.equal(entry.kind, 'file', `${path} is a file in the image`);
  return entry.kind === 'file' ? entry.bytes : undefined;
}

/** The file's text in the image, or null when absent (null reads well in toEqual lists). */
export function imageText(image: DiskImage, path: string): string | null {
  const data = imageFile(image, path);
  return data === undefined ? null : text(data);
}

/** Creates or replaces `path` with `contents` and makes it fully durable (file + directory). */
export async function writeDurably(fs: FileSystem, directory: string, path: string, contents: string): Promise<void> {
  const handle = await fs.open(path, 'create-truncate');
  await handle.write(bytes(contents), 0);
  await handle.fsync();
  await handle.close();
  await fs.fsyncDirectory(directory);
}
