/**
 * Goal: loadAofFile replays ONE file of the multi-part AOF as Redis 7.0's
 * loadSingleAppendOnlyFile does (facts §5.3), and reports what it found: RDB preamble or RESP
 * from byte 0 (decided by the 5 magic bytes "REDIS" and nothing less), keys inserted from the
 * preamble and commands applied from the RESP part, where a torn tail would be cut (an offset in
 * the whole file, also after a preamble), and typed refusals ('rdb', 'format') naming the file,
 * the byte offset and the reason, with the decoder's own error as the cause. A file bigger than
 * the read chunk is read front to back once, in chunks of at most aofLoadChunkBytes.
 * Method: files written by hand on a CrashFileSystem, loaded into a fresh Keyspace (loading
 * set, as the caller does); the result, the keyspace and the file-system operation log checked.
 */
import { describe, expect, it } from 'vitest';
import { opcode } from '../encoding/rdb-format.ts';
import { encodeRdb } from '../encoding/rdb-dataset.ts';
import { rdbFile } from '../encoding/testing/rdb-test-file.ts';
import type { CrashFileSystem } from '../fs/crash-file-system.ts';
import type { FileHandle } from '../fs/file-system.ts';
import { ForwardingFileSystem, ForwardingHandle } from '../fs/testing/forwarding-file-system.ts';
import { aofLoadChunkBytes } from '../impl-limits.ts';
import { Keyspace } from '../keyspace/index.ts';
import { seededRandom } from '../testing/seeded-random.ts';
import { type AofFileLoadResult, loadAofFile } from './aof-file-loader.ts';
import { AofLoadError } from './aof-load-error.ts';
import { aofPath, diskWith, resp } from './testing/aof-harness.ts';
import { startMs } from './testing/store-harness.ts';

const name = 'appendonly.aof.1.base.rdb';
const path = aofPath(name);

async function loadFile(contents: string | Uint8Array, verifyChecksum = true): Promise<{ fs: CrashFileSystem; keyspace: Keyspace; result: AofFileLoadResult }> {
  const fs = await diskWith({ [name]: contents });
  const keyspace = new Keyspace({ now: () => startMs });
  keyspace.loading = true;
  try {
    const result = await loadAofFile({ fileSystem: fs, path, keyspace, random: seededRandom(7), verifyChecksum });
    return { fs, keyspace, result };
  } finally {
    keyspace.loading = false;
  }
}

async function refusal(contents: string | Uint8Array, verifyChecksum = true): Promise<AofLoadError> {
  const error = await loadFile(contents, verifyChecksum).then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(AofLoadError);
  return error as AofLoadError;
}

/** The string keys of db 0 and their values. */
function stringsOf(keyspace: Keyspace): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [key, entry] of keyspace.entries(0)) if (entry.value.type === 'string') strings[key] = entry.value.value;
  return strings;
}

/** An RDB preamble (as aof-use-rdb-preamble writes it) holding string keys in db 0. */
function preamble(keys: Record<string, string>): Buffer {
  const db0 = new Map(Object.entries(keys).map(([key, value]) => [key, { value: { type: 'string' as const, value }, expireAtMs: null }]));
  return Buffer.concat(encodeRdb(new Map([[0, db0]]), { aof: true, ctimeSeconds: 1, usedMemory: 0, compression: false }));
}

const twoSets = resp('SELECT', '0') + resp('set', 'a', '1') + resp('set', 'b', '2');

