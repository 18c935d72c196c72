/**
 * Goal: durakv loads the multi-part AOF redis-server 7.0 writes, with identical data.
 * - Before and after a BGREWRITEAOF, with the rewrite's base as an RDB preamble and as RESP
 *   commands: redis-server (appendonly yes, appendfsync always) runs phase 1 of the workload
 *   (every type, TTLs, several databases, binary keys, MULTI/EXEC), is stopped, and durakv's
 *   start-up load of its directory (base 1 + incr 1) holds what the server held at stop time;
 *   the server is started again on that directory, rewrites (BGREWRITEAOF, waited for through
 *   INFO), runs phase 2, is stopped, and durakv's load of base 2 + incr 2 again holds what the
 *   server held. `durakv inspect --json` of the directory prints the same dataset and leaves
 *   every file byte for byte as it was.
 * - With a write load running during the rewrite: the rewrite's child is slowed down with the
 *   hidden `rdb-key-save-delay` (as Redis's own tests do) so client writes (overwrites, deletes,
 *   TTL changes, MULTI/EXEC, new keys) are acknowledged while INFO still says
 *   aof_rewrite_in_progress:1; then durakv loads the directory the stopped server left (new base
 *   + the incr that took those writes) with exactly what the server held at stop time.
 * Method: temp directories, one redis-server per step on a free 127.0.0.1 port, stopped by PID
 * with SIGTERM after the last acknowledged write (appendfsync always: every acknowledged write
 * is already fsynced; the dataset is read before the stop and nothing writes after). Without the
 * tools the suite is skipped with a warning, unless CI is set.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspect } from '../../impl/cli/index.ts';
import { datasetToJson } from '../../impl/dataset-json/dataset-to-json.ts';
import type { ByteString, DatabaseContents } from '../../impl/values/redis-value.ts';
import { aofDirOf, aofFileNames, copyStoreDirectory, fileSize, manifestLines } from './aof-directory-files.ts';
import { aofWorkload, relativeTtlKey, withRelativeTtlAt } from './aof-workload.ts';
import { loadWithDurakv } from './durakv-aof-store.ts';
import { interopGate } from './interop-gate.ts';
import { appendonlyArgs, rewriteInProgress, runOnRedis, waitForRewrite } from './redis-aof-commands.ts';
import { loadDatasetIntoRedis, readDatasetFromRedis } from './redis-dataset-commands.ts';
import { RedisServerPool } from './redis-server-pool.ts';
import type { RedisServer } from './redis-server-process.ts';
import type { RespClient } from './resp-client.ts';
import { interopCliContext } from './interop-cli-context.ts';

const gate = interopGate('the redis-server → durakv AOF interop tests', []);

describe('redis tools for the AOF interop suite (redis → durakv)', () => {
  it.skipIf(!gate.ci && !gate.run)('redis-server 7.0 is installed (required when CI is set)', () => {
    expect(gate.tools.available, gate.tools.detail).toBe(true);
  });
});

/** `durakv inspect --json` of a directory, checking it changes no byte of any file. */
async function inspectJson(storeDirectory: string): Promise<string> {
  const names = await aofFileNames(storeDirectory);
  const before = await Promise.all(names.map((name) => readFile(join(aofDirOf(storeDirectory), name))));
  const { context, out, err } = interopCliContext(storeDirectory);

  expect(await runInspect(['appendonlydir', '--json'], context), err()).toBe(0);
  expect(await aofFileNames(storeDirectory)).toEqual(names);
  const after = await Promise.all(names.map((name) => readFile(join(aofDirOf(storeDirectory), name))));
  expect(after.every((bytes, index) => bytes.equals(before[index] as Buffer)), 'inspect changes no file').toBe(true);
  return out();
}

/** durakv's load of a copy of the directory (a load may cut a torn tail; this one must not). */
async function durakvLoadOfCopy(storeDirectory: string, copyName: string): Promise<Map<number, DatabaseContents>> {
  const copy = join(storeDirectory, '..', copyName);
  await copyStoreDirectory(storeDirectory, copy);
  return loadWithDurakv(copy);
}

