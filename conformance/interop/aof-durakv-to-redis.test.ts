/**
 * Goal: the multi-part AOF durakv writes is one Redis 7.0 accepts as its own.
 * - A workload run through openStore on the real disk (every type, TTLs, several databases,
 *   binary keys, MULTI/EXEC, commands Redis rewrites when it propagates them, and a
 *   BGREWRITEAOF half-way, so the directory holds a base and an incr), with the base written
 *   with an RDB preamble and as RESP commands (aof-use-rdb-preamble yes / no):
 *   `redis-check-aof <manifest>` exits 0 with "All AOF files and manifest are valid", and
 *   redis-server 7.0 started with `--appendonly yes --dir <that dir>` holds the same data, key
 *   by key per database (TYPE, value, PEXPIRETIME), as durakv held, which is the workload's
 *   expected dataset.
 * - `durakv write <dir> --from <json> --format aof|aof-resp-base` writes an appendonlydir that
 *   passes redis-check-aof and loads in redis-server as the JSON dataset (through ZADD for the
 *   RESP base, which stores -0 as 0), and that `durakv inspect` reads back the same.
 * Method: temp directories; one redis-server per check on a free 127.0.0.1 port, stopped by PID
 * (RedisServerPool); a fixed clock for durakv, so relative TTLs are exact. Without the tools the
 * suite is skipped with a warning, unless CI is set.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInspect, runWrite } from '../../impl/cli/index.ts';
import { datasetToJson } from '../../impl/dataset-json/dataset-to-json.ts';
import { aofDirOf, aofFileNames, manifestLines, manifestPathOf } from './aof-directory-files.ts';
import { aofWorkload } from './aof-workload.ts';
import { durakvAofWorkload, loadWithDurakv } from './durakv-aof-store.ts';
import { afterZaddNormalization, interopDataset } from './interop-dataset.ts';
import { interopGate } from './interop-gate.ts';
import { appendonlyArgs } from './redis-aof-commands.ts';
import { redisCheckAof } from './redis-check-aof.ts';
import { readDatasetFromRedis } from './redis-dataset-commands.ts';
import { RedisServerPool } from './redis-server-pool.ts';
import { interopCliContext } from './interop-cli-context.ts';

const gate = interopGate('the durakv → redis-server AOF interop tests', ['redis-check-aof']);

describe('redis tools for the AOF interop suite (durakv → redis)', () => {
  it.skipIf(!gate.ci && !gate.run)('redis-server 7.0 and redis-check-aof are installed (required when CI is set)', () => {
    expect(gate.tools.available, gate.tools.detail).toBe(true);
  });
});

describe.skipIf(!gate.run)(`durakv's appendonlydir in real redis-server (${gate.tools.detail})`, () => {
  let root = '';
  const servers = new RedisServerPool();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'durakv-aof-to-redis-'));
  });

  afterAll(async () => {
    await servers.stopAll();
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['an RDB preamble', true, 'appendonly.aof.2.base.rdb'],
    ['RESP commands', false, 'appendonly.aof.2.base.aof'],
  ])('a workload with a BGREWRITEAOF half-way (base as %s) passes redis-check-aof and loads in redis-server with the same data', async (_base, rdbPreamble, baseName) => {
    const dir = await mkdtemp(join(root, 'workload-'));
    const nowMs = Date.now();
    const workload = aofWorkload(nowMs);
    const held = await durakvAofWorkload(dir, workload, { aofUseRdbPreamble: rdbPreamble, fixedNowMs: nowMs });
    const expected = datasetToJson(workload.expected);
    expect(datasetToJson(held)).toBe(expected);
    expect(await manifestLines(dir)).toEqual([
      { name: baseName, seq: 2, type: 'b' },
      { name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' },
    ]);
    expect(await aofFileNames(dir)).toEqual([baseName, 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest']);

    const check = redisCheckAof(manifestPathOf(dir));
    expect(check.valid, check.output).toBe(true);
    expect(check.output).toContain(`BASE AOF ${baseName} is valid`);
    expect(check.output).toMatch(/AOF analyzed: filename=appendonly\.aof\.2\.incr\.aof, size=[1-9]\d*, ok_up_to=\d+, ok_up_to_line=\d+, diff=0/);

    await servers.withServer(dir, appendonlyArgs(rdbPreamble), async (server) => {
      expect(server.log()).toMatch(/DB loaded from append only file/);
      const client = await server.connect();
      try {
        expect(datasetToJson(await readDatasetFromRedis(client))).toBe(expected);
      } finally {
        await client.close();
      }
    });
    expect(datasetToJson(await loadWithDurakv(dir)), 'and durakv loads it back the same').toBe(expected);
  });

  it.each([
    ['aof', 'appendonly.aof.1.base.rdb', false],
    ['aof-resp-base', 'appendonly.aof.1.base.aof', true],
  ])('`durakv write <dir> --format %s` passes redis-check-aof and loads in redis-server as the JSON dataset', async (format, baseName, viaZadd) => {
    const dir = await mkdtemp(join(root, 'cli-write-'));
    const dataset = interopDataset(Date.now());
    const cli = interopCliContext(dir);
    await writeFile(join(dir, 'dataset.json'), datasetToJson(dataset));
    expect(await runWrite(['appendonlydir', '--from', 'dataset.json', '--format', format], cli.context), cli.err()).toBe(0);
    expect(await manifestLines(dir)).toEqual([
      { name: baseName, seq: 1, type: 'b' },
      { name: 'appendonly.aof.1.incr.aof', seq: 1, type: 'i' },
    ]);
    const check = redisCheckAof(manifestPathOf(dir));
    expect(check.valid, check.output).toBe(true);

    const expected = datasetToJson(viaZadd ? afterZaddNormalization(dataset) : dataset);
    const inspected = interopCliContext(dir);
    expect(await runInspect([aofDirOf(dir), '--json'], inspected.context), inspected.err()).toBe(0);
    expect(inspected.out()).toBe(expected);

    await servers.withServer(dir, appendonlyArgs(!viaZadd), async (server) => {
      expect(server.log()).toMatch(/DB loaded from append only file/);
      const client = await server.connect();
      try {
        expect(datasetToJson(await readDatasetFromRedis(client))).toBe(expected);
      } finally {
        await client.close();
      }
    });
  });
});
