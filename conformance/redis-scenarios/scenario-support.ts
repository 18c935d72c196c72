/**
 * Test support for the ports of Redis's own AOF scenarios (tests/integration/aof.tcl and
 * aof-multi-part.tcl, Redis 7.0; facts §6.1, §6.2): the Tcl helpers' counterparts on a
 * CrashFileSystem, built on the library API (impl/index.ts) plus the AOF/RDB codecs for
 * hand-made files.
 *
 * Counterparts (Tcl → here):
 * - `formatCommand a b c` → formatCommand('a', 'b', 'c'): the RESP bytes of one command.
 * - `create_aof dir file {append_to_aof ...}` → createAof(fs, path, text): the directory made if
 *   missing, the file written and everything fsynced, like a file left by an earlier run.
 * - `create_aof_manifest ... {append_to_manifest "..."}` → createManifest(fs, text).
 * - `start_server_aof [list dir $server_path ...]` → startServerAof(fs, overrides): the Tcl
 *   defaults (appendonly yes, appendfilename appendonly.aof, appenddirname appendonlydir,
 *   auto-aof-rewrite-percentage 0) and the test suite's `appendonly`-less defaults otherwise;
 *   a refused start (Redis exits 1) is returned as the error, never thrown.
 * - `is_alive $srv` → the start returned a server; the log line Redis greps → the AofLoadError's
 *   kind, file, offset and reason (which carry Redis's message text).
 * - `waitForBgrewriteaof` → finish(): grants background slices until no job runs.
 * - `debug loadaof` + `debug digest` → loadaofDigest(server): the digest of what a fresh load of
 *   the files on disk (the page cache: what a process crash now would leave) holds, without
 *   disturbing the running server; restart(server) when the test goes on with the reloaded one.
 * - `kill -9` of a rewrite child → failNextRewrite(fs): the next write of the rewrite's temp base
 *   fails, so the rewrite ends in error (status err, one more consecutive failure, temp removed).
 *
 * Deviation, stated once: the Tcl servers run appendfsync everysec (the default). The servers
 * here default to appendfsync always, so every acknowledged write is in the file without moving
 * the clock or stepping a background fsync (under everysec with a manual scheduler a write may
 * wait behind a pending background fsync). What the scenarios assert does not depend on it.
 */
import assert from 'node:assert/strict';
import { expect } from 'vitest';
import { encodeAofCommand } from '../../impl/encoding/aof-command-encoder.ts';
import { encodeRdb } from '../../impl/encoding/rdb-dataset.ts';
import { canonicalDataset } from '../../impl/encoding/testing/dataset-canonical-form.ts';
import { AofLoadError, type AofLoadErrorKind, CrashFileSystem, type DatabaseContents, ManualScheduler, type Reply, type Store, type StoreConfig, openStore, redisDefaults } from '../../impl/index.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';

export const serverPath = '/server';
export const aofDirname = 'appendonlydir';
export const aofDirpath = `${serverPath}/${aofDirname}`;
export const aofManifestFile = `${aofDirpath}/appendonly.aof.manifest`;
/** 2023-11-14T22:13:20Z: the servers' clock (whole seconds, so `#TS:` values are known). */
export const startMs = 1_700_000_000_000;

/** `$aof_dirpath/<name>` */
export function inAofDir(name: string): string {
  return `${aofDirpath}/${name}`;
}

/** Tcl's formatCommand: one command as RESP (latin1 text, one char per byte). */
export function formatCommand(...argv: string[]): string {
  return Buffer.from(encodeAofCommand(argv)).toString('latin1');
}

