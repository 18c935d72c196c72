/**
 * Goal: Redis 7.0's tests/integration/aof.tcl (40 scenarios; facts §6.1), ported wherever they
 * apply to what durakv supports, each named `aof.tcl <n>: <Redis's test name>` and asserting
 * the outcome Redis's test asserts: that the server starts or refuses (with Redis's message
 * text, the file and the offset), the data after the load, the truncation on disk, what the
 * AOF holds after commands. The redis-check-aof scenarios are ported as checks of durakv's own
 * decoder (the strict mode that validates what redis-check-aof validates) and loader on the same
 * inputs; the tool itself (its output, --fix prompt, --truncate-to-timestamp) is redis-check-aof's:
 * conformance/interop runs the real binary's verdict on durakv's directories and compares its
 * --fix cut with durakv's at every tear offset (aof-torn-tail.test.ts). docs/redis-aof-scenarios.md
 * maps every scenario to its test or says why it does not apply.
 * Method: the files written by hand exactly as the Tcl test writes them (formatCommand,
 * append_to_aof), on a CrashFileSystem; servers are durakv Stores opened through impl/index.ts.
 */
import { describe, expect, it } from 'vitest';
import { AofDecoder, type AofDecodeEnd, type AofItem } from '../../impl/encoding/aof-decoder.ts';
import { AofDecodeError } from '../../impl/encoding/aof-decode-error.ts';
import { parseAofManifest } from '../../impl/encoding/aof-manifest-codec.ts';
import type { CrashFileSystem } from '../../impl/index.ts';
import {
  type Server,
  alive,
  aofManifestFile,
  createAof,
  createManifest,
  expectManifest,
  expectRefused,
  fileText,
  formatCommand,
  inAofDir,
  manifestLines,
  newDisk,
  rdbPreambleAof,
  restart,
  serverPath,
  startServer,
  startServerAof,
  startMs,
} from './scenario-support.ts';

const aofFile = inAofDir('appendonly.aof.1.incr.aof');
const aofBaseFile = inAofDir('appendonly.aof.1.base.aof');
const incrManifest = manifestLines('file appendonly.aof.1.incr.aof seq 1 type i');
const baseAndIncrManifest = manifestLines('file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i');

/** A disk as aof.tcl leaves it: the incr-only manifest and `$aof_file` holding `text`. */
async function aofDisk(text: string): Promise<CrashFileSystem> {
  const fs = await newDisk();
  await createAof(fs, aofFile, text);
  await createManifest(fs, incrManifest);
  return fs;
}

/** Strict decode (what redis-check-aof validates) of a whole RESP file. */
function checkAof(text: string | Uint8Array, fileName = aofFile, startOffset = 0): { items: AofItem[]; end: AofDecodeEnd } {
  const decoder = new AofDecoder({ fileName, strictCrlf: true, startOffset });
  const items = decoder.push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text);
  return { items, end: decoder.end() };
}

/** redis-check-aof's ok_up_to_line for a cut at `offset`: the "\r\n"-ended lines before it, plus one. */
function lineOfOffset(text: string, offset: number): number {
  return text.slice(0, offset).split('\r\n').length;
}

const setFooHello = formatCommand('set', 'foo', 'hello');

