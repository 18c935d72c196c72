/**
 * `npm run bench:aof`: the multi-part AOF, durakv against redis-server 7.0, on the same workload
 * (1,000,000 SETs of keys `key:000000000000`…, random 100-byte values from the seeded PRNG of
 * bench-rdb.ts), in one run, so the ratios are measured side by side (reference/redis-baseline.md:
 * quote ratios, not absolute figures).
 *
 * What it measures (both sides `appendonly yes`, `save ""`, auto-aof-rewrite-percentage 0 so no
 * automatic rewrite starts mid-run, everything else at Redis 7.0's defaults):
 * - Append, per appendfsync policy (always, everysec, no), on an empty directory: the SETs go in
 *   pipelined batches of `batchSize` and each batch waits for all its replies before the next is
 *   sent. durakv: a fresh child process, the library API (no RESP, no socket), one batch = one
 *   `store.turn` (one AOF write, and under always one fdatasync: group commit). redis-server: one
 *   TCP connection on 127.0.0.1, one write of the batch's RESP bytes (encoded before timing).
 *   Redis reads at most 16 KB of a client's query per event-loop iteration, so it writes (and under
 *   always fdatasyncs) several times per batch where durakv does it once (strace of redis 7.0.15:
 *   about 8 reads and 8 fdatasyncs per 1000-SET batch). Timed from the first batch to the last
 *   reply; the shutdown (final flush and fsync) is not timed.
 * - Replay: the everysec appendonlydir durakv wrote (empty RDB base + one incr of 1,000,000 SETs,
 *   no rewrite; checked byte-identical to redis-server's own), loaded by a fresh durakv child
 *   process (openStore, timed) and by redis-server started on a copy of it (its "DB loaded from
 *   append only file: X seconds" log line, and spawn-to-PING).
 * - Rewrite, right after that load, in the same process / server: BGREWRITEAOF with
 *   aof-use-rdb-preamble yes (an RDB base), then CONFIG SET aof-use-rdb-preamble no and
 *   BGREWRITEAOF again (a RESP base), each timed from the command to the rewrite being committed
 *   (durakv: the reply, then `backgroundSettled()` with the immediate scheduler; redis: INFO
 *   persistence polled every 5 ms until aof_rewrite_in_progress:0 and aof_rewrite_scheduled:0;
 *   redis notices its child's exit in serverCron, so its figure carries up to 1/hz = 100 ms).
 * Every durakv child and redis-server run is repeated `repetitions` times, interleaved (so both
 * see the same machine noise; BENCH_ALWAYS_REPETITIONS may run the always append fewer times);
 * each figure is the median, with the range beside it. Prints seconds, and ops/s (append) or MB/s
 * (replay: of the appendonlydir read; rewrite: of the base written), and durakv/redis ratios of
 * the medians (target ≤ 2× for replay and rewrite). Env: BENCH_KEYS, BENCH_REPETITIONS. A
 * benchmark, not a test: nothing here asserts a time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { type AppendFsync, NodeFileSystem, type Store, type StoreConfig, type TurnCall, immediateScheduler, openStore, redisDefaults, systemClock } from '../impl/index.ts';
import { freePort, median, megabytes, prng, timed } from './testing/bench-support.ts';

const keyCount = Number(process.env['BENCH_KEYS'] ?? 1_000_000);
const valueBytes = 100;
const seed = 20_261_124;
const repetitions = Number(process.env['BENCH_REPETITIONS'] ?? 3);
/** appendfsync always costs one fdatasync per batch (more for redis): BENCH_ALWAYS_REPETITIONS can cut its repetitions on a slow disk. */
const alwaysRepetitions = Math.min(repetitions, Number(process.env['BENCH_ALWAYS_REPETITIONS'] ?? repetitions));
const batchSize = 1000;
const policies: readonly AppendFsync[] = ['always', 'everysec', 'no'];
const appendDirName = 'appendonlydir';

function config(appendfsync: AppendFsync): StoreConfig {
  return { ...redisDefaults, save: [], appendonly: true, appendfsync, autoAofRewritePercentage: 0, aofUseRdbPreamble: true, snapshotSliceKeys: 10_000 };
}

