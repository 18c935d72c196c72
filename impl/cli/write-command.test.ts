/**
 * Goal: `durakv write` turns dataset JSON into an RDB file Redis's format readers accept and
 * durakv decodes to the same data; it writes only through writeFileAtomically's protocol (temp
 * in the same directory, fsync, rename, directory fsync) and leaves the target untouched, with
 * no temp file, when anything is wrong.
 * Method: in-process runs over temp directories (NodeFileSystem); one run over CrashFileSystem
 * to read the exact sequence of FileSystem calls.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetToJson } from '../dataset-json/dataset-to-json.ts';
import { decodeRdb } from '../encoding/rdb-dataset.ts';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import { runInspect } from './inspect-command.ts';
import { fixedNowMs, fixedPid, cliHarness, type CliHarness } from './testing/cli-harness.ts';
import { sampleDataset } from './testing/cli-datasets.ts';
import { runWrite, tempPathFor } from './write-command.ts';

let cli: CliHarness;
beforeEach(async () => {
  cli = await cliHarness();
});
afterEach(async () => {
  await cli.cleanup();
});

async function write(...args: string[]): Promise<number> {
  cli.reset();
  return runWrite(args, cli.context);
}

const sampleJson = (): string => datasetToJson(sampleDataset());

describe('write produces the RDB file', () => {
  it('that decodes to the JSON dataset, with ctime from the clock, and reports what it wrote', async () => {
    await cli.put('dataset.json', sampleJson());
    expect(await write('dump.rdb', '--from', 'dataset.json')).toBe(0);
    const file = await cli.bytes('dump.rdb');
    expect(cli.stdout()).toBe(`wrote dump.rdb: 6 keys in 2 databases, ${file.length} bytes\n`);
    expect(cli.stderr()).toBe('');
    const decoded = decodeRdb(file, 'dump.rdb');
    expect(datasetToJson(decoded.databases)).toBe(sampleJson());
    expect([decoded.checksum, decoded.aux.get('ctime'), decoded.aux.get('aof-base')]).toEqual(['verified', String(Math.floor(fixedNowMs / 1000)), '0']);
    expect(await cli.names()).toEqual(['dataset.json', 'dump.rdb']);
  });

  it('that inspect --json prints back as the same canonical JSON (write → inspect round trip)', async () => {
    await cli.put('dataset.json', sampleJson());
    expect(await write('out/../dump.rdb', '--from=dataset.json')).toBe(0);
    cli.reset();
    expect(await runInspect(['dump.rdb', '--json'], cli.context)).toBe(0);
    expect(cli.stdout()).toBe(sampleJson());
  });

  it('with LZF compression by default, and without it under --no-compression', async () => {
    const run = 'x'.repeat(2000);
    await cli.put('dataset.json', JSON.stringify({ 0: { big: { type: 'string', value: run } } }));
    expect(await write('lzf.rdb', '--from', 'dataset.json')).toBe(0);
    expect(await write('raw.rdb', '--no-compression', '--from', 'dataset.json')).toBe(0);
    const [lzf, raw] = [await cli.bytes('lzf.rdb'), await cli.bytes('raw.rdb')];
    expect(lzf.length).toBeLessThan(200);
    expect(raw.includes(Buffer.from(run))).toBe(true);
    for (const file of [lzf, raw]) expect(decodeRdb(file, 'f.rdb').databases.get(0)?.get('big')?.value).toEqual({ type: 'string', value: run });
  });

  it('replacing an existing target whole, through temp-<pid>.rdb beside it', async () => {
    await cli.put('dump.rdb', 'old contents');
    await cli.put('dataset.json', sampleJson());
    expect(await write('dump.rdb', '--from', 'dataset.json')).toBe(0);
    expect(datasetToJson(decodeRdb(await cli.bytes('dump.rdb'), 'dump.rdb').databases)).toBe(sampleJson());
    expect(await cli.names()).toEqual(['dataset.json', 'dump.rdb']);
  });

  it('calling exactly the atomic protocol: read JSON, open temp, write, fsync, close, rename, fsync dir', async () => {
    const fs = CrashFileSystem.create();
    await fs.mkdir('/data', { recursive: false });
    const handle = await fs.open('/data/dataset.json', 'create-truncate');
    await handle.write(Buffer.from(sampleJson()), 0);
    await handle.close();
    const first = fs.operationLog.nextSequence;
    expect(await runWrite(['dump.rdb', '--from', 'dataset.json'], { ...cli.context, fs, cwd: '/data' })).toBe(0);
    const calls = fs.operationLog.entries.filter((entry) => entry.sequence >= first).map((entry) => `${entry.operation} ${entry.path}`);
    expect(calls).toEqual([
      'readFile /data/dataset.json',
      `open /data/temp-${fixedPid}.rdb`,
      `write /data/temp-${fixedPid}.rdb`,
      `fsync /data/temp-${fixedPid}.rdb`,
      `close /data/temp-${fixedPid}.rdb`,
      `rename /data/temp-${fixedPid}.rdb -> /data/dump.rdb`,
      'fsyncDirectory /data',
    ]);
  });

  it('accepts a JSON file that starts with a UTF-8 byte-order mark', async () => {
    await cli.put('dataset.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sampleJson())]));
    expect(await write('dump.rdb', '--from', 'dataset.json')).toBe(0);
    expect(datasetToJson(decodeRdb(await cli.bytes('dump.rdb'), 'dump.rdb').databases)).toBe(sampleJson());
  });

  it('names the temp file temp-<pid>.rdb in the target directory, never the target itself', () => {
    expect(tempPathFor('/d/dump.rdb', 7)).toBe('/d/temp-7.rdb');
    expect(tempPathFor('/d/temp-7.rdb', 7)).toBe('/d/temp-7.rdb.tmp');
  });
});

describe('write refuses bad input and leaves the target as it was, with no temp file', () => {
  it.each([
    ['invalid JSON', '{"0": {"k": {"type": "list", "value": ["a",]}}}', 'durakv write: dataset.json:1:44: $["0"]["k"].value[1]: invalid JSON: unexpected character "]", expected a JSON value\n'],
    ['a dataset error', '{"0": {"k": {"type": "set", "value": []}}}', 'durakv write: dataset.json:1:38: $["0"]["k"].value: an empty set cannot exist in Redis (a key whose collection empties is deleted)\n'],
    ['bytes that are not UTF-8', '{"0": {"k": {"type": "string", "value": "\xff"}}}', 'durakv write: dataset.json: not UTF-8 text (dataset JSON is UTF-8; binary bytes go in { "base64": ... })\n'],
  ])('%s: exit 1 naming file, position, path and reason', async (_name, text, message) => {
    await cli.put('dump.rdb', 'old contents');
    await cli.put('dataset.json', Buffer.from(text, 'latin1'));
    expect(await write('dump.rdb', '--from', 'dataset.json')).toBe(1);
    expect(cli.stderr()).toBe(message);
    expect(cli.stdout()).toBe('');
    expect((await cli.bytes('dump.rdb')).toString()).toBe('old contents');
    expect(await cli.names()).toEqual(['dataset.json', 'dump.rdb']);
  });

  it('a missing JSON file or target directory: exit 1, an I/O error, nothing created', async () => {
    expect(await write('dump.rdb', '--from', 'missing.json')).toBe(1);
    expect(cli.stderr()).toBe(`durakv write: I/O error: ENOENT: readFile '${cli.path('missing.json')}' (host error ENOENT)\n`);
    await cli.put('dataset.json', sampleJson());
    expect(await write('no/such/dir/dump.rdb', '--from', 'dataset.json')).toBe(1);
    expect(cli.stderr()).toMatch(/^durakv write: I\/O error: ENOENT: open '.*\/no\/such\/dir\/temp-4242\.rdb'/);
    expect(await cli.names()).toEqual(['dataset.json']);
  });

  it.each([
    ['no --from', ['dump.rdb'], '--from is required'],
    ['--from without a value', ['dump.rdb', '--from'], '--from needs a value'],
    ['--from twice', ['dump.rdb', '--from', 'a', '--from', 'b'], '--from is given twice'],
    ['no path', ['--from', 'a.json'], 'expected <path>, got 0 arguments'],
  ])('%s: exit 2 with the usage line', async (_name, args, message) => {
    expect(await write(...args)).toBe(2);
    expect(cli.stderr()).toBe(`durakv write: ${message}\nusage: durakv write <path> --from <dataset.json> [--format rdb|aof|aof-resp-base] [--no-compression]\n`);
  });
});
