/**
 * `npm run bench:rdb`: RDB SAVE and start-up load, durakv against redis-server 7.0, on the same
 * 1,000,000-key dataset (keys `key:000000000000`…, random 100-byte values from a seeded PRNG),
 * in one run, so the ratios are measured side by side (reference/redis-baseline.md: quote
 * ratios, not absolute figures).
 *
 * What it measures:
 * - The dataset is built through SET commands in this process, then saved once (SAVE, printed
 *   as "first SAVE") to make dump.rdb.
 * - durakv load and SAVE, in a fresh child process, as redis-server does them: openStore on
 *   that directory (read, decode, insert), then SAVE timed end to end (scan, encode, write,
 *   fsync, rename, directory fsync), then BGSAVE with the immediate scheduler for information.
 * - redis-server: started on 127.0.0.1 with a free port, `--save '' --appendonly no`, on a copy
 *   of durakv's dump.rdb: start-up load from its "DB loaded from disk: X seconds" log line (and
 *   spawn-to-PING), then SAVE timed by the client; stopped by PID.
 * The durakv child and the redis-server run are repeated `repetitions` times, interleaved (so
 * both see the same machine noise); each figure is the median, with the range printed beside
 * it. Prints file size, seconds and MB/s for each, and durakv/redis ratios of the medians
 * (target ≤ 2×). A benchmark, not a test: nothing here asserts a time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { NodeFileSystem, type Store, type StoreConfig, immediateScheduler, openStore, redisDefaults, systemClock } from '../impl/index.ts';
import { freePort, median, megabytes, prng, timed } from './testing/bench-support.ts';

const keyCount = Number(process.env['BENCH_KEYS'] ?? 1_000_000);
const valueBytes = 100;
const seed = 20_261_124;
const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 3);
const config: StoreConfig = { ...redisDefaults, save: [], snapshotSliceKeys: 10_000 };

async function open(directory: string): Promise<Store> {
  return openStore({ fileSystem: new NodeFileSystem(), directory, config, clock: systemClock, random: Math.random, scheduler: immediateScheduler, processId: process.pid });
}

async function buildDataset(store: Store): Promise<void> {
  const random = prng(seed);
  const value = Buffer.alloc(valueBytes);
  const batch: Array<Promise<unknown>> = [];
  for (let index = 0; index < keyCount; index += 1) {
    for (let at = 0; at < valueBytes; at += 4) value.writeUInt32LE(random(), at);
    batch.push(store.execute(['SET', `key:${String(index).padStart(12, '0')}`, value.toString('latin1')]));
    if (batch.length === 10_000) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
}

/** A minimal RESP client: sends one command, resolves with the raw reply line(s). */
function redisCommand(port: number, argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.endsWith('\r\n')) {
        socket.end();
        resolve(reply.trim());
      }
    });
    socket.write(`*${argv.length}\r\n${argv.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`);
  });
}

