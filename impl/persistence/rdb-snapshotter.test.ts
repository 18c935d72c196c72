/**
 * Goal: writeRdbSnapshot maps a snapshot write to its outcome as its callers rely on: 'saved'
 * with the bytes and the number of writes (an empty chunk, e.g. a BGSAVE slice that only skipped
 * keys created after the cut, costs no write), and 'cancelled' when the save is cancelled between
 * chunks (temp file removed, the old dump untouched, durable).
 * Method: a CrashFileSystem with an existing durable dump; hand-made chunk sources; the outcome,
 * the write operations of the log and the files are checked.
 */
import { describe, expect, it } from 'vitest';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { bytes, imageText, seededRandom, text, writeDurably } from '../fs/crash-test-support.ts';
import { type ChunkSource, writeRdbSnapshot } from './rdb-snapshotter.ts';

const path = '/data/dump.rdb';
const tempPath = '/data/temp-9.rdb';

async function machineWithDump(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/data', { recursive: false });
  await fs.fsyncDirectory('/');
  await writeDurably(fs, '/data', path, 'old dump');
  return fs;
}

function source(chunks: readonly string[]): ChunkSource & { readonly pulled: () => number } {
  let next = 0;
  return { nextChunk: () => (next < chunks.length ? bytes(chunks[next++] ?? '') : null), pulled: () => next };
}

describe('writeRdbSnapshot', () => {
  it('writes chunks "abc", "", "de" with 2 writes (the empty one skipped) and reports 5 bytes', async () => {
    const fs = await machineWithDump();
    const outcome = await writeRdbSnapshot({ fileSystem: fs, path, tempPath, source: source(['abc', '', 'de']), pace: null, cancelled: () => false });
    expect(outcome).toEqual({ kind: 'saved', bytesWritten: 5, writeCount: 2 });
    const writes = fs.operationLog.entries.filter((entry) => entry.operation === 'write' && entry.path === tempPath);
    expect(writes).toHaveLength(2);
    expect(text(await fs.readFile(path))).toBe('abcde');
    expect(await fs.readdir('/data')).toEqual(['dump.rdb']);
  });

  it('cancelled after the first of three chunks: outcome cancelled, no more chunks pulled, temp removed, old dump durable', async () => {
    const fs = await machineWithDump();
    const chunks = source(['abc', 'de', 'f']);
    const outcome = await writeRdbSnapshot({ fileSystem: fs, path, tempPath, source: chunks, pace: null, cancelled: () => chunks.pulled() >= 1 });
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(chunks.pulled()).toBe(1);
    expect(await fs.readdir('/data')).toEqual(['dump.rdb']);
    expect(text(await fs.readFile(path))).toBe('old dump');
    for (const profile of crashProfileNames) {
      const { states } = fs.powerLossStates(profile, { max: 50, random: seededRandom(1) });
      expect(new Set(states.map((state) => imageText(state.image, path))), profile).toEqual(new Set(['old dump']));
    }
  });
});