/** The lines of a manifest, each ended by "\n" (append_to_manifest "...\n" per line). */
export function manifestLines(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

export async function newDisk(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir(serverPath, { recursive: false });
  await fs.fsyncDirectory('/');
  return fs;
}

async function ensureDirectory(fs: CrashFileSystem, path: string): Promise<void> {
  if (await fs.exists(path)) return;
  await fs.mkdir(path, { recursive: false });
  await fs.fsyncDirectory(path.slice(0, path.lastIndexOf('/')) || '/');
}

/** create_aof: writes `contents` to `path` (creating its directory), durable. */
export async function createAof(fs: CrashFileSystem, path: string, contents: string | Uint8Array): Promise<void> {
  const directory = path.slice(0, path.lastIndexOf('/'));
  await ensureDirectory(fs, directory);
  const handle = await fs.open(path, 'create-truncate');
  await handle.write(typeof contents === 'string' ? Buffer.from(contents, 'latin1') : contents, 0);
  await handle.fsync();
  await handle.close();
  await fs.fsyncDirectory(directory);
}

/** create_aof_dir */
export async function createAofDir(fs: CrashFileSystem): Promise<void> {
  await ensureDirectory(fs, aofDirpath);
}

/** create_aof_manifest */
export async function createManifest(fs: CrashFileSystem, text: string, path: string = aofManifestFile): Promise<void> {
  await createAof(fs, path, text);
}

/** The file's bytes as latin1 text, or null when it does not exist. */
export async function fileText(fs: CrashFileSystem, path: string): Promise<string | null> {
  if (!(await fs.exists(path))) return null;
  return Buffer.from(await fs.readFile(path)).toString('latin1');
}

/** check_file_exist */
export function fileExists(fs: CrashFileSystem, path: string): Promise<boolean> {
  return fs.exists(path);
}

export async function aofDirListing(fs: CrashFileSystem): Promise<string[]> {
  return (await fs.exists(aofDirpath)) ? (await fs.readdir(aofDirpath)).sort() : [];
}

/** assert_aof_manifest_content: the manifest holds exactly these lines. */
export async function expectManifest(fs: CrashFileSystem, lines: string[], path: string = aofManifestFile): Promise<void> {
  expect(await fileText(fs, path)).toBe(manifestLines(...lines));
}

/** Every file under the server directory (recursively) with its contents. */
export async function diskContents(fs: CrashFileSystem): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (directory: string): Promise<void> => {
    for (const name of (await fs.readdir(directory)).sort()) {
      const path = `${directory}/${name}`;
      if ((await fs.stat(path)).isDirectory) await walk(path);
      else files.set(path, (await fileText(fs, path)) ?? '');
    }
  };
  await walk(serverPath);
  return files;
}

/** The Tcl files' `set defaults {...}` plus the suite's settings this port keeps fixed. */
export const aofDefaults: Partial<StoreConfig> = {
  appendonly: true,
  appendfilename: 'appendonly.aof',
  appenddirname: 'appendonlydir',
  autoAofRewritePercentage: 0,
};

const baseConfig: StoreConfig = { ...redisDefaults, save: [], appendfsync: 'always', snapshotSliceKeys: 2 };

