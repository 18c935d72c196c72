/**
 * Goal: crash points are exact coordinates. Crashing before operation N stops N and everything
 * after; a process crash keeps the page cache (and its unsynced state); the operation log names
 * every call with a readable description.
 * Method: one fixed workload, run once without a crash to record the page cache after each
 * operation, then once per crash point N; the post-crash page cache must equal the reference
 * after N-1 operations.
 */
import { describe, expect, it } from 'vitest';
import { imageFingerprint } from './crash-disk-image.ts';
import { CrashFileSystem } from './crash-file-system.ts';
import { bytes, imageText, seededRandom } from './crash-test-support.ts';
import type { FileSystem } from './file-system.ts';
import { formatOperation } from './fs-operation-log.ts';
import { isSimulatedCrash } from './simulated-crash.ts';

/** A Redis-like workload: AOF appends with fdatasync, then an RDB temp+rename save. */
async function workload(fs: FileSystem, afterEachOperation: () => void): Promise<void> {
  const step = async <T>(promise: Promise<T>): Promise<T> => {
    const value = await promise;
    afterEachOperation();
    return value;
  };
  await step(fs.mkdir('/d', { recursive: false }));
  await step(fs.fsyncDirectory('/'));
  const aof = await step(fs.open('/d/aof', 'append'));
  await step(aof.append(bytes('SET a 1;')));
  await step(aof.fdatasync());
  await step(aof.append(bytes('SET b 2;')));
  const temp = await step(fs.open('/d/temp.rdb', 'create-truncate'));
  await step(temp.write(bytes('RDB{a,b}'), 0));
  await step(temp.fsync());
  await step(temp.close());
  await step(fs.rename('/d/temp.rdb', '/d/dump.rdb'));
  await step(fs.fsyncDirectory('/d'));
}

describe('crash injection', () => {
  it('stops operation N and every later one, leaving the page cache as after N-1 operations (every N)', async () => {
    const reference = CrashFileSystem.create();
    const afterOperation = [imageFingerprint(reference.pageCache())];
    await workload(reference, () => afterOperation.push(imageFingerprint(reference.pageCache())));
    const operationCount = reference.operationLog.entries.length;
    expect(operationCount).toBe(12);
    for (let crashAt = 1; crashAt <= operationCount; crashAt += 1) {
      const fs = CrashFileSystem.create();
      fs.armCrash({ operation: crashAt });
      const error = await workload(fs, () => undefined).then(() => undefined, (rejection: unknown) => rejection);
      expect(isSimulatedCrash(error), `crash before #${crashAt}`).toBe(true);
      expect(fs.operationLog.entries.map((entry) => entry.outcome)).toEqual([...Array(crashAt - 1).fill('ok'), 'crashed']);
      await expect(fs.stat('/')).rejects.toSatisfy(isSimulatedCrash);
      expect(fs.operationLog.entries.at(-1)?.outcome).toBe('crashed');
      const restarted = fs.crash('process');
      expect(imageFingerprint(restarted.pageCache()), `page cache after crash before #${crashAt}`).toBe(afterOperation[crashAt - 1]);
    }
  });

  it('crashes at the first call matching a predicate (crash before the rename)', async () => {
    const fs = CrashFileSystem.create();
    fs.armCrash({ matches: (request) => request.operation === 'rename' });
    await expect(workload(fs, () => undefined)).rejects.toSatisfy(isSimulatedCrash);
    const crashed = fs.operationLog.entries.at(-1);
    expect([crashed?.operation, crashed?.outcome]).toEqual(['rename', 'crashed']);
    expect(await fs.crash('process').exists('/d/dump.rdb')).toBe(false);
  });

  it('keeps all written data on a process crash, synced or not, and rejects calls on the old instance', async () => {
    const fs = CrashFileSystem.create();
    const handle = await fs.open('/unsynced', 'create');
    await handle.write(bytes('page cache only'), 0);
    const restarted = fs.crash('process');
    expect(restarted.generation).toBe(1);
    expect(new TextDecoder().decode(await restarted.readFile('/unsynced'))).toBe('page cache only');
    await expect(handle.read(0, 4)).rejects.toSatisfy(isSimulatedCrash);
    await expect(fs.readFile('/unsynced')).rejects.toSatisfy(isSimulatedCrash);
  });

  it('still loses, on a power loss after a process crash, what the previous process never synced (profile=strict-posix)', async () => {
    const fs = CrashFileSystem.create();
    const handle = await fs.open('/f', 'create');
    await handle.write(bytes('unsynced'), 0);
    const restarted = fs.crash('process');
    const states = restarted.powerLossStates('strict-posix', { max: 50, random: seededRandom(5) }).states;
    expect(states.map((state) => imageText(state.image, '/f'))).toContain(null);
    expect(states.map((state) => state.description).join('\n')).toContain('#2 write /f');
  });

  it('numbers every call and describes it: operation, path, range, bytes summary, outcome', async () => {
    const fs = CrashFileSystem.create();
    await workload(fs, () => undefined);
    const lines = fs.operationLog.entries.map(formatOperation);
    expect(lines[0]).toBe('#1 mkdir /d → ok');
    expect(lines[3]).toBe('#4 append /d/aof 8 B "SET a 1;" at [0,8) → ok');
    expect(lines[7]).toBe('#8 write /d/temp.rdb [0,8) 8 B "RDB{a,b}" → ok');
    expect(lines[10]).toBe('#11 rename /d/temp.rdb -> /d/dump.rdb → ok');
    expect(fs.operationLog.entries.map((entry) => entry.effect)).toEqual(['change', 'persist', 'change', 'change', 'persist', 'change', 'change', 'change', 'persist', 'none', 'change', 'persist']);
    expect(fs.operationLog.format().split('\n')).toEqual(lines);
  });

  it('builds a durable file system from a power-loss state that keeps running and numbering from 1', async () => {
    const fs = CrashFileSystem.create();
    await workload(fs, () => undefined);
    const state = fs.randomPowerLossState('strict-posix', seededRandom(6));
    const next = fs.crash('power', { state });
    expect(next.generation).toBe(1);
    expect(new TextDecoder().decode(await next.readFile('/d/dump.rdb'))).toBe('RDB{a,b}');
    const aof = await next.open('/d/aof', 'append');
    await aof.append(bytes('SET c 3;'));
    expect(next.operationLog.entries[0]?.sequence).toBe(1);
    const again = next.powerLossStates('strict-posix', { max: 50, random: seededRandom(7) }).states;
    expect(again.every((candidate) => imageText(candidate.image, '/d/dump.rdb') === 'RDB{a,b}')).toBe(true);
    expect(new Set(again.map((candidate) => imageText(candidate.image, '/d/aof')?.endsWith('SET c 3;'))).size).toBe(2);
  });
});
