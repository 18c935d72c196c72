/**
 * Goal: durakv's RDB codec interoperates with the real Redis 7.0 in both directions.
 * - durakv → Redis: a dump.rdb written by `durakv write` (encodeRdb + writeFileAtomically), with
 *   LZF compression on and off, passes redis-check-rdb, loads in redis-server, and reads back
 *   through plain commands as the same data (type, value, exact expiry, per database), with the
 *   OBJECT ENCODING 7.0 picks matching the encoding durakv wrote; Redis's own SAVE of it decodes
 *   back to the same data.
 * - Redis → durakv: the same dataset loaded through RPUSH/HSET/SADD/ZADD/SET/PEXPIREAT and SAVEd
 *   by redis-server decodes with durakv's streaming decoder (`durakv inspect --json`) to the
 *   same canonical JSON — except that ZADD stores a -0 score as 0, which is asserted as such.
 * Method: one redis-server per step on a free 127.0.0.1 port and a temp dir, always stopped by
 * PID in finally (and afterAll); a tiny RESP client. Without redis-server the suite is skipped
 * with a warning, unless CI is set, where the "tools installed" test fails instead.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspect, runWrite } from '../../impl/cli/index.ts';
import { datasetToJson } from '../../impl/dataset-json/dataset-to-json.ts';
import { decodeRdb } from '../../impl/encoding/rdb-dataset.ts';
import type { DatabaseContents } from '../../impl/values/redis-value.ts';
import { afterZaddNormalization, interopDataset } from './interop-dataset.ts';
import { redisCheckRdb } from './redis-check-rdb.ts';
import { encodingsOf, loadDatasetIntoRedis, readDatasetFromRedis } from './redis-dataset-commands.ts';
import { expectedObjectEncoding } from './redis-object-encoding.ts';
import { startRedisServer, type RedisServer } from './redis-server-process.ts';
import { detectRedisTools } from './redis-tools.ts';
import { interopCliContext } from './interop-cli-context.ts';

const tools = detectRedisTools();
const ci = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';
if (!tools.available) {
  console.warn(`[interop] ${ci ? 'FAILING (CI is set)' : 'SKIPPING'} the redis-server interop tests: ${tools.detail}`);
}

describe('redis tools for the interop suite', () => {
  it.skipIf(!ci && !tools.available)('redis-server and redis-check-rdb 7.0 are installed (required when CI is set)', () => {
    expect(tools.available, tools.detail).toBe(true);
  });
});

function expectedEncodings(databases: ReadonlyMap<number, DatabaseContents>): Map<string, string> {
  const encodings = new Map<string, string>();
  for (const [db, contents] of databases) {
    for (const [key, entry] of contents) {
      const encoding = expectedObjectEncoding(entry.value);
      if (encoding !== undefined) encodings.set(`${db} ${JSON.stringify(key)}`, encoding);
    }
  }
  return encodings;
}

function withoutStrings(encodings: Map<string, string>, databases: ReadonlyMap<number, DatabaseContents>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [db, contents] of databases) {
    for (const [key, entry] of contents) {
      const name = `${db} ${JSON.stringify(key)}`;
      if (entry.value.type !== 'string') result.set(name, encodings.get(name) ?? 'missing');
    }
  }
  return result;
}

describe.skipIf(!tools.available)(`durakv ⇄ real redis-server (${tools.detail})`, () => {
  let root = '';
  const servers = new Set<RedisServer>();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'durakv-interop-'));
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  async function withServer<T>(dir: string, body: (server: RedisServer) => Promise<T>): Promise<T> {
    const server = await startRedisServer({ dir });
    servers.add(server);
    try {
      return await body(server);
    } finally {
      await server.stop();
      servers.delete(server);
    }
  }

  it.each([
    ['on', []],
    ['off', ['--no-compression']],
  ])('a dump.rdb durakv writes (compression %s) passes redis-check-rdb, loads in redis-server, reads back identical and re-saves identical', async (_compression, flags) => {
    const dir = await mkdtemp(join(root, 'to-redis-'));
    const dataset = interopDataset(Date.now());
    const expected = datasetToJson(dataset);
    const cli = interopCliContext(dir);
    await writeFile(join(dir, 'dataset.json'), expected);
    expect(await runWrite(['dump.rdb', '--from', 'dataset.json', ...flags], cli.context), cli.err()).toBe(0);
    const written = await readFile(join(dir, 'dump.rdb'));

    const check = redisCheckRdb(join(dir, 'dump.rdb'));
    expect(check.ok, check.output).toBe(true);

    await withServer(dir, async (server) => {
      expect(server.log()).toMatch(/DB loaded from disk/);
      const client = await server.connect();
      try {
        expect(datasetToJson(await readDatasetFromRedis(client))).toBe(expected);
        expect(withoutStrings(await encodingsOf(client, dataset), dataset)).toEqual(expectedEncodings(dataset));
        expect((await readFile(join(dir, 'dump.rdb'))).equals(written), 'loading leaves the file alone').toBe(true);
        expect(await client.call('SAVE')).toBe('OK');
      } finally {
        await client.close();
      }
    });
    const resaved = decodeRdb(await readFile(join(dir, 'dump.rdb')), 'dump.rdb (saved by redis-server)');
    expect(resaved.checksum).toBe('verified');
    expect(datasetToJson(resaved.databases)).toBe(expected);
  });

  it('the dataset loaded into redis-server by commands and SAVEd decodes with durakv to the same data (ZADD stores -0 as 0)', async () => {
    const dir = await mkdtemp(join(root, 'from-redis-'));
    const dataset = interopDataset(Date.now());
    await withServer(dir, async (server) => {
      const client = await server.connect();
      try {
        await loadDatasetIntoRedis(client, dataset);
        expect(withoutStrings(await encodingsOf(client, dataset), dataset)).toEqual(expectedEncodings(dataset));
        await client.call('SELECT', '0');
        expect(await client.bulk('ZSCORE', 'zset:special scores (listpack)', 'negative zero')).toBe('0');
        expect(await client.call('SAVE')).toBe('OK');
      } finally {
        await client.close();
      }
    });
    const cli = interopCliContext(dir);
    expect(await runInspect(['dump.rdb', '--json'], cli.context), cli.err()).toBe(0);
    expect(cli.err()).toBe('');
    expect(cli.out()).toBe(datasetToJson(afterZaddNormalization(dataset)));
    expect(decodeRdb(await readFile(join(dir, 'dump.rdb')), 'dump.rdb').checksum).toBe('verified');
  });

  it('the server is gone after stop: its PID no longer exists and its port refuses connections', async () => {
    const dir = await mkdtemp(join(root, 'stop-'));
    const server = await startRedisServer({ dir });
    servers.add(server);
    await server.stop();
    servers.delete(server);
    expect(() => process.kill(server.pid, 0)).toThrow(/ESRCH/);
    await expect(server.connect()).rejects.toThrow(/ECONNREFUSED/);
    await server.stop();
  });
});