describe('aof.tcl: truncated and unfinished AOFs (scenarios 1-14)', () => {
  const unfinishedMulti = setFooHello + formatCommand('multi') + formatCommand('set', 'bar', 'world');

  it('aof.tcl 1: Unfinished MULTI: Server should start if load-truncated is yes', async () => {
    const fs = await aofDisk(unfinishedMulti);
    const server = alive(await startServerAof(fs, { aofLoadTruncated: true }));
    expect([await server.r('get', 'foo'), await server.r('get', 'bar')]).toEqual(['hello', null]);
    // "Revert incomplete MULTI/EXEC transaction": the file is cut on disk before the MULTI.
    expect(await fileText(fs, aofFile)).toBe(setFooHello);
  });

  const fiveIncrsAndATornSixth = formatCommand('incr', 'foo').repeat(5) + formatCommand('incr', 'foo').slice(0, -1);

  async function shortReadServer(): Promise<Server> {
    return alive(await startServerAof(await aofDisk(fiveIncrsAndATornSixth), { aofLoadTruncated: true }));
  }

  async function afterAppendingToTheTruncatedAof(): Promise<Server> {
    const server = await shortReadServer();
    expect(await server.r('incr', 'foo')).toBe(6);
    return server;
  }

  it('aof.tcl 2: Short read: Server should start if load-truncated is yes', async () => {
    const server = await shortReadServer();
    expect(server.store.info().aofEnabled).toBe(true);
    // Truncated on disk at the end of the last complete command ("Truncating the AOF at offset").
    expect(await fileText(server.fs, aofFile)).toBe(formatCommand('incr', 'foo').repeat(5));
  });

  it('aof.tcl 3: Truncated AOF loaded: we expect foo to be equal to 5', async () => {
    const server = await shortReadServer();
    expect(await server.r('get', 'foo')).toBe('5');
  });

  it('aof.tcl 4: Append a new command after loading an incomplete AOF', async () => {
    const server = await afterAppendingToTheTruncatedAof();
    // The new command follows the cut, not the torn bytes (a fresh live file starts with SELECT).
    expect(await fileText(server.fs, aofFile)).toBe(formatCommand('incr', 'foo').repeat(5) + formatCommand('SELECT', '0') + formatCommand('incr', 'foo'));
  });

  it('aof.tcl 5: Short read + command: Server should start', async () => {
    const server = await restart(await afterAppendingToTheTruncatedAof(), { aofLoadTruncated: true });
    expect(server.store.info()).toMatchObject({ aofEnabled: true, aofCurrentSize: (await fileText(server.fs, aofFile))?.length });
  });

  it('aof.tcl 6: Truncated AOF loaded: we expect foo to be equal to 6 now', async () => {
    const server = await restart(await afterAppendingToTheTruncatedAof(), { aofLoadTruncated: true });
    expect(await server.r('get', 'foo')).toBe('6');
  });

  it('aof.tcl 7: Bad format: Server should have logged an error', async () => {
    const fs = await aofDisk(`${setFooHello}!!!${setFooHello}`);
    const error = await expectRefused(fs, { aofLoadTruncated: true }, 'format');
    expect(error.reason).toMatch(/^Bad file format reading the append only file/);
    expect(error).toMatchObject({ fileName: aofFile, offset: setFooHello.length });
  });

  it('aof.tcl 8: Unfinished MULTI: Server should have logged an error', async () => {
    const fs = await aofDisk(unfinishedMulti);
    const error = await expectRefused(fs, { aofLoadTruncated: false }, 'truncated');
    expect(error.reason).toMatch(/^Unexpected end of file reading the append only file/);
    expect(error).toMatchObject({ fileName: aofFile, offset: setFooHello.length });
  });

  const shortRead = setFooHello + formatCommand('set', 'bar', 'world').slice(0, -1);

  it('aof.tcl 9: Short read: Server should have logged an error', async () => {
    const fs = await aofDisk(shortRead);
    const error = await expectRefused(fs, { aofLoadTruncated: false }, 'truncated');
    expect(error.reason).toMatch(/^Unexpected end of file reading the append only file/);
    expect(error).toMatchObject({ fileName: aofFile, offset: setFooHello.length });
  });

  it('aof.tcl 10: Short read: Utility should confirm the AOF is not valid', () => {
    const { end } = checkAof(shortRead);
    // "not valid": ok_up_to < size (diff > 0).
    expect(end).toMatchObject({ status: 'truncated', validUpTo: setFooHello.length });
    expect(shortRead.length - end.validUpTo).toBe(formatCommand('set', 'bar', 'world').length - 1);
  });

  const garbageAfterSet = `${setFooHello}!!!`;

  it('aof.tcl 11: Short read: Utility should show the abnormal line num in AOF', async () => {
    let thrown: unknown = null;
    try {
      checkAof(garbageAfterSet);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AofDecodeError);
    const error = thrown as AofDecodeError;
    expect(error).toMatchObject({ offset: setFooHello.length, validUpTo: setFooHello.length });
    expect(lineOfOffset(garbageAfterSet, error.validUpTo)).toBe(8); // ok_up_to_line=8
    // The server refuses the same file at the same place.
    const refused = await expectRefused(await aofDisk(garbageAfterSet), { aofLoadTruncated: false }, 'format');
    expect(refused.offset).toBe(setFooHello.length);
  });

  /** redis-check-aof --fix: cut the file where the check stopped being valid. */
  async function fixedAofDisk(): Promise<CrashFileSystem> {
    const fs = await aofDisk(garbageAfterSet);
    let cut = -1;
    try {
      checkAof(garbageAfterSet);
    } catch (error) {
      if (error instanceof AofDecodeError) cut = error.validUpTo;
    }
    const handle = await fs.open(aofFile, 'read-write');
    await handle.truncate(cut);
    await handle.fsync();
    await handle.close();
    return fs;
  }

  it('aof.tcl 12: Short read: Utility should be able to fix the AOF', async () => {
    const fs = await fixedAofDisk();
    expect(await fileText(fs, aofFile)).toBe(setFooHello);
    expect(checkAof(setFooHello).end).toMatchObject({ status: 'complete', validUpTo: setFooHello.length });
  });

  it('aof.tcl 13: Fixed AOF: Server should have been started', async () => {
    const server = alive(await startServerAof(await fixedAofDisk(), { aofLoadTruncated: false }));
    expect(server.store.info()).toMatchObject({ aofEnabled: true, aofCurrentSize: setFooHello.length });
  });

  it('aof.tcl 14: Fixed AOF: Keyspace should contain values that were parseable', async () => {
    const server = alive(await startServerAof(await fixedAofDisk(), { aofLoadTruncated: false }));
    expect([await server.r('get', 'foo'), await server.r('get', 'bar')]).toEqual(['hello', null]);
  });
});

