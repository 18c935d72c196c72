/**
 * Goal: the older type bytes Redis 7.0 still loads decode to the values redis-server 7.0.15
 * showed for the same hand-made file (LRANGE/ZRANGE/HGETALL/EXPIRETIME, checked when written),
 * in version 6 (with CRC) and version 4 (without).
 */
import { describe, expect, it } from 'vitest';
import type { RedisValue } from '../values/redis-value.ts';
import { canonicalValue } from './testing/dataset-canonical-form.ts';
import { ziplistOf, zipmapOf } from './testing/legacy-blob-builder.ts';
import { decodeRdb } from './rdb-dataset.ts';
import { rdbFile } from './testing/rdb-test-file.ts';

const listItems = ['a', '0', '12', '13', '-1', '127', '-128', '300', '-40000', '8000000', '-2000000000', '9000000000', 'x'.repeat(70), 'y'.repeat(20_000)];

const legacyFile = (version: number): Buffer =>
  rdbFile(
    (writer) =>
      writer
        .byte(0xfe).length(0)
        .byte(10).string('lz').blob(ziplistOf(listItems))
        .byte(12).string('zz').blob(ziplistOf(['m1', '1.5', 'm2', '3', 'm3', 'inf', 'm4', '-inf', 'm5', '-0', 'm6', '1e+21']))
        .byte(13).string('hz').blob(ziplistOf(['f1', 'v1', 'f2', '42']))
        .byte(9).string('hm').blob(zipmapOf([['f1', 'v1'], ['f2', 'x'.repeat(300)]], 2))
        .byte(14).string('ql').length(2).blob(ziplistOf(['a', 'b'])).blob(ziplistOf(['c', '7']))
        .byte(1).string('ol').length(3).string('p').string('q').string('12')
        .byte(3).string('oz').length(4)
        .string('a').raw(Buffer.from('\x031.5', 'latin1'))
        .string('b').byte(254)
        .string('c').byte(255)
        .string('d').raw(Buffer.from('\x04-2.5', 'latin1'))
        .byte(0xfd).int32le(2_000_000_000).byte(0).string('old-exp').string('v')
        .byte(0xfc).int64le(4102444800123n).byte(0xf8).length(1234).byte(0).string('idle').string('v')
        .byte(0xf9).byte(5).byte(0).string('freq').string('v'),
    { version },
  );

const expected: Record<string, RedisValue> = {
  lz: { type: 'list', items: listItems },
  zz: { type: 'zset', scores: new Map([['m1', 1.5], ['m2', 3], ['m3', Infinity], ['m4', -Infinity], ['m5', -0], ['m6', 1e21]]) },
  hz: { type: 'hash', fields: new Map([['f1', 'v1'], ['f2', '42']]) },
  hm: { type: 'hash', fields: new Map([['f1', 'v1'], ['f2', 'x'.repeat(300)]]) },
  ql: { type: 'list', items: ['a', 'b', 'c', '7'] },
  ol: { type: 'list', items: ['p', 'q', '12'] },
  oz: { type: 'zset', scores: new Map([['a', 1.5], ['b', Infinity], ['c', -Infinity], ['d', -2.5]]) },
};

describe.each([6, 4])('legacy encodings in an RDB version %i file', (version) => {
  // Decoded inside each test (not while the suite is collected), so that the mutation job
  // links the decoder's code to the tests that check it.
  const load = () => {
    const decoded = decodeRdb(legacyFile(version), `legacy${version}.rdb`);
    return { decoded, db: decoded.databases.get(0) };
  };

  it('loads all 10 keys with the expected checksum status', () => {
    const { decoded, db } = load();
    expect(db?.size).toBe(10);
    expect(decoded.checksum).toBe(version >= 5 ? 'verified' : 'absent');
  });

  it.each(Object.keys(expected))('%s decodes to the value redis-server showed', (key) => {
    const { db } = load();
    expect(canonicalValue(db?.get(key)?.value ?? { type: 'string', value: '<missing>' })).toEqual(canonicalValue(expected[key] as RedisValue));
  });

  it('EXPIRETIME seconds become ms; EXPIRETIME_MS survives an IDLE between it and the key; FREQ is skipped', () => {
    const { db } = load();
    expect(db?.get('old-exp')?.expireAtMs).toBe(2_000_000_000_000);
    expect(db?.get('idle')?.expireAtMs).toBe(4102444800123);
    expect(db?.get('freq')?.value).toEqual({ type: 'string', value: 'v' });
  });
});