async function waitForPing(port: number, deadlineMs: number): Promise<void> {
  for (;;) {
    const reply = await redisCommand(port, ['PING']).catch(() => '');
    if (reply === '+PONG') return;
    if (performance.now() > deadlineMs) throw new Error('redis-server did not answer PING in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface RedisFigures {
  readonly version: string;
  readonly loadSeconds: number;
  readonly spawnToPingSeconds: number;
  readonly saveSeconds: number;
  readonly fileBytes: number;
}

async function benchRedis(directory: string): Promise<RedisFigures | string> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return 'redis-server not found: durakv figures only';
  const version = /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
  const port = await freePort();
  const started = performance.now();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (data: Buffer) => (log += data.toString('utf8')));
  child.stderr.on('data', (data: Buffer) => (log += data.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForPing(port, started + 120_000);
    const spawnToPingSeconds = (performance.now() - started) / 1000;
    const loadSeconds = Number(/DB loaded from disk: ([\d.]+) seconds/.exec(log)?.[1] ?? Number.NaN);
    const save = await timed(() => redisCommand(port, ['SAVE']));
    if (save.value !== '+OK') throw new Error(`redis SAVE answered ${save.value}`);
    const fileBytes = (await stat(join(directory, 'dump.rdb'))).size;
    return { version, loadSeconds, spawnToPingSeconds, saveSeconds: save.seconds, fileBytes };
  } finally {
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  }
}

interface DurakvFigures {
  readonly loadSeconds: number;
  readonly keysLoaded: number;
  readonly saveSeconds: number;
  readonly bgsaveSeconds: number;
}

/** In the child process: load, SAVE and BGSAVE on `directory`, figures as one JSON line. */
async function loadAndSave(directory: string): Promise<void> {
  const load = await timed(() => open(directory));
  const store = load.value;
  const save = await timed(() => store.execute(['SAVE']));
  if (save.value.kind !== 'simple') throw new Error(`durakv SAVE answered ${JSON.stringify(save.value)}`);
  const bgsave = await timed(async () => {
    await store.execute(['BGSAVE']);
    await store.backgroundSettled();
  });
  await store.close({ background: 'finish' });
  const figures: DurakvFigures = { loadSeconds: load.seconds, keysLoaded: store.info().rdbLastLoadKeysLoaded, saveSeconds: save.seconds, bgsaveSeconds: bgsave.seconds };
  console.log(JSON.stringify(figures));
}

function durakvInChildProcess(directory: string): DurakvFigures {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'load-and-save', directory], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`the durakv child process failed (status ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as DurakvFigures;
}


function line(what: string, bytes: number, runs: readonly number[]): string {
  const seconds = median(runs);
  const range = runs.length > 1 ? `  (${Math.min(...runs).toFixed(3)}–${Math.max(...runs).toFixed(3)} s over ${runs.length})` : '';
  return `${what.padEnd(36)} ${megabytes(bytes).toFixed(1).padStart(7)} MB ${seconds.toFixed(3).padStart(8)} s ${(megabytes(bytes) / seconds).toFixed(1).padStart(7)} MB/s${range}`;
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'durakv-bench-rdb-'));
  const durakvDirectory = join(root, 'durakv');
  const redisDirectory = join(root, 'redis');
  try {
    await new NodeFileSystem().mkdir(durakvDirectory, { recursive: true });
    await new NodeFileSystem().mkdir(redisDirectory, { recursive: true });
    console.log(
      `bench:rdb — ${keyCount.toLocaleString('en')} keys, random ${valueBytes}-byte values (seed ${seed}), rdbcompression yes, ` +
        `snapshotSliceKeys ${config.snapshotSliceKeys}, ${repetitions} interleaved repetitions, node ${process.version}`,
    );
    const store = await open(durakvDirectory);
    const build = await timed(() => buildDataset(store));
    console.log(`dataset built in ${build.seconds.toFixed(2)} s`);
    const firstSave = await timed(() => store.execute(['SAVE']));
    if (firstSave.value.kind !== 'simple') throw new Error(`durakv SAVE answered ${JSON.stringify(firstSave.value)}`);
    await store.close({ background: 'finish' });
    const dumpBytes = (await stat(join(durakvDirectory, 'dump.rdb'))).size;
    const durakvRuns: DurakvFigures[] = [];
    const redisRuns: RedisFigures[] = [];
    let redisMissing: string | null = null;
    for (let run = 0; run < repetitions; run += 1) {
      const durakv = durakvInChildProcess(durakvDirectory);
      if (durakv.keysLoaded !== keyCount) throw new Error(`durakv loaded ${durakv.keysLoaded} keys, expected ${keyCount}`);
      durakvRuns.push(durakv);
      if (redisMissing !== null) continue;
      await copyFile(join(durakvDirectory, 'dump.rdb'), join(redisDirectory, 'dump.rdb'));
      const redis = await benchRedis(redisDirectory);
      if (typeof redis === 'string') redisMissing = redis;
      else redisRuns.push(redis);
    }
    const durakvLoad = durakvRuns.map((figures) => figures.loadSeconds);
    const durakvSave = durakvRuns.map((figures) => figures.saveSeconds);
    console.log(line('durakv first SAVE (after building)', dumpBytes, [firstSave.seconds]));
    console.log(line('durakv load (fresh process)', dumpBytes, durakvLoad));
    console.log(line('durakv SAVE (after load)', dumpBytes, durakvSave));
    console.log(line('durakv BGSAVE (immediate scheduler)', dumpBytes, durakvRuns.map((figures) => figures.bgsaveSeconds)));
    if (redisMissing !== null) {
      console.log(redisMissing);
      return;
    }
    const version = redisRuns[0]?.version ?? 'unknown';
    const redisLoad = redisRuns.map((figures) => figures.loadSeconds);
    const redisSave = redisRuns.map((figures) => figures.saveSeconds);
    console.log(line(`redis ${version} start-up load (log)`, dumpBytes, redisLoad));
    console.log(line('redis spawn → PING answered', dumpBytes, redisRuns.map((figures) => figures.spawnToPingSeconds)));
    console.log(line(`redis ${version} SAVE`, redisRuns[0]?.fileBytes ?? 0, redisSave));
    console.log(`ratio durakv/redis (medians): SAVE ${(median(durakvSave) / median(redisSave)).toFixed(2)}×, load ${(median(durakvLoad) / median(redisLoad)).toFixed(2)}× (target ≤ 2×)`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'load-and-save') await loadAndSave(process.argv[3] ?? '');
else await main();
