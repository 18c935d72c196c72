/**
 * Goal: `durakv inspect` prints an RDB file's dataset (summary, or canonical JSON with --json)
 * however the file is chunked; exits 1 on any corrupt or truncated file, naming the file, the
 * byte offset and the reason; refuses what is not an RDB file; never modifies the file.
 * Method: in-process runs over temp directories on the real disk (NodeFileSystem), plus one run
 * over CrashFileSystem whose operation log shows that inspect makes no state-changing call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetToJson } from '../dataset-json/dataset-to-json.ts';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { CrashFileSystem } from '../fs/crash-file-system.ts';
import type { RedisValue } from '../values/redis-value.ts';
import { runInspect } from './inspect-command.ts';
import { cliHarness, type CliHarness } from './testing/cli-harness.ts';
import { sampleDataset, sampleRdb, sampleRdbChunks } from './testing/cli-datasets.ts';

let cli: CliHarness;
beforeEach(async () => {
  cli = await cliHarness();
});
afterEach(async () => {
  await cli.cleanup();
});

async function inspect(...args: string[]): Promise<number> {
  cli.reset();
  return runInspect(args, cli.context);
}

describe('inspect prints the dataset', () => {
  it('as a summary: per db, key, type, size and TTL (golden text)', async () => {
    await cli.put('dump.rdb', sampleRdb());
    expect(await inspect('dump.rdb')).toBe(0);
    expect(cli.stderr()).toBe('');
    expect(cli.stdout()).toBe(
      [
        `dump.rdb: RDB version 10, ${sampleRdb().length} bytes, checksum verified, redis-ver 7.0.15, ctime 2023-11-14T22:13:20.000Z`,
        '',
        'db 0: 3 keys, 2 with a TTL',
        '  KEY            TYPE    SIZE     TTL',
        '  "gone"         string  1 byte   expired (at 2027-01-15T07:59:59.999Z)',
        '  "greeting"     string  5 bytes  -',
        '  "base64:/wE="  list    3 items  1d 1h 1m 1.500s (at 2027-01-16T09:01:01.500Z)',
        '',
        'db 2: 3 keys, 0 with a TTL',
        '  KEY  TYPE    SIZE       TTL',
        '  "h"  hash    2 fields   -',
        '  "s"  set     3 members  -',
        '  "z"  zset    1 member   -',
        '',
        '6 keys in 2 databases',
        '',
      ].join('\n'),
    );
  });

  it('as canonical JSON with --json, identical for read chunks of 1, 7, 4096 bytes and the default', async () => {
    await cli.put('dump.rdb', sampleRdb());
    const outputs: string[] = [];
    for (const chunkBytes of [1, 7, 4096, undefined]) {
      cli.reset();
      expect(await runInspect(['dump.rdb', '--json'], cli.context, chunkBytes === undefined ? {} : { chunkBytes })).toBe(0);
      outputs.push(cli.stdout());
    }
    expect(new Set(outputs)).toEqual(new Set([datasetToJson(sampleDataset())]));
  });

  it('streams a multi-megabyte file in 1 MiB reads and prints the same JSON (a 5 MB list, 300-byte values)', async () => {
    const items = Array.from({ length: 17_000 }, (_, index) => `${index}:`.padEnd(300, String.fromCharCode(97 + (index % 26))));
    const databases = new Map([[0, new Map([['big', { value: { type: 'list', items } as RedisValue, expireAtMs: null }]])]]);
    const file = Buffer.concat(encodeRdb(databases, { aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false }));
    expect(file.length).toBeGreaterThan(5_000_000);
    await cli.put('big.rdb', file);
    expect(await inspect('big.rdb', '--json')).toBe(0);
    expect(cli.stdout()).toBe(datasetToJson(databases));
  });

  it('an empty RDB (no databases) is "no keys" and "{}"', async () => {
    await cli.put('empty.rdb', Buffer.concat(encodeRdb(new Map(), { aof: false, ctimeSeconds: 0, usedMemory: 0, compression: true })));
    expect(await inspect('empty.rdb')).toBe(0);
    expect(cli.stdout()).toMatch(/\nno keys\n$/);
    expect(await inspect('empty.rdb', '--json')).toBe(0);
    expect(cli.stdout()).toBe('{}\n');
  });

  it('warns on stderr about bytes after the RDB, keeping --json stdout pure JSON', async () => {
    await cli.put('tail.rdb', Buffer.concat([sampleRdb(), Buffer.from('*1\r\n$4\r\nPING\r\n')]));
    expect(await inspect('tail.rdb', '--json')).toBe(0);
    expect(cli.stdout()).toBe(datasetToJson(sampleDataset()));
    expect(cli.stderr()).toBe(`durakv inspect: warning: tail.rdb: 14 bytes follow the RDB's end at byte ${sampleRdb().length} (not part of the RDB; Redis's loader ignores them)\n`);
  });
});

describe('inspect refuses a damaged file and leaves it byte-identical', () => {
  it('a flipped checksum byte: exit 1, file, byte offset of the trailer and the CRC reason (exact message)', async () => {
    const file = sampleRdb();
    file.writeUInt8((file.at(-1) as number) ^ 0x01, file.length - 1);
    await cli.put('dump.rdb', file);
    expect(await inspect('dump.rdb')).toBe(1);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toMatch(new RegExp(`^durakv inspect: cannot load dump\\.rdb: corrupt RDB at byte offset ${file.length - 8}: RDB CRC error: stored [0-9a-f]+, computed [0-9a-f]+\\n$`));
    expect((await cli.bytes('dump.rdb')).equals(file)).toBe(true);
  });

  it('an unknown type byte in the first key record: corrupt at that record', async () => {
    const chunks = sampleRdbChunks();
    const recordOffset = (chunks[0] as Uint8Array).length + (chunks[1] as Uint8Array).length;
    const file = Buffer.concat(chunks);
    expect(file[recordOffset]).toBe(0xfc); // "gone" has an expiry: EXPIRETIME_MS comes first
    file[recordOffset] = 0x08;
    await cli.put('dump.rdb', file);
    expect(await inspect('dump.rdb', '--json')).toBe(1);
    expect(cli.stdout()).toBe('');
    expect(cli.stderr()).toBe(`durakv inspect: cannot load dump.rdb: corrupt RDB at byte offset ${recordOffset}: unknown opcode or value type 8 (unknown)\n`);
  });

  it('every single flipped byte (each offset, XOR 0xff) exits 1 with file, offset and reason, and changes nothing on disk', async () => {
    const original = sampleRdb();
    for (let offset = 0; offset < original.length; offset += 1) {
      const file = Buffer.from(original);
      file.writeUInt8((file[offset] as number) ^ 0xff, offset);
      await cli.put('dump.rdb', file);
      const code = await inspect('dump.rdb');
      expect([offset, code, cli.stdout()]).toEqual([offset, 1, '']);
      expect(cli.stderr()).toMatch(/^durakv inspect: cannot load dump\.rdb: (corrupt|truncated|unsupported) RDB at byte offset \d+: .+\n$/);
      expect((await cli.bytes('dump.rdb')).equals(file)).toBe(true);
    }
    expect(await cli.names()).toEqual(['dump.rdb']);
  });

  it('every truncation (each length from 0 to size - 1) exits 1 as truncated, and changes nothing on disk', async () => {
    const original = sampleRdb();
    for (let length = 0; length < original.length; length += 1) {
      const file = original.subarray(0, length);
      await cli.put('dump.rdb', file);
      expect([length, await inspect('dump.rdb', '--json'), cli.stdout()]).toEqual([length, 1, '']);
      expect(cli.stderr()).toMatch(/^durakv inspect: cannot load dump\.rdb: truncated RDB at byte offset \d+: .+\n$/);
      expect((await cli.bytes('dump.rdb')).equals(file)).toBe(true);
    }
  });

  it('an empty file is truncated at byte offset 0', async () => {
    await cli.put('dump.rdb', '');
    expect(await inspect('dump.rdb')).toBe(1);
    expect(cli.stderr()).toBe('durakv inspect: cannot load dump.rdb: truncated RDB at byte offset 0: unexpected end of file while reading the header (unit at offset 0)\n');
  });

  it('makes no state-changing FileSystem call, on success or failure (CrashFileSystem operation log)', async () => {
    const fs = CrashFileSystem.create();
    await fs.mkdir('/data', { recursive: false });
    for (const [name, bytes] of [['good.rdb', sampleRdb()], ['bad.rdb', sampleRdb().subarray(0, 40)]] as const) {
      const handle = await fs.open(`/data/${name}`, 'create-truncate');
      await handle.write(bytes, 0);
      await handle.close();
    }
    const firstInspectCall = fs.operationLog.nextSequence;
    const context = { ...cli.context, fs, cwd: '/data' };
    expect(await runInspect(['good.rdb'], context, { chunkBytes: 16 })).toBe(0);
    expect(await runInspect(['bad.rdb', '--json'], context)).toBe(1);
    const calls = fs.operationLog.entries.filter((entry) => entry.sequence >= firstInspectCall);
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((entry) => entry.effect !== 'none')).toEqual([]);
    expect(new Set(calls.map((entry) => entry.operation))).toEqual(new Set(['stat', 'open', 'size', 'read', 'close']));
  });
});

describe('inspect refuses what is not an RDB file', () => {
  it('a directory with no manifest in it: exit 1, "not an AOF directory"', async () => {
    expect(await inspect('.')).toBe(1);
    expect(cli.stderr()).toBe('durakv inspect: .: not an AOF directory: it holds no manifest (*.manifest)\n');
  });

  it("a file starting with '*' (an AOF): exit 1, \"not an RDB file\"", async () => {
    await cli.put('appendonly.aof', '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n');
    expect(await inspect('appendonly.aof')).toBe(1);
    expect(cli.stderr()).toMatch(/^durakv inspect: appendonly\.aof: not an RDB file: it starts with '\*' like an AOF/);
  });

  it('any other file: corrupt at offset 0 with the wrong signature', async () => {
    await cli.put('notes.txt', 'hello world');
    expect(await inspect('notes.txt')).toBe(1);
    expect(cli.stderr()).toBe('durakv inspect: cannot load notes.txt: corrupt RDB at byte offset 0: wrong signature "hello", expected "REDIS"\n');
  });

  it('a missing file: exit 1, an I/O error naming the path', async () => {
    expect(await inspect('missing.rdb')).toBe(1);
    expect(cli.stderr()).toBe(`durakv inspect: I/O error: ENOENT: stat '${cli.path('missing.rdb')}' (host error ENOENT)\n`);
  });
});

describe('inspect usage errors exit 2 with the usage line', () => {
  it.each([
    ['no path', [], 'expected <path>, got 0 arguments'],
    ['two paths', ['a.rdb', 'b.rdb'], 'expected <path>, got 2 arguments'],
    ['an unknown option', ['a.rdb', '--yaml'], 'unknown option --yaml'],
    ['a value for --json', ['a.rdb', '--json=yes'], '--json takes no value'],
  ])('%s', async (_name, args, message) => {
    expect(await inspect(...args)).toBe(2);
    expect(cli.stderr()).toBe(`durakv inspect: ${message}\nusage: durakv inspect <path> [--json]\n`);
    expect(cli.stdout()).toBe('');
  });
});