export class ServerClock {
  constructor(public ms: number = startMs) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export type Shown = string | number | null | Shown[];

/** A reply as the Tcl client sees it: status/bulk text, integers (as numbers), nested arrays; errors as `-...`. */
export function show(reply: Reply): Shown {
  switch (reply.kind) {
    case 'simple':
      return reply.value;
    case 'error':
      return `-${reply.message}`;
    case 'integer':
      return Number(reply.value);
    case 'bulk':
      return reply.value;
    case 'array':
      return reply.items === null ? null : reply.items.map(show);
    default: {
      const never: never = reply;
      return assert.fail(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

/** Waits one macrotask turn: every promise reaction queued so far has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Server {
  readonly fs: CrashFileSystem;
  readonly store: Store;
  readonly config: StoreConfig;
  readonly clock: ServerClock;
  readonly scheduler: ManualScheduler;
  readonly processId: number;
  /** `r <command> ...` */
  r(...argv: string[]): Promise<Shown>;
  /** waitForBgrewriteaof / waitForBgsave: grants slices until no background job runs. */
  finish(): Promise<void>;
  /** One background slice. */
  step(): Promise<void>;
}

export type Started = { readonly server: Server; readonly error: null } | { readonly server: null; readonly error: unknown };

export interface StartOptions {
  readonly clock?: ServerClock;
  readonly processId?: number;
}

/** start_server with these overrides (no Tcl AOF defaults), on `fs`. */
export async function startServer(fs: CrashFileSystem, overrides: Partial<StoreConfig>, options: StartOptions = {}): Promise<Started> {
  const config: StoreConfig = { ...baseConfig, ...overrides };
  const clock = options.clock ?? new ServerClock();
  const scheduler = new ManualScheduler();
  const processId = options.processId ?? 4000;
  let store: Store;
  try {
    store = await openStore({ fileSystem: fs, directory: serverPath, config, clock, random: seededRandom(7), scheduler, processId });
  } catch (error) {
    return { server: null, error };
  }
  const step = async (): Promise<void> => {
    scheduler.runNext();
    await settle();
  };
  const server: Server = {
    fs,
    store,
    config,
    clock,
    scheduler,
    processId,
    r: async (...argv) => show(await store.execute(argv)),
    step,
    finish: async () => {
      await settle();
      for (let slices = 0; store.info().rdbBgsaveInProgress || store.info().aofRewriteInProgress; slices += 1) {
        assert.ok(slices < 100_000, 'the background job finishes');
        assert.ok(scheduler.pending > 0, 'a running job waits for a slice');
        await step();
      }
    },
  };
  return { server, error: null };
}

/** start_server_aof: the Tcl file's AOF defaults plus `overrides`. */
export function startServerAof(fs: CrashFileSystem, overrides: Partial<StoreConfig> = {}, options: StartOptions = {}): Promise<Started> {
  return startServer(fs, { ...aofDefaults, ...overrides }, options);
}

/** The start must succeed (`assert_equal 1 [is_alive $srv]`). */
export function alive(started: Started): Server {
  if (started.server === null) throw new Error(`the server did not start: ${String(started.error)}`, { cause: started.error });
  return started.server;
}

/**
 * The start must be refused (Redis exits 1) with `kind`, and, like Redis (which has not written
 * anything when it refuses these), leave every file under the server directory byte for byte.
 */
export async function expectRefused(fs: CrashFileSystem, overrides: Partial<StoreConfig>, kind: AofLoadErrorKind): Promise<AofLoadError> {
  const before = await diskContents(fs);
  const started = await startServerAof(fs, overrides);
  expect(started.server, 'the server must not start').toBe(null);
  expect(started.error).toBeInstanceOf(AofLoadError);
  const error = started.error as AofLoadError;
  expect(error.kind, error.message).toBe(kind);
  expect(await diskContents(fs)).toEqual(before);
  return error;
}

/** DEBUG DIGEST: an exact text form of the whole dataset ('' when empty). */
export function digest(store: Store): string {
  const dataset = store.dataset();
  return dataset.size === 0 ? '' : canonicalDataset(dataset);
}

/**
 * DEBUG LOADAOF, without disturbing the running server: a fresh server that loads a copy of what
 * is on disk now (the page cache) with the same config and appendonly yes.
 */
export async function loadaof(server: Server): Promise<Server> {
  const copy = CrashFileSystem.fromImage(server.fs.pageCache(), 0);
  return alive(await startServer(copy, { ...server.config, appendonly: true }));
}

/** DEBUG LOADAOF then DEBUG DIGEST (see loadaof). */
export async function loadaofDigest(server: Server): Promise<string> {
  return digest((await loadaof(server)).store);
}

/** A restart on the same disk (SHUTDOWN, then start_server with the same config): the reload. */
export async function restart(server: Server, overrides: Partial<StoreConfig> = {}): Promise<Server> {
  await server.finish();
  await server.store.close({ background: 'finish' });
  return alive(await startServer(server.fs, { ...server.config, ...overrides }, { clock: server.clock, processId: server.processId + 100 }));
}

/** `kill -9` of the next rewrite child: its first write of the temp base fails. */
export function failNextRewrite(fs: CrashFileSystem): void {
  fs.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('temp-rewriteaof-bg') }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
}

/** No temp-rewriteaof-* file is left in the server directory or the AOF directory. */
export async function expectNoRewriteTemps(fs: CrashFileSystem): Promise<void> {
  const names = [...(await diskContents(fs)).keys()].filter((path) => /temp-rewriteaof/.test(path));
  expect(names).toEqual([]);
}

/** tests/assets/rdb-preamble.aof's content: k1, k2 in the RDB preamble, `set k3 v3` in the RESP tail. */
export function rdbPreambleAof(): { bytes: Uint8Array; preambleLength: number; tail: string } {
  const keys: DatabaseContents = new Map([
    ['k1', { value: { type: 'string', value: 'v1' }, expireAtMs: null }],
    ['k2', { value: { type: 'string', value: 'v2' }, expireAtMs: null }],
  ]);
  const preamble = Buffer.concat(encodeRdb(new Map([[0, keys]]), { aof: true, ctimeSeconds: 1_628_217_470, usedMemory: 0, compression: true }));
  const tail = formatCommand('select', '0') + formatCommand('set', 'k3', 'v3');
  return { bytes: Buffer.concat([preamble, Buffer.from(tail, 'latin1')]), preambleLength: preamble.length, tail };
}