describe('what a load of one file reports', () => {
  it('a RESP file: no preamble, complete up to its size, 3 commands applied and 0 keys inserted', async () => {
    const { keyspace, result } = await loadFile(twoSets);
    expect(result).toEqual({ status: 'complete', size: twoSets.length, validUpTo: twoSets.length, openMulti: false, rdbPreamble: false, keysLoaded: 0, commandsApplied: 3 });
    expect(stringsOf(keyspace)).toEqual({ a: '1', b: '2' });
  });

  it('an RDB preamble with a RESP tail: preamble reported, its 2 keys counted as inserted and the tail\'s 2 commands as applied', async () => {
    const file = Buffer.concat([preamble({ k1: 'v1', k2: 'v2' }), Buffer.from(resp('SELECT', '0') + resp('set', 'tail', 't'), 'latin1')]);
    const { keyspace, result } = await loadFile(file);
    expect(result).toEqual({ status: 'complete', size: file.length, validUpTo: file.length, openMulti: false, rdbPreamble: true, keysLoaded: 2, commandsApplied: 2 });
    expect(stringsOf(keyspace)).toEqual({ k1: 'v1', k2: 'v2', tail: 't' });
  });

  it('a torn command in the RESP tail after a preamble: truncated, validUpTo is the offset in the whole file (preamble + complete tail)', async () => {
    const rdb = preamble({ k: 'v' });
    const tail = resp('SELECT', '0') + resp('set', 'a', '1');
    const file = Buffer.concat([rdb, Buffer.from(tail + resp('set', 'b', '2').slice(0, 10), 'latin1')]);
    const { result } = await loadFile(file);
    expect(result).toMatchObject({ status: 'truncated', size: file.length, validUpTo: rdb.length + tail.length, rdbPreamble: true, keysLoaded: 1, commandsApplied: 2 });
  });
});

describe('what a load of one file counts as applied', () => {
  it('a MULTI left open at the end: truncated before it; neither the MULTI nor what it queued counts as applied', async () => {
    const before = resp('set', 'a', '1') + resp('MULTI') + resp('set', 'b', '2') + resp('EXEC');
    const text = before + resp('MULTI') + resp('set', 'c', '3') + resp('set', 'd', '4');
    const { keyspace, result } = await loadFile(text);
    expect(result).toEqual({ status: 'truncated', size: text.length, validUpTo: before.length, openMulti: true, rdbPreamble: false, keysLoaded: 0, commandsApplied: 4 });
    expect(stringsOf(keyspace)).toEqual({ a: '1', b: '2' });
  });

  it('a closed MULTI … EXEC counts all its commands: the MULTI, what it queued and the EXEC', async () => {
    const text = resp('set', 'a', '1') + resp('MULTI') + resp('set', 'b', '2') + resp('set', 'c', '3') + resp('EXEC');
    const { keyspace, result } = await loadFile(text);
    expect(result).toEqual({ status: 'complete', size: text.length, validUpTo: text.length, openMulti: false, rdbPreamble: false, keysLoaded: 0, commandsApplied: 5 });
    expect(stringsOf(keyspace)).toEqual({ a: '1', b: '2', c: '3' });
  });

  it('an EXEC the session refuses (it takes no argument) leaves its MULTI open: nothing of the MULTI counts as applied, and nothing of it was', async () => {
    const text = resp('set', 'a', '1') + resp('MULTI') + resp('set', 'b', '2') + resp('EXEC', 'now');
    const { keyspace, result } = await loadFile(text);
    expect(result).toMatchObject({ status: 'complete', openMulti: false, commandsApplied: 1 });
    expect(stringsOf(keyspace)).toEqual({ a: '1' });
  });
});

describe('RDB preamble or RESP: the 5 magic bytes decide', () => {
  it('a file of exactly the 5 bytes "REDIS" is a torn RDB preamble (rdb, truncated), not RESP garbage', async () => {
    const error = await refusal('REDIS');
    expect(error).toMatchObject({ kind: 'rdb', fileName: path });
    expect(error.reason).toMatch(/^RDB preamble: truncated: unexpected end of file while reading the header/);
  });

  it.each([['REDIX0011'], ['REDI'], ['RUBBISH']])('a file starting %j (not all of "REDIS") is read as RESP: "Bad file format" at offset 0', async (contents) => {
    const error = await refusal(contents);
    expect(error).toMatchObject({ kind: 'format', fileName: path, offset: 0 });
    expect(error.reason).toMatch(/^Bad file format reading the append only file: /);
  });
});

