/**
 * The damaged-AOF check: a torn tail in an AOF file that is NOT the last one of the manifest
 * must make the start-up refuse, and leave every file as it was.
 *
 * Why a check of its own: a correct writer fdatasyncs an incr before it stops appending to it
 * (the rotation at a rewrite's start), so no crash state of a correct run holds a torn non-last
 * file, and the crash checks never show the loader one. Redis 7.0 refuses such a file whatever
 * aof-load-truncated says ("the truncated file is not the last file"); cutting it and going on
 * would silently drop the writes after the tear while the later files replay on top of the gap.
 * Leaving the files untouched is durakv's rule (aof-loader.ts): Redis 7.0 cuts the file on disk
 * before it exits, a deviation listed in docs/redis-aof-scenarios.md.
 *
 * Method: take a disk whose manifest lists two or more incr files (a completed run's page
 * cache; `multi-incr-aof.ts` builds one); for every incr but the last, for several damages
 * (cut inside the first, a middle and the last command, cut inside a MULTI, zeros over the
 * tail), build the damaged disk, start the implementation on it through the library API, and
 * require:
 * - a refusal: AofLoadError of kind 'truncated-not-last' or 'format' (and 'truncated' when
 *   aof-load-truncated is no, which refuses any torn file);
 * - every file of the disk byte for byte as before the start (no cut, no new file, no rename).
 *
 * Invariants:
 * - The input image is never changed; each case starts from its own copy.
 * - Deterministic: the cases and their order depend only on the image.
 * - A case's restart runs on a fresh CrashFileSystem; `restart` (a seeded loader bug, in the
 *   suite's own tests) wraps the file system the store reads, and the comparison of files is
 *   made on the disk below it.
 */
import assert from 'node:assert/strict';
import { AofLoadError, CrashFileSystem, type FileSystem, ManualScheduler, type StoreConfig, openStore } from '../../impl/index.ts';
import { type DiskImage, imageEntries } from '../../impl/fs/crash-disk-image.ts';
import { parseAofManifest } from '../../impl/encoding/aof-manifest-codec.ts';
import { seededRandom } from '../../impl/testing/seeded-random.ts';
import { scanAofCommands } from './aof-command-scan.ts';

export interface DamagedAofCheckOptions {
  /** A disk whose manifest lists at least two incr files, none of them torn. */
  readonly image: DiskImage;
  /** The store's directory on that disk. */
  readonly directory: string;
  /** The configuration to start with (appendonly yes). */
  readonly config: StoreConfig;
  /** Wraps the file system the restart reads (a seeded loader bug); the files are compared below it. */
  readonly restart?: (fs: FileSystem) => FileSystem;
}

export interface DamagedAofCase {
  /** The damaged file, a path on the disk. */
  readonly file: string;
  /** What was done to it, e.g. `cut at 61 of 240 B (inside command 2 of 9, SET)`. */
  readonly damage: string;
}

export interface DamagedAofFailure extends DamagedAofCase {
  readonly problem: string;
}

export interface DamagedAofResult {
  readonly cases: readonly DamagedAofCase[];
  readonly failures: readonly DamagedAofFailure[];
}

type Damage = { readonly kind: 'cut'; readonly at: number; readonly label: string } | { readonly kind: 'zeros'; readonly from: number; readonly label: string };

/** The damages tried on one clean file: each leaves a tail that is not whole commands. */
export function damagesOf(bytes: Uint8Array): Damage[] {
  const scan = scanAofCommands(bytes);
  assert.ok(scan.clean && scan.commands.length > 0, 'the file to damage holds whole commands, and at least one');
  const size = bytes.length;
  const commands = scan.commands;
  const damages: Damage[] = [];
  const seen = new Set<string>();
  const add = (damage: Damage): void => {
    const key = damage.kind === 'cut' ? `cut:${damage.at}` : `zeros:${damage.from}`;
    if (!seen.has(key)) {
      seen.add(key);
      damages.push(damage);
    }
  };
  const picks = [...new Set([0, Math.floor(commands.length / 2), commands.length - 1])];
  for (const index of picks) {
    const command = commands[index];
    assert.ok(command !== undefined);
    const where = `inside command ${index + 1} of ${commands.length}, ${command.name}`;
    for (const at of [command.start + 1, Math.floor((command.start + command.end) / 2), command.end - 1]) {
      if (at > command.start && at < command.end) add({ kind: 'cut', at, label: `cut at ${at} of ${size} B (${where})` });
    }
  }
  // A cut on a command boundary inside a MULTI: whole commands, but an unfinished transaction.
  const queued = commands.find((command) => command.inMulti);
  if (queued !== undefined) add({ kind: 'cut', at: queued.end, label: `cut at ${queued.end} of ${size} B (after ${queued.name}, inside a MULTI)` });
  // A tail whose sectors were lost (strict-posix leaves zeros), the size kept.
  const last = commands[commands.length - 1];
  assert.ok(last !== undefined);
  const from = Math.floor((last.start + last.end) / 2);
  add({ kind: 'zeros', from, label: `zeros over [${from}, ${size}) of ${size} B (inside the last command, ${last.name})` });
  return damages;
}

