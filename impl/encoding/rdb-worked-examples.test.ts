/**
 * Goal: our encoder and decoder reproduce the byte examples captured from Redis 7.0.15
 * (reference facts §1.10): the 89-byte empty dump, the minimal file, SET foo bar / SET n 12345,
 * and the 7-key keys section.
 */
import { describe, expect, it } from 'vitest';
import type { RedisValue } from '../values/redis-value.ts';
import { canonicalValue } from './testing/dataset-canonical-form.ts';
import { decodeRdb } from './rdb-dataset.ts';
import { RdbEncoder } from './rdb-encoder.ts';

const hex = (text: string): Buffer => Buffer.from(text.replace(/"([^"]*)"/g, (_, ascii: string) => Buffer.from(ascii, 'latin1').toString('hex')).replace(/\s+/g, ''), 'hex');

const emptyDump = hex(`
  52 45 44 49 53 30 30 31 30
  fa 09 "redis-ver" 06 "7.0.15"
  fa 0a "redis-bits" c0 40
  fa 05 "ctime" c2 74 e4 04 6b
  fa 08 "used-mem" c2 98 f4 0d 00
  fa 08 "aof-base" c0 00
  ff 04 bd 2b 9f 50 77 2e f6`);

const sevenKeySection = hex(`
  fe 00
  fb 07 01
  00 03 "big" c3 09 28 01 61 61 e0 1b 00 01 61 61
  fc 99 5a 12 11 a2 01 00 00
  00 01 "e" 01 "v"
  12 01 "l" 01 02 0d 0d000000 0200 8161 02 8162 02 ff
  02 02 "s2" 01 01 "x"
  11 01 "z" 0f 0f000000 0200 816d 02 83 "1.5" 04 ff
  0b 01 "s" 0c 02000000 02000000 0100 0200
  10 01 "h" 0d 0d000000 0200 8166 02 8176 02 ff`);

describe('Redis 7.0.15 worked examples', () => {
  it('the empty dataset with ctime 0x6b04e474 and used-mem 0x0df498 is the 89-byte file, CRC included', () => {
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0x6b04e474, usedMemory: 0x0df498, compression: true });
    const file = Buffer.concat([encoder.header(), encoder.end()]);
    expect(file.length).toBe(89);
    expect(file.toString('hex')).toBe(emptyDump.toString('hex'));
  });

  it('the empty dataset with other ctime/used-mem differs only in those bytes and the CRC', () => {
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0x6b04e475, usedMemory: 0x0df499, compression: true });
    const file = Buffer.concat([encoder.header(), encoder.end()]);
    const differing = [...file].flatMap((byte, index) => (byte === emptyDump[index] ? [] : [index]));
    const ctimeAt = 9 + 18 + 14 + 7 + 1; // header, redis-ver AUX, redis-bits AUX, fa 05 "ctime", c2
    const usedMemoryAt = ctimeAt + 4 + 10 + 1; // ctime int32, fa 08 "used-mem", c2
    expect(differing.filter((index) => index < 81)).toEqual([ctimeAt, usedMemoryAt]);
    expect(differing.filter((index) => index >= 81).length).toBeGreaterThan(0);
  });

  it('aof-base is 1 for an AOF base (aof: true)', () => {
    const file = Buffer.from(new RdbEncoder({ aof: true, ctimeSeconds: 1, usedMemory: 1, compression: true }).header());
    expect(file.subarray(-12).toString('latin1')).toBe('\xfa\x08aof-base\xc0\x01');
  });

  it('decodes the empty dump to no keys, with its AUX fields and a verified CRC', () => {
    const decoded = decodeRdb(emptyDump, 'empty.rdb');
    expect(decoded.databases.size).toBe(0);
    expect(Object.fromEntries(decoded.aux)).toEqual({ 'redis-ver': '7.0.15', 'redis-bits': '64', ctime: String(0x6b04e474), 'used-mem': String(0x0df498), 'aof-base': '0' });
    expect(decoded.checksum).toBe('verified');
  });

  it('the minimal file REDIS0010 ff + a9fd37fe89a77eeb loads as an empty dataset', () => {
    const decoded = decodeRdb(hex('"REDIS0010" ff a9 fd 37 fe 89 a7 7e eb'), 'minimal.rdb');
    expect(decoded.databases.size).toBe(0);
    expect(decoded.checksum).toBe('verified');
  });

  it('SET foo bar and SET n 12345 encode as 00 03 "foo" 03 "bar" and 00 01 "n" c1 39 30', () => {
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression: true });
    encoder.header();
    encoder.selectDb(0, 2, 0);
    expect(Buffer.from(encoder.entry('foo', { type: 'string', value: 'bar' }, null)).toString('hex')).toBe(hex('00 03 "foo" 03 "bar"').toString('hex'));
    expect(Buffer.from(encoder.entry('n', { type: 'string', value: '12345' }, null)).toString('hex')).toBe('00016ec13930');
  });

  it('the 7-key keys section decodes to the right values, expiry and CRC-disabled status', () => {
    const file = Buffer.concat([Buffer.from('REDIS0010'), sevenKeySection, hex('ff 0000000000000000')]);
    const decoded = decodeRdb(file, 'seven.rdb');
    const db = decoded.databases.get(0);
    expect(decoded.checksum).toBe('disabled-in-file');
    const expected: [string, RedisValue, number | null][] = [
      ['big', { type: 'string', value: 'a'.repeat(40) }, null],
      ['e', { type: 'string', value: 'v' }, 1795582745241],
      ['l', { type: 'list', items: ['a', 'b'] }, null],
      ['s2', { type: 'set', members: new Set(['x']) }, null],
      ['z', { type: 'zset', scores: new Map([['m', 1.5]]) }, null],
      ['s', { type: 'set', members: new Set(['1', '2']) }, null],
      ['h', { type: 'hash', fields: new Map([['f', 'v']]) }, null],
    ];
    expect(db?.size).toBe(7);
    for (const [key, value, expireAtMs] of expected) {
      expect(db?.get(key)?.expireAtMs).toBe(expireAtMs);
      expect(canonicalValue(db?.get(key)?.value ?? { type: 'string', value: '<missing>' })).toEqual(canonicalValue(value));
    }
  });

  it('re-encoding the 7 keys reproduces every key record except LZF bytes, which may differ', () => {
    const encoder = new RdbEncoder({ aof: false, ctimeSeconds: 0, usedMemory: 0, compression: true });
    encoder.header();
    const decoded = decodeRdb(Buffer.concat([Buffer.from('REDIS0010'), sevenKeySection, hex('ff 0000000000000000')]), 'seven.rdb');
    const records = [Buffer.from(encoder.selectDb(0, 7, 1))];
    for (const key of ['e', 'l', 's2', 'z', 's', 'h']) {
      const entry = decoded.databases.get(0)?.get(key);
      if (entry !== undefined) records.push(Buffer.from(encoder.entry(key, entry.value, entry.expireAtMs)));
    }
    const withoutBig = Buffer.concat([sevenKeySection.subarray(0, 5), sevenKeySection.subarray(5 + 17)]);
    expect(Buffer.concat(records).toString('hex')).toBe(withoutBig.toString('hex'));
    const big = Buffer.from(encoder.entry('big', { type: 'string', value: 'a'.repeat(40) }, null));
    expect(big.subarray(0, 6).toString('hex')).toBe(hex('00 03 "big" c3').toString('hex'));
  });
});
