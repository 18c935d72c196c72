/**
 * Goal: the streaming form of the atomic-replace protocol keeps every promise of
 * writeFileAtomically when the file arrives as several chunks from an async source: at every
 * crash point and power-loss state (both profiles) the target is old or new (missing or new when
 * it did not exist), never a prefix of the stream; a source that throws part-way, or a failing
 * write of a later chunk, removes the temp file and leaves the old target durable.
 * Method: a crash sweep over a three-chunk async stream (chunks span sectors and 4 KiB blocks),
 * with the process-crash page cache and up to 200 power-loss states per profile inspected after
 * each crash point; fault and cancellation runs check the temp file and the durable target.
 */
import { describe, expect, it } from 'vitest';
import { CrashFileSystem } from './crash-file-system.ts';
import { crashProfileNames } from './crash-profiles.ts';
import { bytes, imageText, seededRandom, writeDurably } from './crash-test-support.ts';
import { isFsError } from './fs-error.ts';
import { isSimulatedCrash } from './simulated-crash.ts';
import { type AtomicStreamWrite, writeFileAtomicallyFrom } from './write-file-atomically.ts';

const oldContent = 'old:'.repeat(1500);
const pieces = ['A'.repeat(5000), 'B'.repeat(3000), 'C'.repeat(4500)];
const newContent = pieces.join('');
const path = '/d/dump.rdb';
const tempPath = '/d/temp-7.rdb';

async function* stream(parts: readonly string[], failAfter = Infinity): AsyncGenerator<Uint8Array> {
  for (const [index, part] of parts.entries()) {
    if (index >= failAfter) throw new Error('source cancelled');
    await Promise.resolve();
    yield bytes(part);
  }
}

const write = (failAfter = Infinity): AtomicStreamWrite => ({ path, tempPath, chunks: stream(pieces, failAfter) });

async function machine(targetExists: boolean): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/d', { recursive: false });
  await fs.fsyncDirectory('/');
  if (targetExists) await writeDurably(fs, '/d', path, oldContent);
  return fs;
}

const label = (value: string | null): string => (value === oldContent ? 'old' : value === newContent ? 'new' : value === null ? 'missing' : `other(${value.length} B)`);

function outcomes(fs: CrashFileSystem, seed: number): Set<string> {
  const seen = new Set<string>([label(imageText(fs.pageCache(), path))]);
  for (const profile of crashProfileNames) {
    for (const state of fs.powerLossStates(profile, { max: 200, random: seededRandom(seed) }).states) seen.add(label(imageText(state.image, path)));
  }
  return seen;
}

async function sweep(targetExists: boolean): Promise<{ points: number; seen: Set<string> }> {
  const reference = await machine(targetExists);
  const first = reference.operationLog.nextSequence;
  await writeFileAtomicallyFrom(reference, write());
  const last = reference.operationLog.entries.length;
  const seen = new Set<string>();
  for (let crashAt = first; crashAt <= last + 1; crashAt += 1) {
    const fs = await machine(targetExists);
    fs.armCrash({ operation: crashAt });
    const error = await writeFileAtomicallyFrom(fs, write()).then(() => undefined, (rejection: unknown) => rejection);
    expect(error === undefined || isSimulatedCrash(error), `only the simulated crash stops it (crash before #${crashAt})`).toBe(true);
    for (const outcome of outcomes(fs, crashAt)) seen.add(outcome);
  }
  return { points: last + 2 - first, seen };
}

describe('writeFileAtomicallyFrom', () => {
  it('writes one chunk per write call and reports the bytes (chunks=3)', async () => {
    const fs = await machine(false);
    const report = await writeFileAtomicallyFrom(fs, write());
    expect(report).toEqual({ bytesWritten: newContent.length, writeCount: 3 });
    expect(fs.operationLog.entries.filter((entry) => entry.operation === 'write')).toHaveLength(3);
    expect(imageText(fs.pageCache(), path)).toBe(newContent);
    expect(await fs.exists(tempPath)).toBe(false);
  });

  it('leaves the old or the new target at every crash point and power-loss state (target existed; chunks=3; both profiles)', async () => {
    const { points, seen } = await sweep(true);
    // open, 3 writes, fsync, close, rename, fsyncDirectory, plus the run that completes.
    expect(points).toBe(9);
    expect([...seen].sort()).toEqual(['new', 'old']);
  });

  it('leaves no target or the new one at every crash point and power-loss state (no target before; chunks=3; both profiles)', async () => {
    const { seen } = await sweep(false);
    expect([...seen].sort()).toEqual(['missing', 'new']);
  });

  it('removes the temp and keeps the old target durable when the chunk source throws part-way (after 2 of 3 chunks)', async () => {
    const fs = await machine(true);
    const error = await writeFileAtomicallyFrom(fs, write(2)).then(() => undefined, (rejection: unknown) => rejection);
    expect((error as Error).message).toBe('source cancelled');
    expect(await fs.exists(tempPath)).toBe(false);
    expect(fs.operationLog.entries.some((entry) => entry.operation === 'rename')).toBe(false);
    expect([...outcomes(fs, 4)]).toEqual(['old']);
  });

  it.each([
    ['ENOSPC on the second chunk', 'write', { kind: 'error', code: 'ENOSPC' }, 'ENOSPC', 2],
    ['a short write of the third chunk', 'write', { kind: 'short-write', bytesWritten: 10, code: 'EIO' }, 'EIO', 3],
    ['an fsync failure of the temp', 'fsync', { kind: 'fsync-failure' }, 'EIO', 1],
    ['EIO on the rename', 'rename', { kind: 'error', code: 'EIO' }, 'EIO', 1],
  ] as const)('on %s: rejects with the error, removes the temp, keeps the old target durable', async (_name, operation, fault, code, nth) => {
    const fs = await machine(true);
    let seen = 0;
    fs.injectFault({ when: { matches: (request) => request.operation === operation && ++seen === nth }, fault, times: 'once' });
    const error = await writeFileAtomicallyFrom(fs, write()).then(() => undefined, (rejection: unknown) => rejection);
    expect(isFsError(error, code)).toBe(true);
    expect(await fs.exists(tempPath)).toBe(false);
    expect([...outcomes(fs, 5)]).toEqual(['old']);
  });
});
