/**
 * Goal: the power-loss state enumeration is bounded by `max`, deterministic for a seed, distinct,
 * honest about sampling, and describes each state for reports.
 * Method: a workload with many unsynced operations (appends, a torn-able large write, creates,
 * a rename) so the candidate set far exceeds `max`; then a small workload that fits exhaustively.
 */
import { describe, expect, it } from 'vitest';
import { describeImage, imageFingerprint } from './crash-disk-image.ts';
import { CrashFileSystem } from './crash-file-system.ts';
import { crashProfileNames } from './crash-profiles.ts';
import { bytes, seededRandom } from './crash-test-support.ts';

async function busyMachine(): Promise<CrashFileSystem> {
  const fs = CrashFileSystem.create();
  await fs.mkdir('/d', { recursive: false });
  await fs.fsyncDirectory('/');
  const aof = await fs.open('/d/aof', 'append');
  for (let index = 0; index < 30; index += 1) await aof.append(bytes(`SET k${index} v${index};`));
  const big = await fs.open('/d/big', 'create');
  await big.write(new Uint8Array(10_000).fill(9), 0);
  await fs.rename('/d/big', '/d/big.renamed');
  return fs;
}

describe('power-loss state enumeration', () => {
  it.each(crashProfileNames)('returns at most max distinct states and says it sampled (profile=%s, max=20)', async (profile) => {
    const fs = await busyMachine();
    const result = fs.powerLossStates(profile, { max: 20, random: seededRandom(1) });
    expect(result.states.length).toBeLessThanOrEqual(20);
    expect(result.states.length).toBeGreaterThan(5);
    expect(result.candidateCount).toBeGreaterThan(160);
    expect(result.sampled).toBe(true);
    expect(new Set(result.states.map((state) => state.fingerprint)).size).toBe(result.states.length);
    expect(result.states.every((state) => state.fingerprint === imageFingerprint(state.image))).toBe(true);
  });

  it.each(crashProfileNames)('is deterministic for a seed and varies with it (profile=%s)', async (profile) => {
    const fs = await busyMachine();
    const run = (seed: number): string[] => fs.powerLossStates(profile, { max: 20, random: seededRandom(seed) }).states.map((state) => `${state.fingerprint} ${state.description}`);
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it.each(crashProfileNames)('puts "durable only" then "everything" first; everything equals the page cache (profile=%s)', async (profile) => {
    const fs = await busyMachine();
    const [durableOnly, everything] = fs.powerLossStates(profile, { max: 20, random: seededRandom(2) }).states;
    expect(durableOnly?.description).toMatch(/^durable only; kept 0\/34 pending; dropped #3 open \/d\/aof \(append\), #4 append \/d\/aof 10 B "SET k0 v0;" at \[0,10\), .* \(\+31 more\)$/);
    expect(everything?.description).toBe('everything; kept 34/34 pending');
    expect(everything?.fingerprint).toBe(imageFingerprint(fs.pageCache()));
  });

  it('enumerates a small history exhaustively, without sampling, with torn-write descriptions (profile=strict-posix)', async () => {
    const fs = CrashFileSystem.create();
    const handle = await fs.open('/f', 'create');
    await handle.write(new Uint8Array(1024).fill(1), 0);
    const result = fs.powerLossStates('strict-posix', { max: 100, random: seededRandom(3) });
    expect(result.sampled).toBe(false);
    const descriptions = result.states.map((state) => state.description);
    expect(descriptions).toContain('torn write; kept 1/2 pending; torn #2 write /f [0,1024) 1024 B "\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01…" keeping bytes [0,512)');
    expect(descriptions.some((description) => description.startsWith('hole (first sector lost)'))).toBe(true);
    const again = fs.powerLossStates('strict-posix', { max: 100, random: seededRandom(999) });
    expect(again.states.map((state) => state.fingerprint)).toEqual(result.states.map((state) => state.fingerprint));
  });

  it.each(crashProfileNames)('draws random states that the profile allows, reproducibly (profile=%s)', async (profile) => {
    const fs = await busyMachine();
    const draw = (seed: number): string[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 10 }, () => fs.randomPowerLossState(profile, random).fingerprint);
    };
    expect(draw(5)).toEqual(draw(5));
    expect(new Set(draw(5)).size).toBeGreaterThan(1);
  });

  it('describes a state image for reports: one line per name, directories with a slash', async () => {
    const fs = CrashFileSystem.create();
    await fs.mkdir('/d', { recursive: false });
    const aof = await fs.open('/d/aof', 'append');
    await aof.append(bytes('*1\r\n$4\r\nPING\r\n'));
    const [durableOnly, everything] = fs.powerLossStates('strict-posix', { max: 10, random: seededRandom(4) }).states;
    expect(describeImage(durableOnly?.image ?? fs.pageCache())).toBe('(empty)');
    expect(describeImage(everything?.image ?? fs.pageCache())).toBe('/d/\n/d/aof 14 B "*1\\r\\n$4\\r\\nPING\\r\\n"');
  });
});
