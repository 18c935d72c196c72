/**
 * Goal: under either profile, no power-loss state loses durable data and none shows bytes that
 * were never written. "Durable" = the name's last directory change was followed by
 * fsyncDirectory and the file's last data change by a successful fsync (and no fsync of it ever
 * failed). "Never written" = a byte at offset k that no page-cache state of any file held at k,
 * except zeros in a hole under strict-posix (or anywhere after a failed fsync).
 * Method: fast-check generates 3 to 25 weighted operations (create, write, append, truncate,
 * fsync, failed fsync, rename, unlink, fsyncDirectory) on three names in /d, then usually a
 * settle step (fsync each name, fsyncDirectory) and up to 3 more operations, so both durable and
 * pending data exist; each write fills with its own non-zero byte. A small independent model
 * tracks contents, which names are certain, and which bytes each offset has held. Every
 * enumerated state (max 24, sampled with a fast-check-chosen seed) and 4 random states are
 * checked. The seed is printed (DURAKV_SEED replays). A vacuity check requires a twelfth of the
 * runs (about 18% do) to end with a non-empty durable file, and two negative controls feed the
 * checker corrupted images, so it is known to be able to fail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { type DiskImage, imageEntries, imageFingerprint } from './crash-disk-image.ts';
import { CrashFileSystem } from './crash-file-system.ts';
import { type CrashProfileName, crashProfileNames } from './crash-profiles.ts';
import { imageFile, seededRandom } from './crash-test-support.ts';

const names = ['a', 'b', 'c'] as const;
type Name = (typeof names)[number];

type Operation =
  | { readonly kind: 'create' | 'fsync' | 'failed-fsync' | 'unlink'; readonly name: Name }
  | { readonly kind: 'write'; readonly name: Name; readonly offset: number; readonly length: number }
  | { readonly kind: 'append'; readonly name: Name; readonly length: number }
  | { readonly kind: 'truncate'; readonly name: Name; readonly size: number }
  | { readonly kind: 'rename'; readonly name: Name; readonly target: Name }
  | { readonly kind: 'fsync-directory' };

const nameArbitrary = fc.constantFrom(...names);
const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create'), name: nameArbitrary }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fsync'), name: nameArbitrary }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('failed-fsync', 'unlink'), name: nameArbitrary }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write'), name: nameArbitrary, offset: fc.integer({ min: 0, max: 9000 }), length: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('append'), name: nameArbitrary, length: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate'), name: nameArbitrary, size: fc.integer({ min: 0, max: 9000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename'), name: nameArbitrary, target: nameArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fsync-directory') }) },
);

/** A random prefix, usually a settle step (fsync every name, then the directory), a short tail. */
const settle: readonly Operation[] = [...names.map((name) => ({ kind: 'fsync', name }) as const), { kind: 'fsync-directory' }];
const operationsArbitrary = fc
  .tuple(fc.array(operationArbitrary, { minLength: 3, maxLength: 25 }), fc.boolean(), fc.array(operationArbitrary, { maxLength: 3 }))
  .map(([prefix, settles, tail]) => [...prefix, ...(settles ? settle : []), ...tail])
  .filter((operations) => operations.length > 0);

interface ModelFile {
  content: number[];
  dataDirty: boolean;
  tainted: boolean;
}

/** The independent model: names → files, names with unsynced directory changes, bytes seen. */
class Model {
  readonly bound = new Map<Name, ModelFile>();
  readonly dirtyNames = new Set<Name>();
  /** byte value → offset ranges [start, end) where some page cache held that byte. */
  readonly seen = new Map<number, Array<readonly [number, number]>>();
  anyFsyncFailed = false;

  noteSeen(byte: number, start: number, end: number): void {
    if (start < end) this.seen.set(byte, [...(this.seen.get(byte) ?? []), [start, end]]);
  }

  hasSeen(byte: number, offset: number): boolean {
    return (this.seen.get(byte) ?? []).some(([start, end]) => start <= offset && offset < end);
  }

  setBytes(file: ModelFile, offset: number, length: number, byte: number): void {
    if (offset > file.content.length) this.noteSeen(0, file.content.length, offset);
    while (file.content.length < offset) file.content.push(0);
    for (let k = 0; k < length; k += 1) file.content[offset + k] = byte;
    this.noteSeen(byte, offset, offset + length);
    file.dataDirty = true;
  }
}