describe('refusals of an RDB preamble (rdb), naming file, offset and reason', () => {
  it('a stored CRC-64 that does not match: refused as corrupt with rdbchecksum yes, loaded with rdbchecksum no', async () => {
    const file = preamble({ k: 'v' });
    file[file.length - 1] = (file[file.length - 1] ?? 0) ^ 0x01;
    const error = await refusal(file, true);
    expect(error).toMatchObject({ kind: 'rdb', fileName: path, offset: file.length - 8 });
    expect(error.reason).toMatch(/^RDB preamble: corrupt: RDB CRC error: stored [0-9a-f]+, computed [0-9a-f]+$/);
    const { keyspace, result } = await loadFile(file, false);
    expect(result).toMatchObject({ status: 'complete', rdbPreamble: true, keysLoaded: 1 });
    expect(stringsOf(keyspace)).toEqual({ k: 'v' });
  });

  it('a key twice in one db: corrupt at the second copy\'s offset, naming the key and the db', async () => {
    const file = rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(3);
      writer.byte(0).string('k').string('first');
      writer.byte(0).string('k').string('second');
    });
    const error = await refusal(file);
    expect(error).toMatchObject({ kind: 'rdb', fileName: path, offset: file.indexOf('second') - 4, reason: 'RDB preamble: corrupt: duplicate key "k" in db 3' });
  });

  it('a second copy of a key whose value the end of the file tears: truncated, not duplicate (the value is read before the duplicate check, as Redis does)', async () => {
    const whole = rdbFile((writer) => {
      writer.byte(opcode.selectDb).length(0);
      writer.byte(0).string('k').string('first');
      writer.byte(0).string('k').string('second');
    });
    const file = whole.subarray(0, whole.indexOf('second') + 3);
    const error = await refusal(file);
    expect(error).toMatchObject({ kind: 'rdb', fileName: path });
    expect(error.reason).toMatch(/^RDB preamble: truncated: /);
  });

  it('a FUNCTION2 library: unsupported (durakv has no function engine), at an offset past the library record', async () => {
    const library = '#!lua name=lib\nreturn 1';
    const file = rdbFile((writer) => writer.byte(opcode.function2).string(library));
    const error = await refusal(file);
    expect(error).toMatchObject({ kind: 'rdb', fileName: path, reason: 'RDB preamble: unsupported: FUNCTION2 library: durakv has no function engine (offset is where decoding stood)' });
    expect(error.offset).toBeGreaterThanOrEqual(file.indexOf(library) + library.length);
    expect(error.offset).toBeLessThanOrEqual(file.length);
  });
});

describe('refusals of the RESP part (format)', () => {
  it('garbage in the RESP tail after a preamble: offset in the whole file, and the decoder\'s AofDecodeError as the cause, naming the same file and offset', async () => {
    const rdb = preamble({ k: 'v' });
    const tail = resp('SELECT', '0') + resp('set', 'a', '1');
    const error = await refusal(Buffer.concat([rdb, Buffer.from(`${tail}!garbage`, 'latin1')]));
    expect(error).toMatchObject({ kind: 'format', fileName: path, offset: rdb.length + tail.length });
    expect(error.cause).toMatchObject({ name: 'AofDecodeError', fileName: path, offset: rdb.length + tail.length });
  });

  it('garbage in a RESP file: the cause is the decoder\'s AofDecodeError naming the same file and offset', async () => {
    const error = await refusal(`${twoSets}!garbage`);
    expect(error).toMatchObject({ kind: 'format', fileName: path, offset: twoSets.length });
    expect(error.cause).toMatchObject({ name: 'AofDecodeError', fileName: path, offset: twoSets.length });
  });

  it('a last line cut by the end of the file that is already malformed ("*0", no newline) is a format error, not a torn tail', async () => {
    const error = await refusal(`${twoSets}*0`);
    expect(error).toMatchObject({ kind: 'format', fileName: path, offset: twoSets.length });
    expect(error.reason).toMatch(/argument count 0 is below 1/);
  });
});

