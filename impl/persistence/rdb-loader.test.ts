/**
 * Goal: start-up loads dump.rdb as a Redis 7.0 master does (facts §5.1–5.2): no file → empty;
 * keys already expired are dropped and counted (rdb_last_load_keys_expired; a key expiring at
 * exactly now is kept); a corrupt, truncated, duplicate-key or unsupported file is refused with
 * a typed RdbDecodeError naming the file, the byte offset and the reason, and the file is left
 * byte-identical, with nothing written, renamed or removed in its directory. The file is streamed
 * in consecutive reads of at most 1 MiB that end exactly at its size, and closed whether the load
 * succeeds or not; once loading ends, loaded keys expire again as time passes.
 * Method: dumps written by one store (or built by hand with the encoding test helpers) are put
 * on a CrashFileSystem; openStore runs on it (loadRdbFile directly where its report or its
 * precondition is checked); refused starts are compared byte for byte, and the operation log is
 * checked for any change and for the reads, in order.
 */
import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { RdbDecodeError } from '../encoding/rdb-decode-error.ts';
import { opcode } from '../encoding/rdb-format.ts';
import { rdbFile } from '../encoding/testing/rdb-test-file.ts';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import type { FileHandle, FileSystem } from '../fs/file-system.ts';
import { isFsError } from '../fs/fs-error.ts';
import { rdbLoadChunkBytes } from '../impl-limits.ts';
import { Keyspace } from '../keyspace/index.ts';
import { ManualScheduler } from './manual-scheduler.ts';
import { loadRdbFile } from './rdb-loader.ts';
import { openStore } from './store.ts';
import { TestClock, canonical, directory, dumpPath, fileSystemWithDirectory, openHarness, processId, seededRandom, startMs, testConfig } from './testing/store-harness.ts';

async function writeDump(fs: CrashFileSystem, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(dumpPath, 'create-truncate');
  await handle.write(bytes, 0);
  await handle.fsync();
  await handle.close();
  await fs.fsyncDirectory(directory);
}

function open(fs: CrashFileSystem, clock = new TestClock()) {
  return openStore({ fileSystem: fs, directory, config: testConfig, clock, random: seededRandom(1), scheduler: new ManualScheduler(), processId });
}

async function refusal(fs: CrashFileSystem): Promise<RdbDecodeError> {
  const before = fs.operationLog.entries.length;
  const error = await open(fs).then(() => undefined, (rejection: unknown) => rejection);
  expect(error).toBeInstanceOf(RdbDecodeError);
  const changes = fs.operationLog.entries.slice(before).filter((entry) => !['read', 'readFile', 'size', 'close'].includes(entry.operation));
  expect(changes.map((entry) => `${entry.operation} ${entry.path} ${entry.detail}`)).toEqual([`open ${dumpPath} (read)`]);
  return error as RdbDecodeError;
}

async function savedDump(): Promise<Uint8Array> {
  const h = await openHarness();
  for (let index = 0; index < 40; index += 1) await h.run('set', `key:${index}`, `value-${index}-`.repeat(3));
  await h.run('rpush', 'list', 'a', 'b', 'c');
  await h.run('save');
  return h.fs.readFile(dumpPath);
}

