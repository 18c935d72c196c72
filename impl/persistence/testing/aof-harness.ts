/**
 * Test support for the AOF tests: the AOF's paths under the store harness's directory, configs
 * per fsync policy, disks holding hand-made AOF files, reading the AOF's files back, the
 * file-system operations a step made, and reopening a store on a (post-crash) file system.
 * Used by tests only.
 *
 * Invariants:
 * - `reopen` builds a fresh store exactly as start-up would (own clock at `startMs` unless
 *   given, own scheduler), and returns either the store or the error that refused the start.
 * - `operationsSince(fs, n)` lists the state-changing and persisting calls (reads left out) as
 *   `"<operation> <path-relative-to-/data> <detail>"`, for asserting exact call sequences.
 */
import { expect } from 'vitest';
import { CrashFileSystem } from '../../fs/crash-file-system.ts';
import { type FsOperationEntry, formatOperation } from '../../fs/fs-operation-log.ts';
import type { FileSystem } from '../../fs/file-system.ts';
import { byteStringOfText } from '../../values/redis-value.ts';
import { ManualScheduler } from '../manual-scheduler.ts';
import type { AppendFsync, StoreConfig } from '../store-config.ts';
import { type Store, openStore } from '../store.ts';
import { type Harness, TestClock, canonical, directory, processId, seededRandom, show, testConfig, type Shown } from './store-harness.ts';

export const aofDir = `${directory}/appendonlydir`;
export const manifestPath = `${aofDir}/appendonly.aof.manifest`;

export function aofConfig(appendfsync: AppendFsync, more: Partial<StoreConfig> = {}): Partial<StoreConfig> {
  return { appendonly: true, appendfsync, ...more };
}

export function aofPath(name: string): string {
  return `${aofDir}/${name}`;
}

export async function fileText(fs: FileSystem, path: string): Promise<string | null> {
  if (!(await fs.exists(path))) return null;
  return Buffer.from(await fs.readFile(path)).toString('latin1');
}

export async function manifestText(fs: FileSystem): Promise<string | null> {
  return fileText(fs, manifestPath);
}

export async function aofListing(fs: FileSystem): Promise<string[]> {
  return (await fs.exists(aofDir)) ? fs.readdir(aofDir) : [];
}

/** A manifest's text from its lines. */
export function manifestOf(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * A fresh disk holding /data with `outside` files, and, unless `inside` is null, appendonlydir
 * with `inside` files; everything durable.
 */
export async function diskWith(inside: Record<string, string | Uint8Array> | null, outside: Record<string, string | Uint8Array> = {}): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir(directory, { recursive: false });
  const put = async (path: string, contents: string | Uint8Array): Promise<void> => {
    const handle = await fs.open(path, 'create-truncate');
    await handle.write(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents, 0);
    await handle.fsync();
    await handle.close();
  };
  for (const [name, contents] of Object.entries(outside)) await put(`${directory}/${name}`, contents);
  if (inside !== null) {
    await fs.mkdir(aofDir, { recursive: false });
    for (const [name, contents] of Object.entries(inside)) await put(aofPath(name), contents);
    await fs.fsyncDirectory(aofDir);
  }
  await fs.fsyncDirectory(directory);
  await fs.fsyncDirectory('/');
  return fs;
}

/** RESP bytes of one command, as the AOF holds it. */
export function resp(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((arg) => `$${Buffer.byteLength(arg, 'latin1')}\r\n${arg}\r\n`).join('')}`;
}

const readOnly = new Set(['read', 'readFile', 'size', 'stat', 'exists', 'readdir']);

export function operationsSince(fs: CrashFileSystem, since: number): string[] {
  return fs.operationLog.entries
    .slice(since)
    .filter((entry) => !readOnly.has(entry.operation))
    .map((entry) => describe(entry));
}

function describe(entry: FsOperationEntry): string {
  const text = formatOperation(entry).replace(/^#\d+ /, '').replace(/ → ok$/, '');
  return text.replaceAll(`${directory}/`, '').replace(/ \d+ B "[^"]*"/, '').replace(/ at \[\d+,\d+\)/, '');
}

export type Reopened = { readonly store: Store; readonly error: null } | { readonly store: null; readonly error: unknown };

export async function reopen(fs: FileSystem, config: Partial<StoreConfig>, clock: TestClock = new TestClock()): Promise<Reopened> {
  try {
    const store = await openStore({ fileSystem: fs, directory, config: { ...testConfig, ...config }, clock, random: seededRandom(11), scheduler: new ManualScheduler(), processId });
    return { store, error: null };
  } catch (error) {
    return { store: null, error };
  }
}

/** A process crash, then a restart with `config`: it opens, and holds the harness's dataset. */
export async function expectRestartHolds(h: Harness, config: Partial<StoreConfig> = aofConfig('always')): Promise<void> {
  const { store, error } = await reopen(h.fs.crash('process'), config);
  expect(error).toBe(null);
  expect(datasetOf(store ?? expect.fail('reopened'))).toBe(datasetOf(h.store));
}

/** The canonical text of a store's dataset ('' when empty). */
export function datasetOf(store: Store): string {
  const dataset = store.dataset();
  return dataset.size === 0 ? '' : (canonical(dataset) ?? '');
}

export async function runOn(store: Store, ...argv: string[]): Promise<Shown> {
  return show(await store.execute(argv.map(byteStringOfText)));
}
