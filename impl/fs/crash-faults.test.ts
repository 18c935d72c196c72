/**
 * Goal: each injected fault does exactly what the fault model says: ENOSPC/EIO leave no trace,
 * a short write leaves its prefix and rejects with the count, an fsync failure loses the
 * unsynced pages for good (fsyncgate) while reads still see them.
 * Method: one operation per test is hit by a rule (by number or by predicate); the page cache,
 * the operation log and the power-loss states under both profiles are inspected afterwards.
 */
import { describe, expect, it } from 'vitest';
import { CrashFileSystem } from './crash-file-system.ts';
import { crashProfileNames } from './crash-profiles.ts';
import { bytes, imageFile, imageText, seededRandom, text, writeDurably } from './crash-test-support.ts';
import { FsError, isFsError } from './fs-error.ts';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

async function durableLog(): Promise<{ fs: CrashFileSystem; aof: Awaited<ReturnType<CrashFileSystem['open']>> }> {
  const fs = CrashFileSystem.create();
  await writeDurably(fs, '/', '/aof', '');
  const aof = await fs.open('/aof', 'append');
  return { fs, aof };
}

describe('fault injection', () => {
  it('fails an append with ENOSPC and leaves nothing behind (fault by operation number)', async () => {
    const { fs, aof } = await durableLog();
    fs.injectFault({ when: { operation: fs.operationLog.nextSequence }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    const error = await rejection(aof.append(bytes('lost')));
    expect(isFsError(error, 'ENOSPC')).toBe(true);
    expect(await aof.size()).toBe(0);
    const entry = fs.operationLog.entries.at(-2);
    expect([entry?.outcome, entry?.errorCode, entry?.fault]).toEqual(['failed', 'ENOSPC', 'ENOSPC']);
    await aof.append(bytes('kept'));
    expect(text(await fs.readFile('/aof'))).toBe('kept');
  });

  it('keeps failing while an "always" rule matches (EIO on every readFile of /aof)', async () => {
    const { fs } = await durableLog();
    fs.injectFault({ when: { matches: (request) => request.operation === 'readFile' && request.path === '/aof' }, fault: { kind: 'error', code: 'EIO' }, times: 'always' });
    for (let attempt = 0; attempt < 3; attempt += 1) expect(isFsError(await rejection(fs.readFile('/aof')), 'EIO')).toBe(true);
    expect(await fs.exists('/aof')).toBe(true);
  });

  it('writes the prefix of a short write and rejects with bytesWritten; truncate undoes it', async () => {
    const { fs, aof } = await durableLog();
    await aof.append(bytes('SET a 1;'));
    fs.injectFault({ when: { matches: (request) => request.operation === 'append' }, fault: { kind: 'short-write', bytesWritten: 3, code: 'ENOSPC' }, times: 'once' });
    const error = await rejection(aof.append(bytes('SET b 2;')));
    expect(error).toBeInstanceOf(FsError);
    expect([(error as FsError).code, (error as FsError).bytesWritten]).toEqual(['ENOSPC', 3]);
    expect(text(await fs.readFile('/aof'))).toBe('SET a 1;SET');
    await aof.truncate(8);
    expect(text(await fs.readFile('/aof'))).toBe('SET a 1;');
  });

  it.each(crashProfileNames)('loses the unsynced pages of a failed fsync for good, while reads still return them (profile=%s)', async (profile) => {
    const { fs, aof } = await durableLog();
    await aof.append(bytes('A'));
    await aof.fsync();
    await aof.append(bytes('B'));
    fs.injectFault({ when: { matches: (request) => request.operation === 'fsync' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    expect(isFsError(await rejection(aof.fsync()), 'EIO')).toBe(true);
    expect(text(await fs.readFile('/aof'))).toBe('AB');
    await aof.fsync();
    const afterRetry = fs.powerLossStates(profile, { max: 50, random: seededRandom(8) }).states;
    expect(afterRetry.map((state) => imageText(state.image, '/aof'))).toEqual(['A']);
    expect(afterRetry[0]?.description).toContain('lost to a failed fsync');
    await aof.append(bytes('C'));
    await aof.fsync();
    const withHole = fs.powerLossStates(profile, { max: 50, random: seededRandom(9) }).states;
    expect(withHole.map((state) => [...(imageFile(state.image, '/aof') ?? [])])).toEqual([[65, 0, 67]]);
  });

  it('treats an injected error on fdatasync as a writeback failure (ENOSPC, pages lost)', async () => {
    const { fs, aof } = await durableLog();
    await aof.append(bytes('X'));
    fs.injectFault({ when: { operation: fs.operationLog.nextSequence }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
    expect(isFsError(await rejection(aof.fdatasync()), 'ENOSPC')).toBe(true);
    await aof.fdatasync();
    const states = fs.powerLossStates('ext4-ordered', { max: 10, random: seededRandom(10) }).states;
    expect(states.map((state) => imageText(state.image, '/aof'))).toEqual(['']);
  });

  it('persists nothing when fsyncDirectory fails: the rename stays losable (profile=strict-posix)', async () => {
    const fs = CrashFileSystem.create();
    await writeDurably(fs, '/', '/temp', 'new');
    await fs.rename('/temp', '/target');
    fs.injectFault({ when: { matches: (request) => request.operation === 'fsyncDirectory' }, fault: { kind: 'fsync-failure' }, times: 'once' });
    expect(isFsError(await rejection(fs.fsyncDirectory('/')), 'EIO')).toBe(true);
    const targets = fs.powerLossStates('strict-posix', { max: 10, random: seededRandom(11) }).states.map((state) => imageText(state.image, '/target'));
    expect(targets.sort()).toEqual(['new', null].sort());
    await fs.fsyncDirectory('/');
    expect(fs.powerLossStates('strict-posix', { max: 10, random: seededRandom(12) }).states.map((state) => imageText(state.image, '/target'))).toEqual(['new']);
  });

  it('refuses a fault that cannot hit the operation (a short write on a readFile is a test bug)', async () => {
    const fs = CrashFileSystem.create();
    await writeDurably(fs, '/', '/f', 'x');
    fs.injectFault({ when: { matches: () => true }, fault: { kind: 'short-write', bytesWritten: 1, code: 'EIO' }, times: 'once' });
    const error = await rejection(fs.readFile('/f'));
    expect(error).toBeInstanceOf(Error);
    expect(isFsError(error)).toBe(false);
    expect(String(error)).toContain('short-write fault cannot hit readFile');
  });
});