async function run(fs: CrashFileSystem, model: Model, operations: readonly Operation[]): Promise<void> {
  let fill = 0;
  for (const operation of operations) {
    if (operation.kind === 'fsync-directory') {
      await fs.fsyncDirectory('/d');
      model.dirtyNames.clear();
      continue;
    }
    const path = `/d/${operation.name}`;
    const file = model.bound.get(operation.name);
    if (operation.kind === 'create') {
      await (await fs.open(path, 'create')).close();
      if (file === undefined) model.bound.set(operation.name, { content: [], dataDirty: false, tainted: false });
      if (file === undefined) model.dirtyNames.add(operation.name);
      continue;
    }
    if (file === undefined) continue;
    if (operation.kind === 'unlink') {
      await fs.unlink(path);
      model.bound.delete(operation.name);
      model.dirtyNames.add(operation.name);
      continue;
    }
    if (operation.kind === 'rename') {
      if (operation.target === operation.name) continue;
      await fs.rename(path, `/d/${operation.target}`);
      model.bound.delete(operation.name);
      model.bound.set(operation.target, file);
      model.dirtyNames.add(operation.name).add(operation.target);
      continue;
    }
    const handle = await fs.open(path, 'read-write');
    fill += 1;
    const byte = 1 + (fill % 255);
    if (operation.kind === 'write') await handle.write(new Uint8Array(operation.length).fill(byte), operation.offset);
    if (operation.kind === 'write') model.setBytes(file, operation.offset, operation.length, byte);
    if (operation.kind === 'append') await handle.append(new Uint8Array(operation.length).fill(byte));
    if (operation.kind === 'append') model.setBytes(file, file.content.length, operation.length, byte);
    if (operation.kind === 'truncate') {
      await handle.truncate(operation.size);
      model.noteSeen(0, file.content.length, operation.size);
      file.content = Array.from({ length: operation.size }, (_, k) => file.content[k] ?? 0);
      file.dataDirty = true;
    }
    if (operation.kind === 'fsync') await handle.fsync();
    if (operation.kind === 'fsync' && !file.tainted) file.dataDirty = false;
    if (operation.kind === 'failed-fsync') {
      fs.injectFault({ when: { operation: fs.operationLog.nextSequence }, fault: { kind: 'fsync-failure' }, times: 'once' });
      await handle.fsync().catch(() => undefined);
      file.tainted = true;
      model.anyFsyncFailed = true;
    }
    await handle.close();
  }
}

/** What is wrong with a post-crash image, judged by the model; empty when nothing is. */
function violations(model: Model, profile: CrashProfileName, image: DiskImage): string[] {
  const problems: string[] = [];
  for (const name of names) {
    if (model.dirtyNames.has(name)) continue;
    const file = model.bound.get(name);
    const found = imageFile(image, `/d/${name}`);
    if (file === undefined && found !== undefined) problems.push(`/d/${name} was durably absent but exists`);
    if (file === undefined || file.dataDirty || file.tainted) continue;
    if (found === undefined) problems.push(`/d/${name} was durable but is missing`);
    else if (found.length !== file.content.length || found.some((byte, k) => byte !== file.content[k])) problems.push(`/d/${name} durable contents differ`);
  }
  const zerosAllowed = profile === 'strict-posix' || model.anyFsyncFailed;
  for (const entry of imageEntries(image)) {
    if (entry.kind !== 'file') continue;
    const offset = entry.bytes.findIndex((byte, k) => !(byte === 0 && zerosAllowed) && !model.hasSeen(byte, k));
    if (offset >= 0) problems.push(`${entry.path}[${offset}] = ${entry.bytes[offset]} was never written there`);
  }
  return problems;
}

async function setUp(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/d', { recursive: false });
  await fs.fsyncDirectory('/');
  return fs;
}

describe('power loss property', () => {
  it.each(crashProfileNames)('never loses durable data nor shows bytes never written, over random operation sequences (profile=%s)', async (profile) => {
    const parameters = propertyParameters(`crash-power-loss ${profile}`, 300);
    let runsWithDurableData = 0;
    await fc.assert(
      fc.asyncProperty(operationsArbitrary, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (operations, seed) => {
        const fs = await setUp();
        const model = new Model();
        await run(fs, model, operations);
        const random = seededRandom(seed);
        if ([...model.bound.entries()].some(([name, file]) => !model.dirtyNames.has(name) && !file.dataDirty && !file.tainted && file.content.length > 0)) runsWithDurableData += 1;
        const result = fs.powerLossStates(profile, { max: 24, random });
        const states = [...result.states, ...Array.from({ length: 4 }, () => fs.randomPowerLossState(profile, random))];
        for (const state of states) expect(violations(model, profile, state.image), `${state.description}\n${fs.operationLog.format()}`).toEqual([]);
        // "everything" (merged into "durable only" when nothing is pending) is the page cache.
        const pageCache = imageFingerprint(fs.pageCache());
        if (!model.anyFsyncFailed) expect(result.states.slice(0, 2).map((state) => state.fingerprint)).toContain(pageCache);
      }),
      parameters,
    );
    expect(runsWithDurableData, 'runs that end with a non-empty durable file').toBeGreaterThan(parameters.numRuns / 12);
  });

  it('reports a missing durable file and a never-written byte (negative controls for the checker)', async () => {
    const fs = await setUp();
    const model = new Model();
    await run(fs, model, [{ kind: 'create', name: 'a' }, { kind: 'append', name: 'a', length: 10 }, { kind: 'fsync', name: 'a' }, { kind: 'fsync-directory' }]);
    expect(violations(model, 'ext4-ordered', fs.pageCache())).toEqual([]);
    const withoutFile = fs.pageCache();
    const directory = [...withoutFile.nodes.values()].find((node) => node.kind === 'directory' && node.entries.has('a'));
    if (directory?.kind === 'directory') directory.entries.delete('a');
    expect(violations(model, 'strict-posix', withoutFile)).toEqual(['/d/a was durable but is missing']);
    const corrupted = fs.pageCache();
    const file = [...corrupted.nodes.values()].find((node) => node.kind === 'file');
    if (file?.kind === 'file') file.data[3] = 0xee;
    expect(violations(model, 'strict-posix', corrupted)).toEqual(['/d/a durable contents differ', '/d/a[3] = 238 was never written there']);
  });
});
