/**
 * The files of a multi-part AOF directory as the interop tests look at them from outside
 * (node:fs, not durakv's FileSystem port): the manifest's lines, each file's size, copies of a
 * whole store directory.
 *
 * Invariant: read-only except `copyStoreDirectory`, which copies into a directory that must not
 * exist yet.
 */
import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const aofDirName = 'appendonlydir';
export const manifestName = 'appendonly.aof.manifest';

export function aofDirOf(storeDirectory: string): string {
  return join(storeDirectory, aofDirName);
}

export function manifestPathOf(storeDirectory: string): string {
  return join(storeDirectory, aofDirName, manifestName);
}

export interface ManifestLine {
  readonly name: string;
  readonly seq: number;
  readonly type: string;
}

/** The manifest's `file <name> seq <n> type <t>` lines (plain names only: what these tests write). */
export async function manifestLines(storeDirectory: string): Promise<ManifestLine[]> {
  const text = await readFile(manifestPathOf(storeDirectory), 'latin1');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = /^file (\S+) seq (\d+) type ([bhi])$/.exec(line);
      if (match === null) throw new Error(`unexpected manifest line ${JSON.stringify(line)}`);
      return { name: match[1] as string, seq: Number(match[2]), type: match[3] as string };
    });
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

export async function aofFileNames(storeDirectory: string): Promise<string[]> {
  return (await readdir(aofDirOf(storeDirectory))).sort();
}

export async function copyStoreDirectory(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true, errorOnExist: true, force: false });
}
