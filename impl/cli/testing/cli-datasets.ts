/**
 * Test support: a small dataset with every type, a binary key, a future and a past expiry and two
 * databases, and its RDB file as durakv writes it (with the chunk lengths, to locate records).
 */
import { encodeRdb } from '../../encoding/rdb-dataset.ts';
import type { DatabaseContents, KeyEntry, RedisValue } from '../../values/redis-value.ts';
import { fixedNowMs } from './cli-harness.ts';

const entry = (value: RedisValue, expireAtMs: number | null = null): KeyEntry => ({ value, expireAtMs });

export const sampleDataset = (): Map<number, DatabaseContents> =>
  new Map<number, DatabaseContents>([
    [
      0,
      new Map([
        ['greeting', entry({ type: 'string', value: 'hello' })],
        ['\xff\x01', entry({ type: 'list', items: ['a', 'b', 'c'] }, fixedNowMs + 90_061_500)],
        ['gone', entry({ type: 'string', value: 'x' }, fixedNowMs - 1)],
      ]),
    ],
    [
      2,
      new Map([
        ['h', entry({ type: 'hash', fields: new Map([['f', 'v'], ['g', 'w']]) })],
        ['s', entry({ type: 'set', members: new Set(['1', '2', '3']) })],
        ['z', entry({ type: 'zset', scores: new Map([['a', 1]]) })],
      ]),
    ],
  ]);

export const sampleCtimeSeconds = 1_700_000_000;

export function sampleRdbChunks(compression = true): Uint8Array[] {
  return encodeRdb(sampleDataset(), { aof: false, ctimeSeconds: sampleCtimeSeconds, usedMemory: 0, compression });
}

export function sampleRdb(): Buffer {
  return Buffer.concat(sampleRdbChunks());
}