describe('a file bigger than the read chunk', () => {
  it('2.5 chunks of SETs with commands split across both chunk boundaries: every command applied, read once front to back in chunks of at most aofLoadChunkBytes, nothing read past the end', async () => {
    const value = (index: number): string => String.fromCharCode(97 + (index % 26)).repeat(100_003);
    let text = resp('SELECT', '0');
    let count = 0;
    while (text.length < 2.5 * aofLoadChunkBytes) {
      text += resp('set', `key:${count}`, value(count));
      count += 1;
    }
    const { fs, keyspace, result } = await loadFile(text);
    expect(result).toEqual({ status: 'complete', size: text.length, validUpTo: text.length, openMulti: false, rdbPreamble: false, keysLoaded: 0, commandsApplied: count + 1 });
    expect(keyspace.size(0)).toBe(count);
    for (let index = 0; index < count; index += 1) expect(keyspace.peek(0, `key:${index}`)?.value).toEqual({ type: 'string', value: value(index) });
    const reads = fs.operationLog.entries.filter((entry) => entry.operation === 'read' && entry.path === path).map((entry) => entry.detail);
    expect(reads).toEqual([`[0,${aofLoadChunkBytes})`, `[${aofLoadChunkBytes},${2 * aofLoadChunkBytes})`, `[${2 * aofLoadChunkBytes},${text.length})`]);
  });

  it('a file another process shrinks during the load (to 1.5 chunks, after the first read): the load ends at the new end, reports the torn command there as truncated, and stops after the first read that finds nothing', async () => {
    const value = (index: number): string => String.fromCharCode(97 + (index % 26)).repeat(100_003);
    let text = resp('SELECT', '0');
    const ends: number[] = [];
    while (text.length < 2.5 * aofLoadChunkBytes) {
      text += resp('set', `key:${ends.length}`, value(ends.length));
      ends.push(text.length);
    }
    const shrunkTo = Math.floor(1.5 * aofLoadChunkBytes);
    const disk = await diskWith({ [name]: text });
    const reads: string[] = [];
    // The handle's size() was taken before the shrink, so the loader still expects 2.5 chunks.
    class ShrinkingHandle extends ForwardingHandle {
      override async read(offset: number, length: number): Promise<Uint8Array> {
        const bytes = await this.inner.read(offset, length);
        reads.push(`[${offset},${offset + length}) -> ${bytes.length}`);
        if (offset === 0) {
          const writer = await disk.open(path, 'read-write');
          await writer.truncate(shrunkTo);
          await writer.close();
        }
        return bytes;
      }
    }
    class ShrinkingFileSystem extends ForwardingFileSystem {
      protected override wrapHandle(handle: FileHandle): FileHandle {
        return new ShrinkingHandle(handle);
      }
    }
    const keyspace = new Keyspace({ now: () => startMs });
    keyspace.loading = true;
    const result = await loadAofFile({ fileSystem: new ShrinkingFileSystem(disk), path, keyspace, random: seededRandom(7), verifyChecksum: true });
    keyspace.loading = false;
    const complete = ends.filter((end) => end <= shrunkTo);
    expect(result).toMatchObject({ status: 'truncated', size: text.length, validUpTo: complete[complete.length - 1], rdbPreamble: false, commandsApplied: complete.length + 1 });
    expect(keyspace.size(0)).toBe(complete.length);
    expect(reads).toEqual([`[0,${aofLoadChunkBytes}) -> ${aofLoadChunkBytes}`, `[${aofLoadChunkBytes},${2 * aofLoadChunkBytes}) -> ${shrunkTo - aofLoadChunkBytes}`, `[${shrunkTo},${Math.min(shrunkTo + aofLoadChunkBytes, text.length)}) -> 0`]);
  });
});