describe('aof.tcl: commands that rewrite themselves, replayed (scenarios 15-24)', () => {
  const spopAof = formatCommand('sadd', 'set', 'foo') + formatCommand('sadd', 'set', 'bar') + formatCommand('spop', 'set');
  const spopCountAof = formatCommand('sadd', 'set', 'foo') + formatCommand('sadd', 'set', 'bar') + formatCommand('sadd', 'set', 'gah') + formatCommand('spop', 'set', '2');

  /** SCARD (durakv has SMEMBERS, not SCARD). */
  async function scard(server: Server, key: string): Promise<number> {
    const members = await server.r('smembers', key);
    expect(Array.isArray(members)).toBe(true);
    return (members as unknown[]).length;
  }

  it('aof.tcl 15: AOF+SPOP: Server should have been started', async () => {
    const server = alive(await startServerAof(await aofDisk(spopAof), { aofLoadTruncated: false }));
    expect(server.store.info().aofCurrentSize).toBe(spopAof.length);
  });

  it('aof.tcl 16: AOF+SPOP: Set should have 1 member', async () => {
    const server = alive(await startServerAof(await aofDisk(spopAof), { aofLoadTruncated: false }));
    expect(await scard(server, 'set')).toBe(1);
  });

  it('aof.tcl 17: AOF+SPOP: Server should have been started (SPOP with count)', async () => {
    const server = alive(await startServerAof(await aofDisk(spopCountAof)));
    expect(server.store.info().aofCurrentSize).toBe(spopCountAof.length);
  });

  it('aof.tcl 18: AOF+SPOP: Set should have 1 member (SPOP with count)', async () => {
    const server = alive(await startServerAof(await aofDisk(spopCountAof)));
    expect(await scard(server, 'set')).toBe(1);
  });

  const expireAof = formatCommand('rpush', 'list', 'foo') + formatCommand('pexpireat', 'list', '1000') + formatCommand('rpush', 'list', 'bar');

  it('aof.tcl 19: AOF+EXPIRE: Server should have been started', async () => {
    const server = alive(await startServerAof(await aofDisk(expireAof), { aofLoadTruncated: false }));
    // Nothing expires during the replay: the later RPUSH appended to the same (past-TTL) key.
    expect(server.store.dataset().get(0)?.get('list')).toEqual({ value: { type: 'list', items: ['foo', 'bar'] }, expireAtMs: 1000 });
  });

  it('aof.tcl 20: AOF+EXPIRE: List should be empty', async () => {
    const server = alive(await startServerAof(await aofDisk(expireAof), { aofLoadTruncated: false }));
    expect(await server.r('llen', 'list')).toBe(0);
  });

  it('aof.tcl 21: Redis should not try to convert DEL into EXPIREAT for EXPIRE -1', async () => {
    const server = alive(await startServer(await newDisk(), { appendonly: true }));
    expect(await server.r('set', 'x', '10')).toBe('OK');
    expect(await server.r('expire', 'x', '-1')).toBe(1);
    expect(await server.r('get', 'x')).toBe(null);
    expect(await fileText(server.fs, aofFile)).toBe(formatCommand('SELECT', '0') + formatCommand('set', 'x', '10') + formatCommand('DEL', 'x'));
    const reloaded = await restart(server);
    expect(await reloaded.r('exists', 'x')).toBe(0);
  });

  it('aof.tcl 22: AOF fsync always barrier issue (replies wait for the write and fdatasync of their turn)', async () => {
    const server = alive(await startServer(await newDisk(), { appendonly: true, appendfsync: 'always' }));
    const synced = (): string[] =>
      server.fs.operationLog.entries.filter((entry) => entry.path === aofFile && entry.outcome === 'ok' && (entry.operation === 'append' || entry.operation === 'fdatasync')).map((entry) => entry.operation);
    for (const size of [10_000, 100_000, 300_000]) {
      await server.r('del', 'x');
      await server.r('set', 'x', 'x'.repeat(size));
      const before = synced().length;
      const size1 = (await server.fs.stat(aofFile)).size;
      const [reader, writer] = [server.store.session(), server.store.session()];
      const seenAtReply: number[] = [];
      // One event-loop turn: a big reply and an INCR; neither reply may be released before the
      // turn's AOF write and its fdatasync are done.
      await Promise.all([
        reader.execute(['get', 'x']).then(() => seenAtReply.push(synced().length - before)),
        writer.execute(['incr', 'new_value']).then(() => seenAtReply.push(synced().length - before)),
      ]);
      expect(seenAtReply).toEqual([2, 2]);
      expect(synced().slice(before)).toEqual(['append', 'fdatasync']);
      expect((await server.fs.stat(aofFile)).size).not.toBe(size1);
    }
  });

  it('aof.tcl 23: GETEX should not append to AOF (no GETEX in durakv: it is refused, and reads and no-op writes append nothing)', async () => {
    const server = alive(await startServer(await newDisk(), { appendonly: true }));
    await server.r('set', 'foo', 'bar');
    const before = await fileText(server.fs, aofFile);
    expect(before).toBe(formatCommand('SELECT', '0') + formatCommand('set', 'foo', 'bar'));
    expect(await server.r('getex', 'foo')).toMatch(/^-ERR unknown command 'getex'/);
    expect(await server.r('get', 'foo')).toBe('bar');
    expect(await server.r('pttl', 'foo')).toBe(-1);
    expect(await server.r('persist', 'foo')).toBe(0);
    expect(await server.r('expire', 'missing', '100')).toBe(0);
    expect(await server.r('srem', 'missing', 'm')).toBe(0);
    expect(await fileText(server.fs, aofFile)).toBe(before);
  });

  it('aof.tcl 24: Unknown command: Server should have logged an error', async () => {
    const fs = await aofDisk(setFooHello + formatCommand('bla', 'foo', 'hello') + setFooHello);
    const error = await expectRefused(fs, { aofLoadTruncated: true }, 'unknown-command');
    expect(error).toMatchObject({ fileName: aofFile, offset: setFooHello.length, reason: "Unknown command 'bla' reading the append only file" });
  });
});