describe.skipIf(!gate.run)(`real redis-server's appendonlydir in durakv (${gate.tools.detail})`, () => {
  let root = '';
  const servers = new RedisServerPool();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'durakv-aof-from-redis-'));
  });

  afterAll(async () => {
    await servers.stopAll();
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  async function readAll(server: RedisServer): Promise<Map<number, DatabaseContents>> {
    const client = await server.connect();
    try {
      return await readDatasetFromRedis(client);
    } finally {
      await client.close();
    }
  }

  it.each([
    ['an RDB preamble', true, 'appendonly.aof.2.base.rdb'],
    ['RESP commands', false, 'appendonly.aof.2.base.aof'],
  ])('every type and TTLs, before and after a BGREWRITEAOF (base as %s): durakv loads what the server held', async (_base, rdbPreamble, baseName) => {
    const parent = await mkdtemp(join(root, 'rewrite-'));
    const dir = join(parent, 'redis');
    await mkdir(dir);
    const nowMs = Date.now();
    const workload = aofWorkload(nowMs);
    const args = appendonlyArgs(rdbPreamble);

    const beforeRewrite = await servers.withServer(dir, args, async (server) => {
      const client = await server.connect();
      try {
        await runOnRedis(client, workload.phase1);
      } finally {
        await client.close();
      }
      return readAll(server);
    });
    expect(await manifestLines(dir)).toEqual([
      { name: `appendonly.aof.1.base.${rdbPreamble ? 'rdb' : 'aof'}`, seq: 1, type: 'b' },
      { name: 'appendonly.aof.1.incr.aof', seq: 1, type: 'i' },
    ]);
    expect(beforeRewrite.get(3)?.get('ops:float')?.value, 'phase 1 ran').toEqual({ type: 'string', value: '1.75' });
    const beforeJson = datasetToJson(beforeRewrite);
    expect(datasetToJson(await durakvLoadOfCopy(dir, 'before-rewrite'))).toBe(beforeJson);
    expect(await inspectJson(dir)).toBe(beforeJson);

    const afterRewrite = await servers.withServer(dir, args, async (server) => {
      const client = await server.connect();
      try {
        expect(await client.call('BGREWRITEAOF')).toBe('Background append only file rewriting started');
        await waitForRewrite(client);
        await runOnRedis(client, workload.phase2);
      } finally {
        await client.close();
      }
      return readAll(server);
    });
    expect(await manifestLines(dir)).toEqual([
      { name: baseName, seq: 2, type: 'b' },
      { name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' },
    ]);
    const relative = afterRewrite.get(3)?.get(relativeTtlKey)?.expireAtMs ?? null;
    expect(relative, 'EXPIRE set a TTL from the server clock').toBeGreaterThan(nowMs);
    expect(datasetToJson(afterRewrite), 'the server holds the workload dataset').toBe(datasetToJson(withRelativeTtlAt(workload.expected, relative)));
    const afterJson = datasetToJson(afterRewrite);
    expect(datasetToJson(await durakvLoadOfCopy(dir, 'after-rewrite'))).toBe(afterJson);
    expect(await inspectJson(dir)).toBe(afterJson);
  });

  it('with writes acknowledged while the rewrite runs: durakv loads the new base + incr as the server held them at stop time', async () => {
    const parent = await mkdtemp(join(root, 'write-load-'));
    const dir = join(parent, 'redis');
    await mkdir(dir);
    const nowMs = Date.now();
    const fillerKeys = 2000;
    let acknowledgedDuringRewrite = 0;
    let round = 0;

    /** One round of writes touching keys the base holds, new keys, TTLs and a transaction. */
    const roundOfWrites = (index: number): ByteString[][] => [
      ['SET', `filler:${index % fillerKeys}`, `overwritten in round ${index}`],
      ['DEL', `filler:${(index * 7 + 1) % fillerKeys}`],
      ['RPUSH', 'list:small', `pushed ${index}`],
      ['HSET', 'hash:513', `field ${index}`, `new ${index}`],
      ['ZADD', 'zset:129', String(index / 4), `member ${index}`],
      ['SADD', 'set:strings', `new member ${index}`],
      ['PEXPIREAT', `filler:${(index * 13 + 5) % fillerKeys}`, String(nowMs + 3_600_000 + index)],
      ['SET', `during:${index}`, `\x00new key ${index}\xff`, 'PXAT', String(nowMs + 7_200_000 + index)],
      ['MULTI'],
      ['INCRBY', 'counter', String(index)],
      ['SELECT', '1'],
      ['SET', `tx:${index}`, 'in db 1'],
      ['SELECT', '0'],
      ['EXEC'],
    ];

    const held = await servers.withServer(dir, appendonlyArgs(true), async (server) => {
      const client: RespClient = await server.connect();
      try {
        await loadDatasetIntoRedis(client, aofWorkload(nowMs).expected);
        const fill: ByteString[][] = [];
        for (let index = 0; index < fillerKeys; index += 1) fill.push(['SET', `filler:${index}`, `value ${index}`]);
        await Promise.all(fill.map((argv) => client.call(...argv)));
        // The child sleeps this many µs per key it writes: the rewrite outlasts many rounds of writes.
        expect(await client.call('CONFIG', 'SET', 'rdb-key-save-delay', '200')).toBe('OK');
        expect(await client.call('BGREWRITEAOF')).toBe('Background append only file rewriting started');
        while (await rewriteInProgress(client)) {
          const writes = roundOfWrites(round);
          await Promise.all(writes.map((argv) => client.call(...argv)));
          acknowledgedDuringRewrite += writes.length;
          round += 1;
        }
        await waitForRewrite(client);
        expect(await client.call('CONFIG', 'SET', 'rdb-key-save-delay', '0')).toBe('OK');
        await runOnRedis(client, roundOfWrites(round));
      } finally {
        await client.close();
      }
      return readAll(server);
    });
    expect(acknowledgedDuringRewrite, 'writes were acknowledged while the rewrite ran').toBeGreaterThan(0);
    expect(await manifestLines(dir)).toEqual([
      { name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' },
      { name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' },
    ]);
    expect(await fileSize(join(aofDirOf(dir), 'appendonly.aof.2.incr.aof')), 'the writes made during the rewrite are in the new incr').toBeGreaterThan(0);
    expect(held.get(1)?.has('tx:0'), 'the first round ran').toBe(true);
    expect(held.get(0)?.get('counter')?.value).toEqual({ type: 'string', value: String((round * (round + 1)) / 2) });
    expect(datasetToJson(await durakvLoadOfCopy(dir, 'loaded'))).toBe(datasetToJson(held));
  });
});