describe('start-up load', () => {
  it('starts empty when there is no dump (ENOENT)', async () => {
    const store = await open(await fileSystemWithDirectory());
    expect(store.dataset().size).toBe(0);
    expect(store.info()).toMatchObject({ rdbLastLoadKeysLoaded: 0, rdbLastLoadKeysExpired: 0, rdbChangesSinceLastSave: 0 });
  });

  it('loads a dump written by SAVE, in 1 MiB reads, leaving dirty at 0', async () => {
    const h = await openHarness();
    await h.run('set', 'a', '1');
    await h.run('select', '3');
    await h.run('hset', 'h', 'f', 'v');
    await h.run('save');
    const store = await open(h.fs);
    expect(canonical(store.dataset())).toBe(canonical(h.store.dataset()));
    expect(store.info()).toMatchObject({ rdbLastLoadKeysLoaded: 2, rdbLastLoadKeysExpired: 0, rdbChangesSinceLastSave: 0 });
  });

  it('drops keys already expired at load time and counts them; a key expiring exactly now is kept', async () => {
    const h = await openHarness();
    await h.run('set', 'past', '1', 'pxat', String(startMs + 500));
    await h.run('set', 'now', '1', 'pxat', String(startMs + 1000));
    await h.run('set', 'future', '1', 'pxat', String(startMs + 5000));
    await h.run('set', 'forever', '1');
    await h.run('save');
    const store = await open(h.fs, new TestClock(startMs + 1000));
    expect([...(store.dataset().get(0)?.keys() ?? [])].sort()).toEqual(['forever', 'future', 'now']);
    expect(store.info()).toMatchObject({ rdbLastLoadKeysLoaded: 3, rdbLastLoadKeysExpired: 1 });
  });

  it('refuses a 0-byte dump as truncated at offset 0, file untouched', async () => {
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, new Uint8Array(0));
    const error = await refusal(fs);
    expect([error.kind, error.fileName, error.offset]).toEqual(['truncated', dumpPath, 0]);
    expect((await fs.readFile(dumpPath)).length).toBe(0);
  });

  it('refuses a dump with one flipped byte (CRC error), naming file, offset and reason, and leaves it byte-identical', async () => {
    const bytes = Buffer.from(await savedDump());
    const fs = await fileSystemWithDirectory();
    const flipped = Buffer.from(bytes);
    const at = bytes.indexOf('value-7-') + 2;
    flipped[at] = (flipped[at] ?? 0) ^ 0x20;
    await writeDump(fs, flipped);
    const error = await refusal(fs);
    expect(error.kind).toBe('corrupt');
    expect(error.fileName).toBe(dumpPath);
    expect(error.offset).toBe(bytes.length - 8);
    expect(error.reason).toMatch(/^RDB CRC error/);
    expect(error.message).toBe(`${dumpPath}: corrupt RDB at offset ${bytes.length - 8}: ${error.reason}`);
    expect(Buffer.from(await fs.readFile(dumpPath)).equals(flipped)).toBe(true);
    expect(await fs.readdir(directory)).toEqual(['dump.rdb']);
  });

  it('refuses a dump cut at any of 12 points as truncated near the cut, leaving it byte-identical', async () => {
    const bytes = await savedDump();
    const cuts = [1, 5, 9, 10, 60, Math.floor(bytes.length / 2), bytes.length - 20, bytes.length - 9, bytes.length - 8, bytes.length - 5, bytes.length - 1, 200];
    for (const cut of cuts) {
      const fs = await fileSystemWithDirectory();
      const truncated = bytes.slice(0, cut);
      await writeDump(fs, truncated);
      const error = await refusal(fs);
      expect([error.kind, error.fileName], `cut at ${cut}`).toEqual(['truncated', dumpPath]);
      // The offset is where the unfinished unit starts (or the cut, when the file simply ends).
      expect(error.offset, `cut at ${cut}: ${error.message}`).toBeLessThanOrEqual(cut);
      expect(error.offset).toBeGreaterThanOrEqual(cut - 64);
      expect(error.reason).toMatch(/unexpected end of file|but the file has \d+ (bytes )?left/);
      expect(Buffer.from(await fs.readFile(dumpPath)).equals(Buffer.from(truncated))).toBe(true);
    }
  });

  it('refuses duplicate keys in one db as corrupt, at the second key', async () => {
    const fs = await fileSystemWithDirectory();
    const file = rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      writer.byte(0).string('k').string('first');
      writer.byte(0).string('k').string('second');
    });
    await writeDump(fs, file);
    const error = await refusal(fs);
    expect([error.kind, error.offset]).toEqual(['corrupt', file.indexOf('second') - 4]);
    expect(error.reason).toMatch(/duplicate key/);
  });

  it('refuses a duplicate even when one copy is dropped as expired, and accepts the same key in two dbs', async () => {
    const past = BigInt(startMs - 1);
    const record = (writer: Parameters<Parameters<typeof rdbFile>[0]>[0], key: string, expired: boolean): void => {
      if (expired) writer.byte(opcode.expireTimeMs).int64le(past);
      writer.byte(0).string(key).string('v');
    };
    for (const [first, second] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const fs = await fileSystemWithDirectory();
      const file = rdbFile((writer) => {
        writer.byte(opcode.selectDb).length(2);
        record(writer, 'k', first);
        record(writer, 'k', second);
      });
      await writeDump(fs, file);
      const error = await refusal(fs);
      expect([error.kind, error.reason], `first expired ${first}, second expired ${second}`).toEqual(['corrupt', 'duplicate key "k" in db 2']);
    }
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      record(writer, 'k', false);
      writer.byte(opcode.selectDb).length(1);
      record(writer, 'k', false);
    }));
    expect([...(await open(fs)).dataset().keys()]).toEqual([0, 1]);
  });

  it('refuses FUNCTION2 libraries and databases beyond 15 as unsupported', async () => {
    for (const body of [
      (writer: Parameters<Parameters<typeof rdbFile>[0]>[0]) => writer.byte(opcode.function2).string('#!lua name=lib\nreturn 1'),
      (writer: Parameters<Parameters<typeof rdbFile>[0]>[0]) => writer.byte(opcode.selectDb).length(16),
    ]) {
      const fs = await fileSystemWithDirectory();
      await writeDump(fs, rdbFile(body));
      expect((await refusal(fs)).kind).toBe('unsupported');
    }
  });

  it('rejects with the FsError when reading the dump fails (EIO)', async () => {
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, await savedDump());
    fs.injectFault({ when: { matches: (request) => request.operation === 'read' }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    const error = await open(fs).then(() => undefined, (rejection: unknown) => rejection);
    expect(isFsError(error, 'EIO')).toBe(true);
  });

  it('rejects with the FsError, rather than starting empty, when opening the dump fails with EIO (only ENOENT means no dump)', async () => {
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, await savedDump());
    fs.injectFault({ when: { matches: (request) => request.operation === 'open' && request.path === dumpPath }, fault: { kind: 'error', code: 'EIO' }, times: 'once' });
    const error = await open(fs).then(() => undefined, (rejection: unknown) => rejection);
    expect(isFsError(error, 'EIO')).toBe(true);
  });

  it('refuses a duplicate of the first of two expired keys (a, b, a: all three expired), at the third record', async () => {
    const past = BigInt(startMs - 1);
    const fs = await fileSystemWithDirectory();
    const file = rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      for (const key of ['a', 'b', 'a']) writer.byte(opcode.expireTimeMs).int64le(past).byte(0).string(key).string(`v-${key}`);
    });
    await writeDump(fs, file);
    const error = await refusal(fs);
    expect([error.kind, error.reason]).toEqual(['corrupt', 'duplicate key "a" in db 0']);
    expect(error.offset).toBe(file.lastIndexOf('v-a') - 4);
  });

  it('skips an empty collection that repeats a loaded key, as Redis does (it checks duplicates only for keys it adds)', async () => {
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      writer.byte(0).string('k').string('v');
      writer.byte(1).string('k').length(0);
    }));
    const store = await open(fs);
    expect([...(store.dataset().get(0)?.entries() ?? [])].map(([name, entry]) => [name, entry.value])).toEqual([['k', { type: 'string', value: 'v' }]]);
    expect(store.info()).toMatchObject({ rdbLastLoadKeysLoaded: 1, rdbLastLoadKeysExpired: 0 });
  });

  it('refuses a FUNCTION2 library as unsupported, naming the file and saying durakv has no function engine', async () => {
    const fs = await fileSystemWithDirectory();
    const file = rdbFile((writer) => writer.byte(opcode.function2).string('#!lua name=lib\nreturn 1'));
    await writeDump(fs, file);
    const error = await refusal(fs);
    expect([error.kind, error.fileName]).toEqual(['unsupported', dumpPath]);
    expect(error.reason).toMatch(/^FUNCTION2 library: durakv has no function engine/);
    expect(error.offset).toBeGreaterThanOrEqual(file.indexOf('return 1') + 'return 1'.length);
    expect(error.offset).toBeLessThanOrEqual(file.length);
  });

  it('expires a loaded key once its time passes (loading ends when the load does)', async () => {
    const h = await openHarness();
    await h.run('set', 'soon', '1', 'pxat', String(startMs + 5000));
    await h.run('save');
    const clock = new TestClock(startMs + 1000);
    const after = await openHarness({ fs: h.fs, clock });
    expect(await after.run('get', 'soon')).toBe('1');
    clock.advance(5000);
    expect(await after.run('get', 'soon')).toBe(null);
    expect(await after.run('exists', 'soon')).toBe(0);
  });
});