describe('aof.tcl: LMPOP/ZMPOP scenarios 25-28 (not supported; their intent with the pops durakv has)', () => {
  it('aof.tcl 25+26 (intent, LPOP/RPOP with count instead of LMPOP/BLMPOP): pop elements from the lists, then the restart replays to the same lists', async () => {
    const fs = await aofDisk(formatCommand('lpush', 'mylist', 'a', 'b', 'c') + formatCommand('rpush', 'mylist2', '1', '2', '3') + formatCommand('lpush', 'mylist3', 'a', 'b', 'c', 'd', 'e'));
    const server = alive(await startServerAof(fs, { aofLoadTruncated: false }));
    expect(await server.r('lpop', 'mylist', '1')).toEqual(['c']);
    expect(await server.r('lpop', 'mylist', '10')).toEqual(['b', 'a']);
    expect(await server.r('rpop', 'mylist2', '10')).toEqual(['3', '2', '1']);
    await server.r('lpush', 'mylist2', 'a', 'b', 'c');
    expect(await server.r('lpop', 'mylist2', '3')).toEqual(['c', 'b', 'a']);
    expect(await server.r('rpop', 'mylist3', '3')).toEqual(['a', 'b', 'c']);
    const reloaded = await restart(server, { aofLoadTruncated: false });
    expect(await reloaded.r('exists', 'mylist', 'mylist2')).toBe(0);
    expect(await reloaded.r('llen', 'mylist3')).toBe(2);
  });

  it('aof.tcl 27+28 (intent, ZREM instead of ZMPOP/BZMPOP): pop elements from the zsets, then the restart replays to the same zsets', async () => {
    const fs = await aofDisk(
      formatCommand('zadd', 'myzset', '1', 'one', '2', 'two', '3', 'three') +
        formatCommand('zadd', 'myzset2', '4', 'four', '5', 'five', '6', 'six') +
        formatCommand('zadd', 'myzset3', '1', 'one', '2', 'two', '3', 'three', '4', 'four', '5', 'five'),
    );
    const server = alive(await startServerAof(fs, { aofLoadTruncated: false }));
    expect(await server.r('zrem', 'myzset', 'one', 'two', 'three')).toBe(3);
    expect(await server.r('zrem', 'myzset2', 'four', 'five', 'six')).toBe(3);
    expect(await server.r('zrem', 'myzset3', 'three', 'four', 'five')).toBe(3);
    const reloaded = await restart(server, { aofLoadTruncated: false });
    expect(await reloaded.r('exists', 'myzset', 'myzset2')).toBe(0);
    expect(await reloaded.r('zrange', 'myzset3', '0', '-1')).toEqual(['one', 'two']);
  });
});

