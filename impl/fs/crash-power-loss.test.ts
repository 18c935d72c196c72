/**
 * Goal: each persistence-profile rule of the crash FS is visible in the power-loss states it
 * produces: what must survive, what may be lost, and what may be torn, per profile.
 * Method: small workloads on a fresh CrashFileSystem, then the full (unsampled) set of candidate
 * power-loss states per profile; each test asserts both an allowed outcome that must appear and
 * a forbidden one that must not.
 */
import { describe, expect, it } from 'vitest';
import { CrashFileSystem } from './crash-file-system.ts';
import { type CrashProfileName, crashProfileNames } from './crash-profiles.ts';
import { bytes, imageFile, imageText, seededRandom, writeDurably } from './crash-test-support.ts';

async function machineWithDirectory(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/d', { recursive: false });
  await fs.fsyncDirectory('/');
  return fs;
}

function outcomes(fs: CrashFileSystem, profile: CrashProfileName, path: string): (string | null)[] {
  const result = fs.powerLossStates(profile, { max: 500, random: seededRandom(1) });
  expect(result.sampled).toBe(false);
  return [...new Set(result.states.map((state) => imageText(state.image, path)))].sort();
}

describe('power loss under each profile', () => {
  it.each(crashProfileNames)('loses an unsynced append on power loss, never the fsynced prefix (profile=%s)', async (profile) => {
    const fs = await machineWithDirectory();
    const aof = await fs.open('/d/aof', 'append');
    await aof.append(bytes('SET a 1;'));
    await aof.fdatasync();
    await fs.fsyncDirectory('/d');
    await aof.append(bytes('SET b 2;'));
    expect(outcomes(fs, profile, '/d/aof')).toEqual(['SET a 1;', 'SET a 1;SET b 2;']);
  });

  it('may lose a rename that no directory fsync followed, and keeps it after fsyncDirectory (profile=strict-posix)', async () => {
    const fs = await machineWithDirectory();
    await writeDurably(fs, '/d', '/d/dump.rdb', 'old');
    const temp = await fs.open('/d/temp.rdb', 'create-truncate');
    await temp.write(bytes('new'), 0);
    await temp.fsync();
    await temp.close();
    await fs.rename('/d/temp.rdb', '/d/dump.rdb');
    expect(outcomes(fs, 'strict-posix', '/d/dump.rdb')).toEqual(['new', 'old']);
    await fs.fsyncDirectory('/d');
    expect(outcomes(fs, 'strict-posix', '/d/dump.rdb')).toEqual(['new']);
    expect(outcomes(fs, 'strict-posix', '/d/temp.rdb')).toEqual([null]);
  });

  it('commits a pending rename with any later fsync, but strict-posix does not (profile=ext4-ordered vs strict-posix)', async () => {
    const fs = await machineWithDirectory();
    await writeDurably(fs, '/d', '/d/a', 'A');
    await fs.rename('/d/a', '/d/b');
    const other = await fs.open('/d/other', 'create');
    await other.fsync();
    expect(outcomes(fs, 'ext4-ordered', '/d/b')).toEqual(['A']);
    expect(outcomes(fs, 'strict-posix', '/d/b')).toEqual([null, 'A'].sort());
  });

  it('makes file data durable on fsync but not its new directory entry (profile=strict-posix)', async () => {
    const fs = await machineWithDirectory();
    const handle = await fs.open('/d/f', 'create-exclusive');
    await handle.write(bytes('data'), 0);
    await handle.fsync();
    expect(outcomes(fs, 'strict-posix', '/d/f')).toEqual([null, 'data'].sort());
    expect(outcomes(fs, 'ext4-ordered', '/d/f')).toEqual(['data']);
  });

  it('keeps pending directory operations in log order under ext4-ordered, in any subset under strict-posix', async () => {
    const fs = await machineWithDirectory();
    await (await fs.open('/d/first', 'create')).close();
    await (await fs.open('/d/second', 'create')).close();
    const secondWithoutFirst = (profile: CrashProfileName): boolean =>
      fs.powerLossStates(profile, { max: 500, random: seededRandom(2) }).states.some((state) => imageFile(state.image, '/d/second') !== undefined && imageFile(state.image, '/d/first') === undefined);
    expect(secondWithoutFirst('strict-posix')).toBe(true);
    expect(secondWithoutFirst('ext4-ordered')).toBe(false);
  });

  it('tears an unsynced write with a hole only under strict-posix; ext4-ordered keeps 4 KiB-aligned prefixes', async () => {
    const fs = await machineWithDirectory();
    await writeDurably(fs, '/d', '/d/f', '');
    const handle = await fs.open('/d/f', 'read-write');
    const written = new Uint8Array(8192 + 100).fill(7);
    await handle.write(written, 0);
    const contents = (profile: CrashProfileName): Uint8Array[] =>
      fs.powerLossStates(profile, { max: 500, random: seededRandom(3) }).states.map((state) => imageFile(state.image, '/d/f') ?? new Uint8Array(0));
    const hasHole = (data: Uint8Array): boolean => data.length > 0 && data[0] === 0 && data.includes(7);
    expect(contents('strict-posix').some(hasHole)).toBe(true);
    expect(contents('strict-posix').some((data) => data.length === 512)).toBe(true);
    const ext4 = contents('ext4-ordered');
    expect(ext4.some(hasHole)).toBe(false);
    expect(ext4.every((data) => data.every((byte) => byte === 7))).toBe(true);
    expect(ext4.map((data) => data.length).sort((a, b) => a - b)).toEqual([0, 4096, 8192, 8292]);
  });

  it.each(crashProfileNames)('keeps a rename atomic: the target is the old or the new file, never missing (profile=%s)', async (profile) => {
    const fs = await machineWithDirectory();
    await writeDurably(fs, '/d', '/d/target', 'old');
    await writeDurably(fs, '/d', '/d/temp', 'new');
    await fs.rename('/d/temp', '/d/target');
    await (await fs.open('/d/unrelated', 'create')).close();
    expect(outcomes(fs, profile, '/d/target')).toEqual(['new', 'old']);
  });

  it.each(crashProfileNames)('keeps everything after fsync + fsyncDirectory: one power-loss state only (profile=%s)', async (profile) => {
    const fs = await machineWithDirectory();
    await writeDurably(fs, '/d', '/d/f', 'durable');
    const result = fs.powerLossStates(profile, { max: 10, random: seededRandom(4) });
    expect(result.states).toHaveLength(1);
    expect(imageText(result.states[0]?.image ?? fs.pageCache(), '/d/f')).toBe('durable');
  });
});
