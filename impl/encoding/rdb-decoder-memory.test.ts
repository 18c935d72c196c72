/**
 * Goal: the decoder's memory stays bounded by the unit it is reading, whatever lengths a corrupt
 * file declares, and large values cost linear, not quadratic, work when streamed in small chunks.
 */
import { describe, expect, it } from 'vitest';
import type { DatabaseContents } from '../values/redis-value.ts';
import { encodeRdb } from './rdb-dataset.ts';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { RdbDecoder, type RdbDecoderOptions } from './rdb-decoder.ts';
import { RdbEncoder } from './rdb-encoder.ts';

const header = Buffer.from('REDIS0010', 'latin1');
const keyPrefix = Buffer.from('00016b', 'hex'); // STRING, key "k"

function pushError(bytes: Uint8Array, options: Partial<RdbDecoderOptions> = {}): RdbDecodeError {
  const decoder = new RdbDecoder({ fileName: 'huge.rdb', ...options });
  try {
    decoder.push(bytes);
    decoder.end();
  } catch (error) {
    if (error instanceof RdbDecodeError) return error;
    throw error;
  }
  throw new Error('expected an RdbDecodeError');
}

describe('declared lengths never drive allocation', () => {
  it('a 400 MB string length (below the cap) buffers only the bytes received, then ends truncated', () => {
    const decoder = new RdbDecoder({ fileName: 'huge.rdb' });
    decoder.push(Buffer.concat([header, keyPrefix, Buffer.from('8017d78400', 'hex'), Buffer.alloc(1000, 0x61)]));
    expect(decoder.bufferedBytes).toBeLessThan(1100);
    expect(decoder.bufferCapacity).toBeLessThanOrEqual(64 * 1024);
    expect(() => decoder.end()).toThrow(expect.objectContaining({ kind: 'truncated', offset: 1017 }));
  });

  it.each([
    ['a 4 GiB string length', '80ffffffff', 'corrupt'],
    ['a 2^40 string length', '810000010000000000', 'corrupt'],
    ['an LZF length of 400 MB for 9 compressed bytes', 'c3098017d78400', 'corrupt'],
  ])('%s is rejected as soon as it is read', (_name, lengthHex, kind) => {
    const error = pushError(Buffer.concat([header, keyPrefix, Buffer.from(lengthHex, 'hex')]));
    expect([error.kind, error.offset]).toEqual([kind, 12]);
  });

  it('a SET claiming 2^40 members is corrupt at its count, before any member is read', () => {
    const error = pushError(Buffer.concat([header, Buffer.from('02016b810000010000000000', 'hex')]));
    expect([error.kind, error.offset]).toEqual(['corrupt', 12]);
  });

  it('with a totalBytes hint, a length or count that cannot fit in the file is truncated at once', () => {
    const string = Buffer.concat([header, keyPrefix, Buffer.from('8000100000', 'hex')]);
    expect(pushError(string, { totalBytes: 100 }).kind).toBe('truncated');
    const set = Buffer.concat([header, Buffer.from('02016b800000ffff', 'hex')]);
    expect(pushError(set, { totalBytes: 1000 }).kind).toBe('truncated');
  });

  it('custom limits apply: maxStringBytes 1000 refuses a 2000-byte value', () => {
    const file = Buffer.concat(encodeRdb(new Map([[0, new Map([['k', { value: { type: 'string' as const, value: 'x'.repeat(2000) }, expireAtMs: null }]])]]), { aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false }));
    expect(pushError(file, { limits: { maxStringBytes: 1000 } }).kind).toBe('corrupt');
  });
});

describe('streaming keeps only the incomplete unit', () => {
  it('a 1 MiB value among 2000 small keys, in 4 KiB chunks: buffer <= the value record + one chunk, then shrinks', () => {
    const contents: DatabaseContents = new Map();
    for (let index = 0; index < 2000; index += 1) contents.set(`key:${index}`, { value: { type: 'string', value: `v${index}` }, expireAtMs: null });
    contents.set('key:1000x', { value: { type: 'string', value: 'z'.repeat(1 << 20) }, expireAtMs: null });
    const file = Buffer.concat(encodeRdb(new Map([[0, contents]]), { aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false }));
    const decoder = new RdbDecoder({ fileName: 'stream.rdb' });
    let maxBuffered = 0;
    let maxCapacity = 0;
    let keys = 0;
    for (let at = 0; at < file.length; at += 4096) {
      keys += decoder.push(file.subarray(at, at + 4096)).filter((item) => item.kind === 'key').length;
      maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
      maxCapacity = Math.max(maxCapacity, decoder.bufferCapacity);
    }
    decoder.end();
    expect(keys).toBe(2001);
    expect(maxBuffered).toBeLessThanOrEqual((1 << 20) + 32 + 4096);
    expect(maxCapacity).toBeLessThanOrEqual(2 * ((1 << 20) + 32 + 4096));
    expect(decoder.bufferCapacity).toBeLessThanOrEqual(256 * 1024);
  });

  it('a 4 MiB string in 100-byte chunks and a 100k-field HASH in 1 KiB chunks decode in linear time', () => {
    const fields = new Map(Array.from({ length: 100_000 }, (_, index) => [`field-${index}`, `value-${index}`] as [string, string]));
    const contents: DatabaseContents = new Map([
      ['big', { value: { type: 'string', value: 'q'.repeat(4 << 20) }, expireAtMs: null }],
      ['hash', { value: { type: 'hash', fields }, expireAtMs: null }],
    ]);
    const file = Buffer.concat(encodeRdb(new Map([[0, contents]]), { aof: false, ctimeSeconds: 0, usedMemory: 0, compression: false }));
    const started = performance.now();
    const decoder = new RdbDecoder({ fileName: 'linear.rdb' });
    for (let at = 0; at < file.length; at += at < (4 << 20) ? 100 : 1024) decoder.push(file.subarray(at, at + (at < (4 << 20) ? 100 : 1024)));
    decoder.end();
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('1,000,000 keys flow encoder → decoder chunk by chunk; the decoder never holds more than one record', () => {
    const count = 1_000_000;
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression: true });
    const decoder = new RdbDecoder({ fileName: 'million.rdb' });
    let keys = 0;
    let maxBuffered = 0;
    const feed = (chunk: Uint8Array): void => {
      for (const item of decoder.push(chunk)) if (item.kind === 'key') keys += 1;
      maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
    };
    feed(encoder.header());
    feed(encoder.selectDb(0, count, 0));
    for (let index = 0; index < count; index += 1) feed(encoder.entry(`key:${index}`, { type: 'string', value: `value:${index}` }, null));
    feed(encoder.end());
    expect(decoder.end().rdbLength).toBe(encoder.bytesWritten);
    expect(keys).toBe(count);
    expect(maxBuffered).toBe(0);
  });
});
