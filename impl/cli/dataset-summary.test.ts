/**
 * Goal: the summary's size and TTL columns read well at every scale, including expiries outside
 * the range a JS Date can show.
 */
import { describe, expect, it } from 'vitest';
import type { DatabaseContents } from '../values/redis-value.ts';
import { durationText, renderDatasetSummary, sizeText, ttlText } from './dataset-summary.ts';
import type { RdbFileContents } from './read-rdb-file.ts';

describe('summary columns', () => {
  it.each([
    [900, '0.900s'],
    [59_900, '59.900s'],
    [3_600_000, '1h 0m 0.000s'],
    [90_061_500, '1d 1h 1m 1.500s'],
  ])('a duration of %i ms is %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it.each([
    [null, 1000, '-'],
    [1000, 1000, 'expired (at 1970-01-01T00:00:01.000Z)'],
    [2500, 1000, '1.500s (at 1970-01-01T00:00:02.500Z)'],
    [Number.MAX_SAFE_INTEGER, 0, '104249991d 8h 59m 0.991s (at 9007199254740991 ms)'],
    [-Number.MAX_SAFE_INTEGER, 0, 'expired (at -9007199254740991 ms)'],
  ])('an expiry at %s with the clock at %i is shown %s', (expireAtMs, nowMs, text) => {
    expect(ttlText(expireAtMs, nowMs)).toMatch(text);
  });

  it('sizes are bytes, items, fields or members, singular for one', () => {
    expect(sizeText({ type: 'string', value: '' })).toBe('0 bytes');
    expect(sizeText({ type: 'list', items: ['a'] })).toBe('1 item');
    expect(sizeText({ type: 'hash', fields: new Map([['a', 'b'], ['c', 'd']]) })).toBe('2 fields');
    expect(sizeText({ type: 'zset', scores: new Map([['a', 1]]) })).toBe('1 member');
  });

  it('lays out a database of 300 000 keys (column widths without spreading rows into Math.max)', () => {
    const keys: DatabaseContents = new Map();
    for (let index = 0; index < 300_000; index += 1) keys.set(`key:${index}`, { value: { type: 'string', value: 'v' }, expireAtMs: null });
    const contents: RdbFileContents = { fileBytes: 1, version: 10, databases: new Map([[0, keys]]), aux: new Map(), functionLibraries: 0, skippedEmptyKeys: 0, checksum: 'verified', rdbLength: 1, trailingBytes: 0 };
    const text = renderDatasetSummary('big.rdb', contents, 0);
    expect(text).toContain('\n  "key:299999"  string  1 byte  -\n');
    expect(text.endsWith('\n300000 keys in 1 database\n')).toBe(true);
  });
});