describe('streaming the dump', () => {
  /** A dump of `keys` string values of `valueBytes` each, in db 0. */
  function bigDump(keys: number, valueBytes: number): Buffer {
    return rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      for (let index = 0; index < keys; index += 1) writer.byte(0).string(`big:${index}`).string(String.fromCharCode(97 + index).repeat(valueBytes));
    });
  }

  function dumpOperations(fs: CrashFileSystem, since: number): string[] {
    return fs.operationLog.entries
      .slice(since)
      .filter((entry) => entry.path === dumpPath)
      .map((entry) => `${entry.operation} ${entry.detail}`.trim());
  }

  it('no dump.rdb: the report says missing with 0 keys and 0 bytes read, and the keyspace stays empty', async () => {
    const fs = await fileSystemWithDirectory();
    const keyspace = new Keyspace({ now: () => startMs });
    const report = await loadRdbFile({ fileSystem: fs, path: dumpPath, keyspace, nowMs: startMs, verifyChecksum: true });
    expect(report).toEqual({ source: 'missing', keysLoaded: 0, keysExpired: 0, bytesRead: 0 });
    expect(keyspace.size(0)).toBe(0);
  });

  it('reads a 2.5 MiB dump in consecutive 1 MiB reads ending exactly at its size, then closes it; the report says file and every byte read', async () => {
    const file = bigDump(5, 512 * 1024);
    const size = file.length;
    expect(size).toBeGreaterThan(2 * rdbLoadChunkBytes);
    expect(size).toBeLessThan(3 * rdbLoadChunkBytes);
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, file);
    const since = fs.operationLog.entries.length;
    const keyspace = new Keyspace({ now: () => startMs });
    const report = await loadRdbFile({ fileSystem: fs, path: dumpPath, keyspace, nowMs: startMs, verifyChecksum: true });
    expect(report).toEqual({ source: 'file', keysLoaded: 5, keysExpired: 0, bytesRead: size });
    expect(keyspace.size(0)).toBe(5);
    expect(keyspace.loading).toBe(false);
    const chunk = rdbLoadChunkBytes;
    expect(dumpOperations(fs, since)).toEqual([
      'open (read)',
      'size',
      `read [0,${chunk})`,
      `read [${chunk},${2 * chunk})`,
      `read [${2 * chunk},${size})`,
      'close',
    ]);
  });

  it('reads a small dump in one read of exactly its size, and closes it after a refusal too', async () => {
    const file = bigDump(1, 10);
    for (const [label, bytes] of [
      ['intact', file],
      ['cut', file.subarray(0, file.length - 3)],
    ] as const) {
      const fs = await fileSystemWithDirectory();
      await writeDump(fs, bytes);
      const since = fs.operationLog.entries.length;
      const keyspace = new Keyspace({ now: () => startMs });
      const outcome = await loadRdbFile({ fileSystem: fs, path: dumpPath, keyspace, nowMs: startMs, verifyChecksum: true }).then(
        (report) => report.bytesRead,
        (error: unknown) => (error instanceof RdbDecodeError ? error.kind : error),
      );
      expect(outcome, label).toBe(label === 'intact' ? bytes.length : 'truncated');
      expect(keyspace.loading, label).toBe(false);
      expect(dumpOperations(fs, since), label).toEqual(['open (read)', 'size', `read [0,${bytes.length})`, 'close']);
    }
  });

  it('refuses as truncated, without reading the same offset again, a dump that ends before the size fstat reported (shrunk under the load)', async () => {
    const file = bigDump(1, 10);
    const cut = file.subarray(0, file.length - 10);
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, cut);
    const reads: number[] = [];
    /** The dump's handle reports the 10 bytes another process cut after the fstat. */
    const staleSize: FileSystem = Object.create(fs, {
      open: {
        value: async (path: string, mode: 'read'): Promise<FileHandle> => {
          const handle = await fs.open(path, mode);
          return Object.create(handle, {
            size: { value: async () => (await handle.size()) + 10 },
            read: {
              value: (offset: number, length: number) => {
                reads.push(offset);
                if (reads.length > 10) throw new Error(`read ${reads.length} times: ${reads.join(', ')}`);
                return handle.read(offset, length);
              },
            },
            close: { value: () => handle.close() },
          }) as FileHandle;
        },
      },
    }) as FileSystem;
    const error = await loadRdbFile({ fileSystem: staleSize, path: dumpPath, keyspace: new Keyspace({ now: () => startMs }), nowMs: startMs, verifyChecksum: true }).then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(RdbDecodeError);
    expect([(error as RdbDecodeError).kind, (error as RdbDecodeError).fileName]).toEqual(['truncated', dumpPath]);
    expect(reads).toEqual([0, cut.length]);
  });

  it('refuses to load into a keyspace that already holds a key, before opening the dump (a load starts from an empty keyspace)', async () => {
    const fs = await fileSystemWithDirectory();
    await writeDump(fs, await savedDump());
    for (const db of [0, 15]) {
      const keyspace = new Keyspace({ now: () => startMs });
      keyspace.set(db, 'leftover', { type: 'string', value: 'x' }, null);
      const since = fs.operationLog.entries.length;
      const error = await loadRdbFile({ fileSystem: fs, path: dumpPath, keyspace, nowMs: startMs, verifyChecksum: true }).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error, `db ${db}`).toBeInstanceOf(AssertionError);
      expect(fs.operationLog.entries.length, `db ${db}`).toBe(since);
    }
  });
});
