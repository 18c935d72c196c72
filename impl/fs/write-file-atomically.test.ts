/**
 * Goal: writeFileAtomically never leaves a torn or missing target: at every crash point and in
 * every power-loss state of both profiles the target is the old content or the new one (nothing
 * or the new one when it did not exist), and it is the new one, durably, once the call resolves.
 * Failures before the rename remove the temp file and leave the target alone.
 * Method: crash before each operation N of the protocol (a crash sweep), then inspect the process
 * crash page cache and up to 200 power-loss states per profile. Old and new contents span
 * several sectors and 4 KiB blocks so tearing would show. A deliberately broken protocol (no
 * fsync before the rename) runs through the same checker and must be caught.
 */
import { describe, expect, it } from 'vitest';
import { CrashFileSystem } from './crash-file-system.ts';
import { crashProfileNames } from './crash-profiles.ts';
import { imageText, seededRandom, writeDurably } from './crash-test-support.ts';
import type { FileSystem } from './file-system.ts';
import { isFsError } from './fs-error.ts';
import { isSimulatedCrash } from './simulated-crash.ts';
import { type AtomicWrite, writeFileAtomically } from './write-file-atomically.ts';

const oldContent = 'old:'.repeat(1500);
const newContent = 'NEW!'.repeat(2600);
const save: AtomicWrite = { path: '/d/dump.rdb', tempPath: '/d/temp-1.rdb', data: new TextEncoder().encode(newContent) };

async function machine(targetExists: boolean): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/d', { recursive: false });
  await fs.fsyncDirectory('/');
  if (targetExists) await writeDurably(fs, '/d', save.path, oldContent);
  return fs;
}

/** Every target content a crash of `fs` may leave: process crash, then power-loss states per profile. */
function targetOutcomes(fs: CrashFileSystem, seed: number): Set<string | null> {
  const outcomes = new Set<string | null>([imageText(fs.pageCache(), save.path)]);
  for (const profile of crashProfileNames) {
    for (const state of fs.powerLossStates(profile, { max: 200, random: seededRandom(seed) }).states) outcomes.add(imageText(state.image, save.path));
  }
  return outcomes;
}

const label = (value: string | null): string => (value === oldContent ? 'old' : value === newContent ? 'new' : value === null ? 'missing' : `other(${value.length} B)`);

async function sweep(targetExists: boolean, protocol: (fs: FileSystem) => Promise<void>): Promise<{ points: number; outcomes: Set<string> }> {
  const reference = await machine(targetExists);
  const firstProtocolOperation = reference.operationLog.nextSequence;
  await protocol(reference);
  const lastOperation = reference.operationLog.entries.length;
  const outcomes = new Set<string>();
  for (let crashAt = firstProtocolOperation; crashAt <= lastOperation + 1; crashAt += 1) {
    const fs = await machine(targetExists);
    fs.armCrash({ operation: crashAt });
    const error = await protocol(fs).then(() => undefined, (rejection: unknown) => rejection);
    expect(error === undefined || isSimulatedCrash(error), `only the simulated crash stops it (crash before #${crashAt})`).toBe(true);
    for (const outcome of targetOutcomes(fs, crashAt)) outcomes.add(label(outcome));
  }
  return { points: lastOperation + 2 - firstProtocolOperation, outcomes };
}

describe('writeFileAtomically', () => {
  it('leaves the old or the new target at every crash point and power-loss state (target existed; both profiles)', async () => {
    const { points, outcomes } = await sweep(true, (fs) => writeFileAtomically(fs, save));
    // open, write, fsync, close, rename, fsyncDirectory: six crash points, plus the run that completes.
    expect(points).toBe(7);
    expect([...outcomes].sort()).toEqual(['new', 'old']);
  });

  it('leaves no target or the new one at every crash point and power-loss state (no target before; both profiles)', async () => {
    const { outcomes } = await sweep(false, (fs) => writeFileAtomically(fs, save));
    expect([...outcomes].sort()).toEqual(['missing', 'new']);
  });

  it('catches a broken protocol that renames before fsyncing the temp (negative control)', async () => {
    const broken = async (fs: FileSystem): Promise<void> => {
      const handle = await fs.open(save.tempPath, 'create-truncate');
      await handle.write(save.data, 0);
      await handle.close();
      await fs.rename(save.tempPath, save.path);
      await fs.fsyncDirectory('/d');
    };
    const { outcomes } = await sweep(true, broken);
    expect([...outcomes].some((outcome) => outcome !== 'old' && outcome !== 'new')).toBe(true);
  });

  it('makes the new content durable once it resolves: every power-loss state shows it (both profiles)', async () => {
    const fs = await machine(true);
    await writeFileAtomically(fs, save);
    expect([...targetOutcomes(fs, 1)].map(label)).toEqual(['new']);
    expect(await fs.exists(save.tempPath)).toBe(false);
  });

  it.each([
    ['ENOSPC on the temp write', 'write', { kind: 'error', code: 'ENOSPC' }, 'ENOSPC'],
    ['a short write of the temp', 'write', { kind: 'short-write', bytesWritten: 100, code: 'ENOSPC' }, 'ENOSPC'],
    ['an fsync failure of the temp', 'fsync', { kind: 'fsync-failure' }, 'EIO'],
    ['EIO on the rename', 'rename', { kind: 'error', code: 'EIO' }, 'EIO'],
  ] as const)('on %s: rejects with the error, removes the temp, keeps the old target durable', async (_name, operation, fault, code) => {
    const fs = await machine(true);
    fs.injectFault({ when: { matches: (request) => request.operation === operation }, fault, times: 'once' });
    const error = await writeFileAtomically(fs, save).then(() => undefined, (rejection: unknown) => rejection);
    expect(isFsError(error, code)).toBe(true);
    expect(await fs.exists(save.tempPath)).toBe(false);
    expect([...targetOutcomes(fs, 2)].map(label)).toEqual(['old']);
    // The temp's handle was closed on the way out: every open of it has its close.
    const tempCalls = fs.operationLog.entries.filter((entry) => entry.path === save.tempPath).map((entry) => entry.operation);
    expect(tempCalls.filter((call) => call === 'close').length).toBe(tempCalls.filter((call) => call === 'open').length);
  });

  it('refuses a temp file outside the target directory, or the target itself, before touching the disk', async () => {
    const fs = await machine(true);
    const before = fs.operationLog.entries.length;
    await expect(writeFileAtomically(fs, { ...save, tempPath: '/elsewhere/temp-1.rdb' })).rejects.toThrow('the temp file lives in the target directory');
    await expect(writeFileAtomically(fs, { ...save, tempPath: save.path })).rejects.toThrow('the temp file is not the target');
    expect(fs.operationLog.entries.length).toBe(before);
  });

  it('rethrows a failed directory fsync after the rename: the new target is visible, durability unknown (profile=strict-posix)', async () => {
    const fs = await machine(true);
    fs.injectFault({ when: { matches: (request) => request.operation === 'fsyncDirectory' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    const error = await writeFileAtomically(fs, save).then(() => undefined, (rejection: unknown) => rejection);
    expect(isFsError(error, 'EIO')).toBe(true);
    expect(imageText(fs.pageCache(), save.path)).toBe(newContent);
    const states = fs.powerLossStates('strict-posix', { max: 50, random: seededRandom(3) }).states;
    expect([...new Set(states.map((state) => label(imageText(state.image, save.path))))].sort()).toEqual(['new', 'old']);
  });
});