async function damaged(image: DiskImage, path: string, damage: Damage): Promise<DiskImage> {
  const disk = CrashFileSystem.fromImage(image, 0);
  const handle = await disk.open(path, 'read-write');
  try {
    if (damage.kind === 'cut') await handle.truncate(damage.at);
    else await handle.write(new Uint8Array((await handle.size()) - damage.from), damage.from);
    await handle.fsync();
  } finally {
    await handle.close();
  }
  return disk.pageCache();
}

function filesOf(image: DiskImage): Map<string, Uint8Array | 'directory'> {
  return new Map(imageEntries(image).map((entry) => [entry.path, entry.kind === 'file' ? entry.bytes : 'directory'] as const));
}

/** How `after` differs from `before` (names and bytes), or '' when it does not. */
function changes(before: DiskImage, after: DiskImage): string {
  const was = filesOf(before);
  const now = filesOf(after);
  const found: string[] = [];
  for (const [path, content] of was) {
    const current = now.get(path);
    if (current === undefined) found.push(`${path} was removed`);
    else if (content === 'directory' || current === 'directory') {
      if (content !== current) found.push(`${path} changed kind`);
    } else if (!Buffer.from(content).equals(Buffer.from(current))) found.push(`${path} changed (${content.length} B → ${current.length} B)`);
  }
  for (const path of now.keys()) if (!was.has(path)) found.push(`${path} was created`);
  return found.join('; ');
}

/** What the start-up on `image` did: 'refused' with the error, or 'loaded'. */
async function startOn(options: DamagedAofCheckOptions, disk: CrashFileSystem, generation: number): Promise<{ kind: 'loaded' } | { kind: 'refused'; error: unknown }> {
  const fileSystem = options.restart?.(disk) ?? disk;
  try {
    const store = await openStore({ fileSystem, directory: options.directory, config: options.config, clock: { nowMs: () => 1_700_000_000_000 }, random: seededRandom(generation), scheduler: new ManualScheduler(), processId: 9500 + generation });
    await store.close({ background: 'cancel' });
    return { kind: 'loaded' };
  } catch (error) {
    return { kind: 'refused', error };
  }
}

function acceptedKinds(config: StoreConfig): readonly string[] {
  return config.aofLoadTruncated ? ['truncated-not-last', 'format'] : ['truncated-not-last', 'format', 'truncated'];
}

/** The incr files of the manifest but the last, as paths; throws when the disk has fewer than two. */
export async function nonLastIncrPaths(image: DiskImage, directory: string, config: StoreConfig): Promise<string[]> {
  const disk = CrashFileSystem.fromImage(image, 0);
  const aofDirectory = `${directory}/${config.appenddirname}`;
  const manifestPath = `${aofDirectory}/${config.appendfilename}.manifest`;
  const manifest = parseAofManifest(await disk.readFile(manifestPath), manifestPath);
  assert.ok(manifest.incrs.length >= 2, `the damaged-AOF check needs a manifest with two or more incr files; ${manifestPath} lists ${manifest.incrs.length}`);
  return manifest.incrs.slice(0, -1).map((entry) => `${aofDirectory}/${entry.fileName}`);
}

export async function checkDamagedAof(options: DamagedAofCheckOptions): Promise<DamagedAofResult> {
  assert.ok(options.config.appendonly, 'the damaged-AOF check starts with appendonly yes');
  const cases: DamagedAofCase[] = [];
  const failures: DamagedAofFailure[] = [];
  const accepted = acceptedKinds(options.config);
  let generation = 0;
  for (const file of await nonLastIncrPaths(options.image, options.directory, options.config)) {
    const bytes = await CrashFileSystem.fromImage(options.image, 0).readFile(file);
    for (const damage of damagesOf(bytes)) {
      generation += 1;
      const subject: DamagedAofCase = { file, damage: damage.label };
      cases.push(subject);
      const before = await damaged(options.image, file, damage);
      const disk = CrashFileSystem.fromImage(before, generation);
      const outcome = await startOn(options, disk, generation);
      const problems: string[] = [];
      if (outcome.kind === 'loaded') problems.push('the store started (the torn non-last file was accepted)');
      else if (!(outcome.error instanceof AofLoadError)) problems.push(`the start-up failed with ${outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error)}, not an AofLoadError`);
      else if (!accepted.includes(outcome.error.kind)) problems.push(`refused with AofLoadError '${outcome.error.kind}' (${outcome.error.message}), expected ${accepted.map((kind) => `'${kind}'`).join(' or ')}`);
      else if (outcome.error.fileName !== file) problems.push(`refused naming ${outcome.error.fileName}, not the damaged ${file}`);
      const changed = changes(before, disk.pageCache());
      if (changed !== '') problems.push(`files changed: ${changed}`);
      if (problems.length > 0) failures.push({ ...subject, problem: problems.join('; ') });
    }
  }
  return { cases, failures };
}

/** One line per failure, for a test's message or a report. */
export function describeDamagedAofFailures(result: DamagedAofResult): string {
  return result.failures.map((failure) => `${failure.file}: ${failure.damage}: ${failure.problem}`).join('\n');
}