describe('aof.tcl: timestamp annotations (scenarios 29-31)', () => {
  it('aof.tcl 29: Generate timestamp annotations in AOF', async () => {
    const server = alive(await startServer(await newDisk(), { appendonly: true }));
    expect(await server.r('config', 'set', 'aof-timestamp-enabled', 'yes')).toBe('OK');
    expect(await server.r('config', 'set', 'aof-use-rdb-preamble', 'no')).toBe('OK');
    await server.r('set', 'foo', 'bar');
    const seconds = startMs / 1000;
    expect((await fileText(server.fs, aofFile))?.split('\r\n')[0]).toBe(`#TS:${seconds}`);
    expect(await server.r('bgrewriteaof')).toBe('Background append only file rewriting started');
    await server.finish();
    await expectManifest(server.fs, ['file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    expect((await fileText(server.fs, inAofDir('appendonly.aof.2.base.aof')))?.split('\r\n')[0]).toBe(`#TS:${seconds}`);
  });

  const annotated =
    '#TS:1628217470\r\n' +
    formatCommand('set', 'foo1', 'bar1') +
    '#TS:1628217471\r\n' +
    formatCommand('set', 'foo2', 'bar2') +
    '#TS:1628217472\r\n' +
    '#TS:1628217473\r\n' +
    formatCommand('set', 'foo3', 'bar3') +
    '#TS:1628217474\r\n';

  it('aof.tcl 30: Successfully load AOF which has timestamp annotations inside', async () => {
    const server = alive(await startServerAof(await aofDisk(annotated)));
    expect([await server.r('get', 'foo1'), await server.r('get', 'foo2'), await server.r('get', 'foo3')]).toEqual(['bar1', 'bar2', 'bar3']);
    expect(await fileText(server.fs, aofFile)).toBe(annotated);
  });

  /**
   * What redis-check-aof --truncate-to-timestamp T cuts (facts §7.2): the file at the first
   * `#TS:x` with x > T, found with durakv's decoder; 'aborting' when that is offset 0.
   */
  function truncateToTimestamp(text: string, timestamp: number): string | 'aborting' {
    const { items } = checkAof(text);
    const first = items.find((item) => item.kind === 'annotation' && Number(item.text.slice('#TS:'.length)) > timestamp);
    if (first === undefined) return text;
    return first.offset === 0 ? 'aborting' : text.slice(0, first.offset);
  }

  it('aof.tcl 31: Truncate AOF to specific timestamp', async () => {
    const expected: Array<[number, Array<string | null>]> = [
      [1628217473, ['bar1', 'bar2', 'bar3']],
      [1628217471, ['bar1', 'bar2', null]],
      [1628217470, ['bar1', null, null]],
    ];
    let text = annotated;
    for (const [timestamp, values] of expected) {
      const cut = truncateToTimestamp(text, timestamp);
      expect(cut).not.toBe('aborting');
      text = cut;
      const server = alive(await startServerAof(await aofDisk(text)));
      expect([await server.r('get', 'foo1'), await server.r('get', 'foo2'), await server.r('get', 'foo3')]).toEqual(values);
    }
    expect(text).toBe('#TS:1628217470\r\n' + formatCommand('set', 'foo1', 'bar1'));
    expect(truncateToTimestamp(text, 1628217469)).toBe('aborting');
  });
});


describe('aof.tcl: redis-check-aof on old-style and multi-part AOFs (scenarios 34-39), as durakv checks and loads them', () => {
  const fooBar = setFooHello + formatCommand('set', 'bar', 'world');

  it('aof.tcl 34: Test redis-check-aof for old style resp AOF', async () => {
    expect(checkAof(fooBar).end).toMatchObject({ status: 'complete', validUpTo: fooBar.length });
    // An old-style AOF is a pre-7.0 single file: durakv upgrades it and loads it.
    const fs = await newDisk();
    await createAof(fs, `${serverPath}/appendonly.aof`, fooBar);
    const server = alive(await startServerAof(fs));
    expect([await server.r('get', 'foo'), await server.r('get', 'bar')]).toEqual(['hello', 'world']);
  });

  it('aof.tcl 35: Test redis-check-aof for old style rdb-preamble AOF', async () => {
    const { bytes, preambleLength, tail } = rdbPreambleAof();
    // "RDB preamble is OK, proceeding with AOF tail" ... "is valid".
    expect(checkAof(Buffer.from(bytes).subarray(preambleLength), aofFile, preambleLength).end).toMatchObject({ status: 'complete', validUpTo: bytes.length });
    expect(tail.length).toBe(bytes.length - preambleLength);
    const fs = await newDisk();
    await createAof(fs, `${serverPath}/appendonly.aof`, bytes);
    const server = alive(await startServerAof(fs));
    expect([await server.r('get', 'k1'), await server.r('get', 'k2'), await server.r('get', 'k3')]).toEqual(['v1', 'v2', 'v3']);
  });

  it('aof.tcl 36: Test redis-check-aof for Multi Part AOF with resp AOF base', async () => {
    const fs = await newDisk();
    await createAof(fs, aofBaseFile, fooBar);
    await createAof(fs, aofFile, fooBar);
    await createManifest(fs, baseAndIncrManifest);
    const manifest = parseAofManifest(Buffer.from(baseAndIncrManifest, 'latin1'), aofManifestFile);
    expect([manifest.base?.fileName, manifest.incrs.map((incr) => incr.fileName)]).toEqual(['appendonly.aof.1.base.aof', ['appendonly.aof.1.incr.aof']]);
    for (const path of [aofBaseFile, aofFile]) expect(checkAof((await fileText(fs, path)) ?? '', path).end.status).toBe('complete');
    const server = alive(await startServerAof(fs));
    expect([await server.r('get', 'foo'), await server.r('get', 'bar')]).toEqual(['hello', 'world']);
    expect(server.store.info()).toMatchObject({ aofBaseSize: fooBar.length, aofCurrentSize: 2 * fooBar.length });
  });

  it('aof.tcl 37: Test redis-check-aof for Multi Part AOF with rdb-preamble AOF base', async () => {
    const { bytes } = rdbPreambleAof();
    const fs = await newDisk();
    await createAof(fs, aofBaseFile, bytes); // an RDB preamble under a .base.aof name: sniffed by its REDIS magic
    await createAof(fs, aofFile, fooBar);
    await createManifest(fs, baseAndIncrManifest);
    const server = alive(await startServerAof(fs));
    expect(await Promise.all(['k1', 'k2', 'k3', 'foo', 'bar'].map((key) => server.r('get', key)))).toEqual(['v1', 'v2', 'v3', 'hello', 'world']);
  });

  it('aof.tcl 38: Test redis-check-aof only truncates the last file for Multi Part AOF in fix mode', async () => {
    const unfinishedBase = setFooHello + formatCommand('multi') + formatCommand('set', 'bar', 'world');
    expect(checkAof(unfinishedBase, aofBaseFile).end).toMatchObject({ status: 'truncated', validUpTo: setFooHello.length, openMulti: true });
    const fs = await newDisk();
    await createAof(fs, aofBaseFile, unfinishedBase);
    await createAof(fs, aofFile, fooBar);
    await createManifest(fs, baseAndIncrManifest);
    // The loader, like the tool, never cuts a file that is not the last: the start is refused and the base is left as it was.
    for (const aofLoadTruncated of [true, false]) {
      const error = await expectRefused(fs, { aofLoadTruncated }, aofLoadTruncated ? 'truncated-not-last' : 'truncated');
      expect(error).toMatchObject({ fileName: aofBaseFile, offset: setFooHello.length });
    }
  });

  it('aof.tcl 39: Test redis-check-aof only truncates the last file for Multi Part AOF in truncate-to-timestamp mode (annotations in a base load)', async () => {
    const annotatedBase =
      '#TS:1628217470\r\n' +
      formatCommand('set', 'foo1', 'bar1') +
      '#TS:1628217471\r\n' +
      formatCommand('set', 'foo2', 'bar2') +
      '#TS:1628217472\r\n' +
      '#TS:1628217473\r\n' +
      formatCommand('set', 'foo3', 'bar3') +
      '#TS:1628217474\r\n';
    expect(checkAof(annotatedBase, aofBaseFile).items.filter((item) => item.kind === 'annotation').map((item) => item.text)).toEqual([
      '#TS:1628217470',
      '#TS:1628217471',
      '#TS:1628217472',
      '#TS:1628217473',
      '#TS:1628217474',
    ]);
    const fs = await newDisk();
    await createAof(fs, aofBaseFile, annotatedBase);
    await createAof(fs, aofFile, fooBar);
    await createManifest(fs, baseAndIncrManifest);
    const server = alive(await startServerAof(fs));
    expect(await Promise.all(['foo1', 'foo2', 'foo3', 'foo', 'bar'].map((key) => server.r('get', key)))).toEqual(['bar1', 'bar2', 'bar3', 'hello', 'world']);
    expect(await fileText(fs, aofBaseFile)).toBe(annotatedBase);
  });
});

describe('aof.tcl: FLUSHDB / FLUSHALL (scenario 40)', () => {
  it('aof.tcl 40: FLUSHDB / FLUSHALL should persist in AOF', async () => {
    const server = alive(await startServer(await newDisk(), { appendonly: true, appendfsync: 'always' }));
    const script = [
      ['set', 'key', 'value'],
      ['flushdb'],
      ['set', 'key', 'value2'],
      ['flushdb'],
      ['flushdb'],
      ['flushdb'],
      ['flushdb'],
      ['set', 'key', 'value'],
      ['flushall'],
      ['set', 'key', 'value2'],
      ['flushall'],
      ['flushall'],
      ['flushall'],
      ['flushall'],
    ];
    for (const argv of script) expect(await server.r(...argv)).toBe('OK');
    // Every FLUSHDB/FLUSHALL is in the AOF, also those run on empty databases.
    expect(await fileText(server.fs, aofFile)).toBe(formatCommand('SELECT', '0') + script.map((argv) => formatCommand(...argv)).join(''));
  });
});
