/**
 * Goal: `durakv write <dir> --format aof|aof-resp-base` writes a multi-part AOF directory that
 * durakv's start-up load and `durakv inspect` read back as the JSON dataset, crash-safely (at
 * every crash point and power-loss state a start sees nothing or the whole dataset) and never
 * over an existing directory; `durakv inspect` reads an AOF directory or its manifest without
 * changing a byte, reports a torn tail as the cut a start would make, and refuses what a start
 * refuses with the file, the byte offset and the reason.
 * Method: in-process runs over temp directories on the real disk (NodeFileSystem), and a crash
 * sweep of `write` on CrashFileSystem, each crash state opened with openStore (appendonly yes).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetToJson } from '../dataset-json/dataset-to-json.ts';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import { crashProfileNames } from '../fs/crash-profiles.ts';
import { writeDurably } from '../fs/crash-test-support.ts';
import { isSimulatedCrash } from '../fs/simulated-crash.ts';
import { ManualScheduler } from '../persistence/manual-scheduler.ts';
import { openStore } from '../persistence/store.ts';
import { redisDefaults } from '../persistence/store-config.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import type { CliContext } from './cli-context.ts';
import { runInspect } from './inspect-command.ts';
import { sampleDataset } from './testing/cli-datasets.ts';
import { cliHarness, fixedNowMs, fixedPid, type CliHarness } from './testing/cli-harness.ts';
import { runWrite } from './write-command.ts';

let cli: CliHarness;
beforeEach(async () => {
  cli = await cliHarness();
});
afterEach(async () => {
  await cli.cleanup();
});

async function run(command: typeof runWrite, ...args: string[]): Promise<number> {
  cli.reset();
  return command(args, cli.context);
}

const sampleJson = (): string => datasetToJson(sampleDataset());
const manifestText = (base: string): string => `file ${base} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n`;

describe('write --format aof|aof-resp-base writes a new multi-part AOF directory', () => {
  it.each([
    ['aof', 'appendonly.aof.1.base.rdb', 'REDIS0010'],
    ['aof-resp-base', 'appendonly.aof.1.base.aof', '*2\r\n$6\r\nSELECT'],
  ])('--format %s: base %s, an empty incr, the manifest; inspect --json reads back the JSON dataset', async (format, base, starts) => {
    await cli.put('dataset.json', sampleJson());
    expect(await run(runWrite, 'appendonlydir', '--from', 'dataset.json', '--format', format)).toBe(0);
    expect(cli.stderr()).toBe('');
    const baseBytes = await cli.bytes(`appendonlydir/${base}`);
    expect(cli.stdout()).toBe(`wrote appendonlydir: 6 keys in 2 databases; ${base} ${baseBytes.length} bytes, an empty incr, and the manifest\n`);
    expect(baseBytes.subarray(0, starts.length).toString('latin1')).toBe(starts);
    expect((await cli.bytes('appendonlydir/appendonly.aof.1.incr.aof')).length).toBe(0);
    expect((await cli.bytes('appendonlydir/appendonly.aof.manifest')).toString('latin1')).toBe(manifestText(base));
    expect(await run(runInspect, 'appendonlydir', '--json')).toBe(0);
    expect(cli.stdout()).toBe(sampleJson());
    expect(await run(runInspect, 'appendonlydir/appendonly.aof.manifest', '--json')).toBe(0);
    expect(cli.stdout(), 'the manifest path reads the same').toBe(sampleJson());
  });

  it('that a start with appendonly yes loads as the JSON dataset', async () => {
    await cli.put('dataset.json', sampleJson());
    expect(await run(runWrite, 'appendonlydir', '--from', 'dataset.json', '--format', 'aof')).toBe(0);
    const store = await openStore({
      fileSystem: cli.context.fs,
      directory: cli.root,
      config: { ...redisDefaults, appendonly: true, save: [] },
      clock: { nowMs: () => 0 },
      random: seededRandom(1),
      scheduler: new ManualScheduler(),
      processId: 1,
    });
    expect(datasetToJson(store.dataset())).toBe(sampleJson());
    await store.close({ background: 'cancel' });
  });

  it('never over an existing, non-empty directory or a file: exit 1, nothing changed', async () => {
    await cli.put('dataset.json', sampleJson());
    expect(await run(runWrite, 'appendonlydir', '--from', 'dataset.json', '--format', 'aof')).toBe(0);
    const before = await cli.bytes('appendonlydir/appendonly.aof.manifest');
    expect(await run(runWrite, 'appendonlydir', '--from', 'dataset.json', '--format', 'aof-resp-base')).toBe(1);
    expect(cli.stderr()).toBe('durakv write: appendonlydir: is not empty (3 entries): durakv write never replaces an AOF directory\n');
    expect((await cli.bytes('appendonlydir/appendonly.aof.manifest')).equals(before)).toBe(true);
    expect(await run(runWrite, 'dataset.json', '--from', 'dataset.json', '--format', 'aof')).toBe(1);
    expect(cli.stderr()).toBe('durakv write: dataset.json: exists and is not a directory: an AOF is written as a new directory\n');
  });

  it.each([
    ['an unknown --format', ['d', '--from', 'x.json', '--format', 'aof2'], '--format must be one of rdb, aof, aof-resp-base, got "aof2"'],
    ['--no-compression with a RESP base', ['d', '--from', 'x.json', '--format', 'aof-resp-base', '--no-compression'], '--no-compression applies to an RDB (--format rdb or aof), not to a RESP base'],
  ])('%s: exit 2 with the usage line', async (_name, args, message) => {
    expect(await run(runWrite, ...args)).toBe(2);
    expect(cli.stderr()).toMatch(new RegExp(`^durakv write: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nusage: durakv write `));
  });
});

describe('write --format aof is crash-safe', () => {
  /** The keys a start with appendonly yes loads from `fs` (null: it refused). */
  async function loadedKeys(fs: CrashFileSystem): Promise<number | string> {
    try {
      const store = await openStore({ fileSystem: fs, directory: '/d', config: { ...redisDefaults, appendonly: true, save: [] }, clock: { nowMs: () => 0 }, random: seededRandom(2), scheduler: new ManualScheduler(), processId: 2 });
      let keys = 0;
      for (const contents of store.dataset().values()) keys += contents.size;
      return keys;
    } catch (error) {
      return `refused: ${String(error)}`;
    }
  }

  it('a crash before every operation, process or power loss (both profiles, up to 40 states each): a start loads no key or all 6', async () => {
    let crashPoints = 0;
    let statesChecked = 0;
    for (let crashAt = 1; ; crashAt += 1) {
      const fs = CrashFileSystem.create();
      await fs.mkdir('/d', { recursive: false });
      await fs.fsyncDirectory('/');
      await writeDurably(fs, '/d', '/d/dataset.json', sampleJson());
      const context: CliContext = { fs, cwd: '/d', stdout: { write: () => true }, stderr: { write: () => true }, nowMs: () => fixedNowMs, pid: fixedPid };
      fs.armCrash({ operation: fs.operationLog.nextSequence + crashAt - 1 });
      let crashed = false;
      try {
        expect(await runWrite(['appendonlydir', '--from', 'dataset.json', '--format', 'aof'], context)).toBe(0);
      } catch (error) {
        expect(isSimulatedCrash(error), String(error)).toBe(true);
        crashed = true;
      }
      const outcomes = [await loadedKeys(fs.crash('process'))];
      for (const profile of crashProfileNames) {
        for (const state of fs.powerLossStates(profile, { max: 40, random: seededRandom(crashAt) }).states) outcomes.push(await loadedKeys(fs.crash('power', { state })));
      }
      statesChecked += outcomes.length;
      for (const outcome of outcomes) expect([0, 6], `crash before operation ${crashAt}`).toContain(outcome);
      if (!crashed) {
        expect(outcomes[0], 'a completed write loads whole after a process crash').toBe(6);
        break;
      }
      crashPoints += 1;
    }
    expect(crashPoints, 'the write has a dozen file-system operations').toBeGreaterThanOrEqual(12);
    expect(statesChecked).toBeGreaterThan(crashPoints);
  });
});