/** The redis-server flags matching config(appendfsync). */
function redisFlags(appendfsync: AppendFsync): string[] {
  return ['--save', '', '--appendonly', 'yes', '--appendfsync', appendfsync, '--auto-aof-rewrite-percentage', '0', '--aof-use-rdb-preamble', 'yes'];
}

// ---- shared with bench-rdb.ts (copied: scripts do not import each other) ----

// ---- the workload ----

/** The SETs as [key, value] batches; values as ByteStrings (latin1), the same bytes as bench-rdb's. */
function workload(): Array<Array<readonly [string, string]>> {
  const random = prng(seed);
  const value = Buffer.alloc(valueBytes);
  const batches: Array<Array<readonly [string, string]>> = [];
  let batch: Array<readonly [string, string]> = [];
  for (let index = 0; index < keyCount; index += 1) {
    for (let at = 0; at < valueBytes; at += 4) value.writeUInt32LE(random(), at);
    // Flat strings, as a server's RESP parser would hand over (a template literal makes a rope, which the keyspace's first Map lookup would flatten inside the timing).
    batch.push([Buffer.from(`key:${String(index).padStart(12, '0')}`, 'latin1').toString('latin1'), value.toString('latin1')]);
    if (batch.length === batchSize) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const respArgument = (arg: string): string => `$${arg.length}\r\n${arg}\r\n`;
const respCommand = (argv: readonly string[]): string => `*${argv.length}\r\n${argv.map(respArgument).join('')}`;

// ---- durakv, in child processes ----

interface DurakvAppendFigures {
  readonly seconds: number;
}

interface DurakvReplayFigures {
  readonly loadSeconds: number;
  readonly keysLoaded: number;
  readonly rewriteRdbSeconds: number;
  readonly rewriteRespSeconds: number;
  readonly baseRdbBytes: number;
  readonly baseRespBytes: number;
}

async function open(directory: string, appendfsync: AppendFsync): Promise<Store> {
  return openStore({ fileSystem: new NodeFileSystem(), directory, config: config(appendfsync), clock: systemClock, random: Math.random, scheduler: immediateScheduler, processId: process.pid });
}

function expectSimple(what: string, reply: { readonly kind: string }): void {
  if (reply.kind !== 'simple') throw new Error(`durakv ${what} answered ${JSON.stringify(reply)}`);
}

/** In the child process: every batch as one turn on a new store in `directory`. */
async function durakvAppend(directory: string, appendfsync: AppendFsync): Promise<void> {
  const store = await open(directory, appendfsync);
  const session = store.session();
  const turns: TurnCall[][] = workload().map((batch) => batch.map(([key, value]) => ({ session, argv: ['SET', key, value] })));
  const append = await timed(async () => {
    for (const calls of turns) for (const reply of await store.turn(calls)) expectSimple('SET', reply);
  });
  await store.close({ background: 'finish' });
  const figures: DurakvAppendFigures = { seconds: append.seconds };
  console.log(JSON.stringify(figures));
}

async function durakvRewrite(store: Store): Promise<number> {
  const before = store.info().aofRewrites;
  const rewrite = await timed(async () => {
    expectSimple('BGREWRITEAOF', await store.execute(['BGREWRITEAOF']));
    await store.backgroundSettled();
  });
  const info = store.info();
  if (info.aofRewrites !== before + 1 || info.aofLastBgrewriteStatus !== 'ok' || info.aofRewriteInProgress) throw new Error(`durakv rewrite did not commit: ${JSON.stringify(info)}`);
  return rewrite.seconds;
}

/** In the child process: load the AOF in `directory`, then rewrite it with an RDB base and with a RESP base. */
async function durakvReplayAndRewrite(directory: string): Promise<void> {
  const load = await timed(() => open(directory, 'everysec'));
  const store = load.value;
  const size = await store.execute(['DBSIZE']);
  const keysLoaded = size.kind === 'integer' ? Number(size.value) : -1;
  const rewriteRdbSeconds = await durakvRewrite(store);
  const baseRdbBytes = await assertBase(join(directory, appendDirName), '.base.rdb');
  expectSimple('CONFIG SET', await store.execute(['CONFIG', 'SET', 'aof-use-rdb-preamble', 'no']));
  const rewriteRespSeconds = await durakvRewrite(store);
  const baseRespBytes = await assertBase(join(directory, appendDirName), '.base.aof');
  await store.close({ background: 'finish' });
  const figures: DurakvReplayFigures = { loadSeconds: load.seconds, keysLoaded, rewriteRdbSeconds, rewriteRespSeconds, baseRdbBytes, baseRespBytes };
  console.log(JSON.stringify(figures));
}

function durakvInChildProcess<T>(mode: string, ...args: string[]): T {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), mode, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`the durakv child process (${mode}) failed (status ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as T;
}

// ---- redis-server ----

type RespReply = string | number | null | Error;

/** A persistent RESP2 connection: pipelined writes, replies matched in order (no arrays: nothing here needs them). */
class RedisConnection {
  readonly #socket: net.Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #replies: RespReply[] = [];
  #waiting: { readonly count: number; readonly resolve: (replies: RespReply[]) => void; readonly reject: (error: Error) => void } | null = null;
  #failure: Error | null = null;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('redis connection closed')));
  }

  static connect(port: number): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: '127.0.0.1', port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.setNoDelay(true);
        resolve(new RedisConnection(socket));
      });
    });
  }

  /** Writes `bytes` (holding `count` commands) at once; resolves with their `count` replies. */
  send(bytes: Buffer, count: number): Promise<RespReply[]> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#waiting !== null) return Promise.reject(new Error('one pipeline at a time'));
    return new Promise((resolve, reject) => {
      this.#waiting = { count, resolve, reject };
      this.#socket.write(bytes);
    });
  }

  async command(argv: readonly string[]): Promise<RespReply> {
    const [reply] = await this.send(Buffer.from(respCommand(argv), 'latin1'), 1);
    return reply ?? null;
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    const buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let position = 0;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', position, 'latin1');
      if (lineEnd === -1) break;
      const kind = buffer[position];
      const line = buffer.toString('latin1', position + 1, lineEnd);
      if (kind === 0x24) {
        const length = Number(line);
        if (length === -1) {
          this.#replies.push(null);
          position = lineEnd + 2;
          continue;
        }
        if (buffer.length < lineEnd + 2 + length + 2) break;
        this.#replies.push(buffer.toString('latin1', lineEnd + 2, lineEnd + 2 + length));
        position = lineEnd + 2 + length + 2;
        continue;
      }
      if (kind === 0x2b) this.#replies.push(line);
      else if (kind === 0x2d) this.#replies.push(new Error(line));
      else if (kind === 0x3a) this.#replies.push(Number(line));
      else throw new Error(`unexpected RESP reply type ${String.fromCharCode(kind ?? 0)}`);
      position = lineEnd + 2;
    }
    this.#buffer = buffer.subarray(position);
    const waiting = this.#waiting;
    if (waiting !== null && this.#replies.length >= waiting.count) {
      this.#waiting = null;
      const replies = this.#replies;
      this.#replies = [];
      waiting.resolve(replies);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(error);
  }
}

interface RedisServer {
  readonly port: number;
  readonly connection: RedisConnection;
  readonly spawnToPingSeconds: number;
  readonly log: () => string;
  readonly stop: () => Promise<void>;
}

function redisVersion(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return null;
  return /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'unknown';
}

/** Starts redis-server on 127.0.0.1 (free port) in `directory`; resolves once it answers PING (after loading). */
async function startRedis(directory: string, flags: readonly string[]): Promise<RedisServer> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (data: Buffer) => (log += data.toString('utf8')));
  child.stderr.on('data', (data: Buffer) => (log += data.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
  };
  try {
    let connection: RedisConnection | null = null;
    for (;;) {
      connection ??= await RedisConnection.connect(port).catch(() => null);
      const reply = connection === null ? null : await connection.command(['PING']).catch(() => null);
      if (reply === 'PONG' && connection !== null) return { port, connection, spawnToPingSeconds: (performance.now() - started) / 1000, log: () => log, stop };
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${log}`);
      if (performance.now() > started + 300_000) throw new Error('redis-server did not answer PING in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

async function redisAppend(directory: string, appendfsync: AppendFsync, batches: readonly Buffer[], counts: readonly number[]): Promise<number> {
  const server = await startRedis(directory, redisFlags(appendfsync));
  try {
    const append = await timed(async () => {
      for (const [index, bytes] of batches.entries()) {
        for (const reply of await server.connection.send(bytes, counts[index] ?? 0)) if (reply !== 'OK') throw new Error(`redis SET answered ${String(reply)}`);
      }
    });
    return append.seconds;
  } finally {
    server.connection.close();
    await server.stop();
  }
}

async function redisInfo(connection: RedisConnection): Promise<Map<string, string>> {
  const text = await connection.command(['INFO', 'persistence']);
  if (typeof text !== 'string') throw new Error(`redis INFO answered ${String(text)}`);
  return new Map(text.split('\r\n').flatMap((field) => (field.includes(':') ? [field.split(':', 2) as [string, string]] : [])));
}

async function redisRewrite(connection: RedisConnection): Promise<number> {
  const before = Number((await redisInfo(connection)).get('aof_rewrites'));
  const rewrite = await timed(async () => {
    const reply = await connection.command(['BGREWRITEAOF']);
    if (typeof reply !== 'string') throw new Error(`redis BGREWRITEAOF answered ${String(reply)}`);
    for (;;) {
      const info = await redisInfo(connection);
      if (info.get('aof_rewrite_in_progress') === '0' && info.get('aof_rewrite_scheduled') === '0') return info;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  if (Number(rewrite.value.get('aof_rewrites')) !== before + 1 || rewrite.value.get('aof_last_bgrewrite_status') !== 'ok') {
    throw new Error(`redis rewrite did not commit: ${JSON.stringify([...rewrite.value])}`);
  }
  return rewrite.seconds;
}

interface RedisReplayFigures {
  readonly loadSeconds: number;
  readonly spawnToPingSeconds: number;
  readonly rewriteRdbSeconds: number;
  readonly rewriteRespSeconds: number;
  readonly baseRdbBytes: number;
  readonly baseRespBytes: number;
}

async function redisReplayAndRewrite(directory: string): Promise<RedisReplayFigures> {
  const server = await startRedis(directory, redisFlags('everysec'));
  try {
    const loaded = /DB loaded from append only file: ([\d.]+) seconds/.exec(server.log());
    if (loaded === null) throw new Error(`no "DB loaded from append only file" line in the redis log:\n${server.log()}`);
    const keys = await server.connection.command(['DBSIZE']);
    if (keys !== keyCount) throw new Error(`redis loaded ${String(keys)} keys, expected ${keyCount}`);
    const rewriteRdbSeconds = await redisRewrite(server.connection);
    const baseRdbBytes = await assertBase(join(directory, appendDirName), '.base.rdb');
    if ((await server.connection.command(['CONFIG', 'SET', 'aof-use-rdb-preamble', 'no'])) !== 'OK') throw new Error('redis CONFIG SET aof-use-rdb-preamble no failed');
    const rewriteRespSeconds = await redisRewrite(server.connection);
    const baseRespBytes = await assertBase(join(directory, appendDirName), '.base.aof');
    return { loadSeconds: Number(loaded[1]), spawnToPingSeconds: server.spawnToPingSeconds, rewriteRdbSeconds, rewriteRespSeconds, baseRdbBytes, baseRespBytes };
  } finally {
    server.connection.close();
    await server.stop();
  }
}

// ---- files ----

/** The (only) base file in appendonlydir ends in `suffix`; its size. */
async function assertBase(aofDirectory: string, suffix: string): Promise<number> {
  const bases = (await readdir(aofDirectory)).filter((name) => name.includes('.base.'));
  const base = bases.sort().at(-1);
  if (base === undefined || !base.endsWith(suffix)) throw new Error(`expected a ${suffix} base in ${aofDirectory}, found ${bases.join(', ')}`);
  return (await stat(join(aofDirectory, base))).size;
}

async function aofFiles(aofDirectory: string): Promise<{ incrBytes: number; incrHash: string; totalBytes: number }> {
  const hash = createHash('sha256');
  let incrBytes = 0;
  let totalBytes = 0;
  for (const name of (await readdir(aofDirectory)).sort()) {
    const size = (await stat(join(aofDirectory, name))).size;
    totalBytes += size;
    if (!name.endsWith('.incr.aof')) continue;
    incrBytes += size;
    hash.update(await readFile(join(aofDirectory, name)));
  }
  return { incrBytes, incrHash: hash.digest('hex'), totalBytes };
}

// ---- report ----


function range(runs: readonly number[]): string {
  return runs.length > 1 ? `  (${Math.min(...runs).toFixed(3)}–${Math.max(...runs).toFixed(3)} s over ${runs.length})` : '  (1 run)';
}

function opsLine(what: string, runs: readonly number[]): string {
  const seconds = median(runs);
  return `${what.padEnd(44)} ${seconds.toFixed(3).padStart(8)} s ${Math.round(keyCount / seconds).toLocaleString('en').padStart(10)} ops/s${range(runs)}`;
}

function bytesLine(what: string, bytes: number, runs: readonly number[]): string {
  const seconds = median(runs);
  return `${what.padEnd(44)} ${seconds.toFixed(3).padStart(8)} s ${megabytes(bytes).toFixed(1).padStart(7)} MB ${(megabytes(bytes) / seconds).toFixed(1).padStart(7)} MB/s${range(runs)}`;
}

const ratio = (durakv: readonly number[], redis: readonly number[]): string => `${(median(durakv) / median(redis)).toFixed(2)}×`;

async function main(): Promise<void> {
  const version = redisVersion();
  console.log(
    `bench:aof — ${keyCount.toLocaleString('en')} SETs, random ${valueBytes}-byte values (seed ${seed}), pipelined batches of ${batchSize}, ` +
      `snapshotSliceKeys ${config('everysec').snapshotSliceKeys}, ${repetitions} interleaved repetitions ` +
      `(append under always: ${alwaysRepetitions}; BENCH_ALWAYS_REPETITIONS), node ${process.version}, redis-server ${version ?? 'not found'}`,
  );
  const root = await mkdtemp(join(tmpdir(), 'durakv-bench-aof-'));
  try {
    const batches = workload();
    const redisBatches = batches.map((batch) => Buffer.from(batch.map(([key, value]) => respCommand(['SET', key, value])).join(''), 'latin1'));
    const counts = batches.map((batch) => batch.length);
    batches.length = 0;
    const replaySource = join(root, 'replay-source');
    const appendRuns = new Map<string, number[]>();
    const record = (what: string, seconds: number): void => void appendRuns.set(what, [...(appendRuns.get(what) ?? []), seconds]);
    let incrBytes = 0;
    let identical: boolean | null = null;

    for (let run = 0; run < repetitions; run += 1) {
      for (const policy of policies) {
        if (policy === 'always' && run >= alwaysRepetitions) continue;
        const durakvDirectory = join(root, `append-durakv-${policy}-${run}`);
        await mkdir(durakvDirectory);
        record(`durakv ${policy}`, durakvInChildProcess<DurakvAppendFigures>('append', durakvDirectory, policy).seconds);
        const durakvFiles = await aofFiles(join(durakvDirectory, appendDirName));
        incrBytes = durakvFiles.incrBytes;
        let redisFiles: Awaited<ReturnType<typeof aofFiles>> | null = null;
        if (version !== null) {
          const redisDirectory = join(root, `append-redis-${policy}-${run}`);
          await mkdir(redisDirectory);
          record(`redis ${policy}`, await redisAppend(redisDirectory, policy, redisBatches, counts));
          redisFiles = await aofFiles(join(redisDirectory, appendDirName));
          await rm(redisDirectory, { recursive: true, force: true });
        }
        if (policy === 'everysec' && run === 0) {
          identical = redisFiles === null ? null : redisFiles.incrHash === durakvFiles.incrHash;
          await rename(durakvDirectory, replaySource);
        } else {
          await rm(durakvDirectory, { recursive: true, force: true });
        }
      }
    }

    const replayBytes = (await aofFiles(join(replaySource, appendDirName))).totalBytes;
    const durakvReplays: DurakvReplayFigures[] = [];
    const redisReplays: RedisReplayFigures[] = [];
    for (let run = 0; run < repetitions; run += 1) {
      const durakvDirectory = join(root, `replay-durakv-${run}`);
      await cp(replaySource, durakvDirectory, { recursive: true });
      const durakv = durakvInChildProcess<DurakvReplayFigures>('replay-and-rewrite', durakvDirectory);
      if (durakv.keysLoaded !== keyCount) throw new Error(`durakv loaded ${durakv.keysLoaded} keys, expected ${keyCount}`);
      durakvReplays.push(durakv);
      await rm(durakvDirectory, { recursive: true, force: true });
      if (version === null) continue;
      const redisDirectory = join(root, `replay-redis-${run}`);
      await cp(replaySource, redisDirectory, { recursive: true });
      redisReplays.push(await redisReplayAndRewrite(redisDirectory));
      await rm(redisDirectory, { recursive: true, force: true });
    }

    console.log(`append (incr file ${megabytes(incrBytes).toFixed(1)} MB; durakv and redis incr files byte-identical: ${identical === null ? 'n/a' : identical ? 'yes' : 'NO'})`);
    for (const policy of policies) {
      for (const side of version === null ? ['durakv'] : ['durakv', 'redis']) {
        console.log(opsLine(`  ${side} appendfsync ${policy}`, appendRuns.get(`${side} ${policy}`) ?? []));
      }
    }
    const pick = (runs: readonly DurakvReplayFigures[] | readonly RedisReplayFigures[], field: 'loadSeconds' | 'rewriteRdbSeconds' | 'rewriteRespSeconds'): number[] => runs.map((figures) => figures[field]);
    console.log(`replay of ${keyCount.toLocaleString('en')} SETs (appendonlydir ${megabytes(replayBytes).toFixed(1)} MB) and rewrite of the loaded dataset`);
    console.log(bytesLine('  durakv load (fresh process, openStore)', replayBytes, pick(durakvReplays, 'loadSeconds')));
    if (version !== null) {
      console.log(bytesLine(`  redis ${version} start-up load (log)`, replayBytes, pick(redisReplays, 'loadSeconds')));
      console.log(bytesLine('  redis spawn → PING answered', replayBytes, redisReplays.map((figures) => figures.spawnToPingSeconds)));
    }
    const base = (runs: readonly DurakvReplayFigures[] | readonly RedisReplayFigures[], field: 'baseRdbBytes' | 'baseRespBytes'): number => runs[0]?.[field] ?? 0;
    console.log(bytesLine('  durakv BGREWRITEAOF, RDB base', base(durakvReplays, 'baseRdbBytes'), pick(durakvReplays, 'rewriteRdbSeconds')));
    if (version !== null) console.log(bytesLine('  redis BGREWRITEAOF, RDB base', base(redisReplays, 'baseRdbBytes'), pick(redisReplays, 'rewriteRdbSeconds')));
    console.log(bytesLine('  durakv BGREWRITEAOF, RESP base', base(durakvReplays, 'baseRespBytes'), pick(durakvReplays, 'rewriteRespSeconds')));
    if (version !== null) console.log(bytesLine('  redis BGREWRITEAOF, RESP base', base(redisReplays, 'baseRespBytes'), pick(redisReplays, 'rewriteRespSeconds')));
    if (version === null) {
      console.log('redis-server not found: durakv figures only');
      return;
    }
    const appendRatios = policies.map((policy) => `${policy} ${ratio(appendRuns.get(`durakv ${policy}`) ?? [], appendRuns.get(`redis ${policy}`) ?? [])}`);
    console.log(`ratio durakv/redis (medians of seconds): append ${appendRatios.join(', ')}`);
    console.log(
      `ratio durakv/redis (medians of seconds): replay ${ratio(pick(durakvReplays, 'loadSeconds'), pick(redisReplays, 'loadSeconds'))}, ` +
        `rewrite RDB base ${ratio(pick(durakvReplays, 'rewriteRdbSeconds'), pick(redisReplays, 'rewriteRdbSeconds'))}, ` +
        `rewrite RESP base ${ratio(pick(durakvReplays, 'rewriteRespSeconds'), pick(redisReplays, 'rewriteRespSeconds'))} (target ≤ 2×)`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'append') await durakvAppend(process.argv[3] ?? '', (process.argv[4] ?? 'everysec') as AppendFsync);
else if (process.argv[2] === 'replay-and-rewrite') await durakvReplayAndRewrite(process.argv[3] ?? '');
else await main();
