/**
 * Moves a whole dataset into and out of a running redis-server with ordinary commands, so the
 * server's view can be compared with durakv's.
 *
 * Reading, per database 0..15 (SELECT, DBSIZE, KEYS *), per key: TYPE, then GET / LRANGE 0 -1 /
 * HGETALL / SMEMBERS / ZRANGE 0 -1 WITHSCORES, and PEXPIRETIME (Redis 7.0+: the absolute expiry
 * in Unix ms, exact where PTTL would be relative to the moment of the call). No DEBUG commands.
 * Loading: SELECT, then SET / RPUSH / HSET / SADD / ZADD, then PEXPIREAT for keys with an
 * expiry; long collections go in batches of `batchSize` elements per command. The same command
 * list (`datasetLoadCommands`) drives a durakv Store, so both sides can be built alike.
 *
 * Invariants:
 * - Binary-safe: keys and values travel as RESP bulk strings.
 * - Scores are sent as "inf"/"-inf" or ECMAScript's shortest round-trip text (which strtod reads
 *   back exactly) and read back from Redis's "%.17g" text, exactly.
 * - `encodingsOf` reports OBJECT ENCODING per key, for checking the encoding thresholds.
 */
import assert from 'node:assert/strict';
import { databaseCount, type ByteString, type DatabaseContents, type KeyEntry, type RedisValue } from '../../impl/values/redis-value.ts';
import type { RespClient } from './resp-client.ts';

const batchSize = 1000;

export function scoreArgument(score: number): string {
  assert.ok(!Number.isNaN(score), 'a zset score is never NaN');
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return Object.is(score, -0) ? '-0' : String(score);
}

export function scoreFromReply(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  const score = Number(text);
  assert.ok(text.trim() !== '' && !Number.isNaN(score), `a score reply: ${JSON.stringify(text)}`);
  return score;
}

function pairs(flat: readonly ByteString[]): [ByteString, ByteString][] {
  assert.equal(flat.length % 2, 0, 'a flat reply of pairs');
  const result: [ByteString, ByteString][] = [];
  for (let index = 0; index < flat.length; index += 2) result.push([flat[index] as ByteString, flat[index + 1] as ByteString]);
  return result;
}

async function readValue(client: RespClient, key: ByteString): Promise<RedisValue> {
  const type = await client.call('TYPE', key);
  switch (type) {
    case 'string': {
      const value = await client.bulk('GET', key);
      assert.ok(value !== null, 'GET of an existing string key');
      return { type, value };
    }
    case 'list':
      return { type, items: await client.strings('LRANGE', key, '0', '-1') };
    case 'hash':
      return { type, fields: new Map(pairs(await client.strings('HGETALL', key))) };
    case 'set':
      return { type, members: new Set(await client.strings('SMEMBERS', key)) };
    case 'zset':
      return { type, scores: new Map(pairs(await client.strings('ZRANGE', key, '0', '-1', 'WITHSCORES')).map(([member, score]) => [member, scoreFromReply(score)])) };
    default:
      throw new Error(`key ${JSON.stringify(key)} has type ${String(type)}, which durakv does not model`);
  }
}

export async function readDatasetFromRedis(client: RespClient): Promise<Map<number, DatabaseContents>> {
  const databases = new Map<number, DatabaseContents>();
  for (let db = 0; db < databaseCount; db += 1) {
    await client.call('SELECT', String(db));
    if ((await client.integer('DBSIZE')) === 0) continue;
    const contents: DatabaseContents = new Map();
    for (const key of await client.strings('KEYS', '*')) {
      const value = await readValue(client, key);
      const expiry = await client.integer('PEXPIRETIME', key);
      assert.ok(expiry !== -2, `key ${JSON.stringify(key)} vanished while being read`);
      contents.set(key, { value, expireAtMs: expiry === -1 ? null : expiry });
    }
    databases.set(db, contents);
  }
  await client.call('SELECT', '0');
  return databases;
}

function* inBatches(command: string, key: ByteString, args: readonly ByteString[], perElement: number): Generator<ByteString[]> {
  const step = batchSize * perElement;
  for (let start = 0; start < args.length; start += step) yield [command, key, ...args.slice(start, start + step)];
}

function* entryCommands(key: ByteString, entry: KeyEntry): Generator<ByteString[]> {
  const value = entry.value;
  switch (value.type) {
    case 'string':
      yield ['SET', key, value.value];
      break;
    case 'list':
      yield* inBatches('RPUSH', key, value.items, 1);
      break;
    case 'hash':
      yield* inBatches('HSET', key, [...value.fields].flat(), 2);
      break;
    case 'set':
      yield* inBatches('SADD', key, [...value.members], 1);
      break;
    case 'zset':
      yield* inBatches('ZADD', key, [...value.scores].flatMap(([member, score]) => [scoreArgument(score), member]), 2);
      break;
  }
  if (entry.expireAtMs !== null) yield ['PEXPIREAT', key, String(entry.expireAtMs)];
}

/**
 * The commands that build `databases` from nothing, in order: per database (ascending) SELECT,
 * then per key its type's command(s) and PEXPIREAT; ends with SELECT 0. Any Redis-compatible
 * command sink (a RespClient, a durakv Store) can run them.
 */
export function* datasetLoadCommands(databases: ReadonlyMap<number, DatabaseContents>): Generator<ByteString[]> {
  for (const [db, contents] of [...databases].sort(([left], [right]) => left - right)) {
    yield ['SELECT', String(db)];
    for (const [key, entry] of contents) yield* entryCommands(key, entry);
  }
  yield ['SELECT', '0'];
}

export async function loadDatasetIntoRedis(client: RespClient, databases: ReadonlyMap<number, DatabaseContents>): Promise<void> {
  for (const argv of datasetLoadCommands(databases)) {
    const reply = await client.call(...argv);
    if (argv[0] === 'PEXPIREAT') assert.equal(reply, 1, 'PEXPIREAT set the expiry');
  }
}

/** OBJECT ENCODING of every key, as "db key" → encoding. */
export async function encodingsOf(client: RespClient, databases: ReadonlyMap<number, DatabaseContents>): Promise<Map<string, string>> {
  const encodings = new Map<string, string>();
  for (const [db, contents] of databases) {
    await client.call('SELECT', String(db));
    for (const key of contents.keys()) {
      const encoding = await client.bulk('OBJECT', 'ENCODING', key);
      encodings.set(`${db} ${JSON.stringify(key)}`, String(encoding));
    }
  }
  await client.call('SELECT', '0');
  return encodings;
}