describe('inspect reads an AOF directory', () => {
  async function writeSample(format: 'aof' | 'aof-resp-base' = 'aof'): Promise<void> {
    await cli.put('dataset.json', sampleJson());
    expect(await run(runWrite, 'appendonlydir', '--from', 'dataset.json', '--format', format)).toBe(0);
  }

  it('as a summary whose header names the manifest, the files, the bytes and the commands replayed', async () => {
    await writeSample('aof-resp-base');
    const incr = '*3\r\n$3\r\nSET\r\n$3\r\nnew\r\n$1\r\nv\r\n';
    await cli.put('appendonlydir/appendonly.aof.1.incr.aof', incr);
    expect(await run(runInspect, 'appendonlydir')).toBe(0);
    const base = (await cli.bytes('appendonlydir/appendonly.aof.1.base.aof')).length;
    const lines = cli.stdout().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^appendonlydir: multi-part AOF, manifest appendonly\\.aof\\.manifest: appendonly\\.aof\\.1\\.base\\.aof \\(base\\), appendonly\\.aof\\.1\\.incr\\.aof \\(incr\\); ${base + incr.length} bytes, \\d+ commands replayed$`),
    );
    expect(lines).toContain('db 0: 4 keys, 2 with a TTL');
    expect(lines.at(-2)).toBe('7 keys in 2 databases');
    expect(cli.stderr()).toBe('');
  });

  it('with a torn tail in the last file: exit 0, the dataset without the torn command, a warning with the cut, and no byte changed', async () => {
    await writeSample();
    const whole = '*3\r\n$3\r\nSET\r\n$4\r\nkept\r\n$1\r\nv\r\n';
    const torn = '*3\r\n$3\r\nSET\r\n$4\r\ntorn\r\n$5\r\nval';
    await cli.put('appendonlydir/appendonly.aof.1.incr.aof', whole + torn);
    const before = await cli.bytes('appendonlydir/appendonly.aof.1.incr.aof');
    expect(await run(runInspect, 'appendonlydir', '--json')).toBe(0);
    const json = JSON.parse(cli.stdout()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json['0'] ?? {})).toContain('kept');
    expect(Object.keys(json['0'] ?? {})).not.toContain('torn');
    expect(cli.stderr()).toBe(
      `durakv inspect: warning: appendonlydir: appendonlydir/appendonly.aof.1.incr.aof ends inside a command: a start with aof-load-truncated yes cuts it from ${whole.length + torn.length} to ${whole.length} bytes (shown as cut; the file was not changed)\n`,
    );
    expect((await cli.bytes('appendonlydir/appendonly.aof.1.incr.aof')).equals(before)).toBe(true);
  });

  it('refuses what a start refuses, naming the file, the byte offset and the reason: a bad manifest, a missing file, garbage', async () => {
    await writeSample();
    await cli.put('appendonlydir/appendonly.aof.manifest', 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type x\n');
    expect(await run(runInspect, 'appendonlydir')).toBe(1);
    expect(cli.stderr()).toMatch(/^durakv inspect: cannot load .*\/appendonlydir\/appendonly\.aof\.manifest: bad-manifest at byte offset \d+: /);
    expect(cli.stdout()).toBe('');

    await cli.put('appendonlydir/appendonly.aof.manifest', 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    expect(await run(runInspect, 'appendonlydir')).toBe(1);
    expect(cli.stderr()).toMatch(/^durakv inspect: cannot load .*\/appendonly\.aof\.2\.incr\.aof: missing-file at byte offset 0: /);

    await cli.put('appendonlydir/appendonly.aof.manifest', manifestText('appendonly.aof.1.base.rdb'));
    await cli.put('appendonlydir/appendonly.aof.1.incr.aof', '*1\r\n$4\r\nPING\r\nxyz\r\n');
    expect(await run(runInspect, 'appendonlydir')).toBe(1);
    expect(cli.stderr()).toMatch(/^durakv inspect: cannot load .*\/appendonly\.aof\.1\.incr\.aof: format at byte offset 14: /);
  });

  it('a directory with two manifests: exit 1, asking which one', async () => {
    await writeSample();
    await cli.put('appendonlydir/other.aof.manifest', manifestText('appendonly.aof.1.base.rdb'));
    expect(await run(runInspect, 'appendonlydir')).toBe(1);
    expect(cli.stderr()).toBe('durakv inspect: appendonlydir: holds 2 manifests (appendonly.aof.manifest, other.aof.manifest): name the one to read\n');
  });
});
