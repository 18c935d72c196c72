/**
 * Goal: an AOF base without RDB preamble (aof-use-rdb-preamble no) is, byte for byte, what Redis 7.0's
 * rewriteAppendOnlyFileRio writes: an optional `#TS:` line, then per database with keys `SELECT <db>`
 * and the rewrite commands of each key, whichever way (appendEntry, or encodeEntry then
 * appendEncodedEntry) the snapshot hands the entries over, and however the output is chunked.
 * Method: drive the SnapshotFormat as RdbSnapshot does and compare the concatenated chunks with
 * literal RESP text.
 */
import { describe, expect, it } from 'vitest';
import type { RedisValue } from '../values/redis-value.ts';
import { respBaseFormat } from './aof-resp-base-format.ts';

const latin1 = (chunks: readonly Uint8Array[]) => Buffer.concat(chunks).toString('latin1');
const str = (value: string): RedisValue => ({ type: 'string', value });
const list = (...items: string[]): RedisValue => ({ type: 'list', items });
const hash = (...pairs: [string, string][]): RedisValue => ({ type: 'hash', fields: new Map(pairs) });

const select0 = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n';
const select3 = '*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n';
const setSV = '*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$1\r\nv\r\n';
const pexpireatS = '*3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n1795492642865\r\n';
const rpushLAB = '*4\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n$1\r\nb\r\n';
const hmsetHFX = '*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nx\r\n';
const twoDatabases = select0 + setSV + pexpireatS + rpushLAB + select3 + hmsetHFX;

describe('RESP AOF base (aof-use-rdb-preamble no)', () => {
  it.each([
    [1_700_000_000, '#TS:1700000000\r\n'],
    [null, ''],
  ])('an empty dataset with timestamp %s is exactly %j', (seconds, text) => {
    const format = respBaseFormat(seconds);
    expect(latin1([format.header(), format.end()])).toBe(text);
  });

  it('with aof-timestamp-enabled the #TS line comes first, before the first SELECT', () => {
    const format = respBaseFormat(1_700_000_000);
    const chunks = [format.header(), format.selectDb(0, 1, 0)];
    format.appendEntry('l', list('a', 'b'), null);
    chunks.push(format.end());
    expect(latin1(chunks)).toBe(`#TS:1700000000\r\n${select0}${rpushLAB}`);
  });

  it('writes SELECT per database, then each key\'s commands with PEXPIREAT after its value (appendEntry)', () => {
    const format = respBaseFormat(null);
    const chunks = [format.header(), format.selectDb(0, 2, 1)];
    format.appendEntry('s', str('v'), 1795492642865);
    format.appendEntry('l', list('a', 'b'), null);
    chunks.push(format.selectDb(3, 1, 0));
    format.appendEntry('h', hash(['f', 'x']), null);
    chunks.push(format.end());
    expect(latin1(chunks)).toBe(twoDatabases);
  });

  it('entries encoded before their SELECT (encodeEntry, then appendEncodedEntry) give the same file, flushed mid-database or not', () => {
    const format = respBaseFormat(null);
    const expiring = format.encodeEntry('s', str('v'), 1795492642865);
    const persistent = format.encodeEntry('l', list('a', 'b'), null);
    expect(expiring.hasExpire).toBe(true);
    expect(persistent.hasExpire).toBe(false);
    expect(latin1([expiring.bytes])).toBe(setSV + pexpireatS);
    expect(latin1([persistent.bytes])).toBe(rpushLAB);

    const chunks = [format.header(), format.selectDb(0, 2, 1)];
    format.appendEncodedEntry(expiring);
    format.appendEncodedEntry(persistent);
    chunks.push(format.flush());
    chunks.push(format.selectDb(3, 1, 0));
    format.appendEntry('h', hash(['f', 'x']), null);
    chunks.push(format.end());
    expect(latin1(chunks)).toBe(twoDatabases);
  });

  it('mixes appendEntry and appendEncodedEntry within one database in call order', () => {
    const format = respBaseFormat(null);
    const encoded = format.encodeEntry('l', list('a', 'b'), null);
    const chunks = [format.header(), format.selectDb(0, 2, 1)];
    format.appendEntry('s', str('v'), 1795492642865);
    format.appendEncodedEntry(encoded);
    chunks.push(format.end());
    expect(latin1(chunks)).toBe(select0 + setSV + pexpireatS + rpushLAB);
  });

  it('refuses to close a database that received fewer entries than its SELECT announced (at the next SELECT or at end)', () => {
    const early = respBaseFormat(null);
    early.header();
    early.selectDb(0, 2, 0);
    early.appendEntry('s', str('v'), null);
    expect(() => early.selectDb(1, 1, 0)).toThrow(/receives the entries its selectDb announced/);

    const atEnd = respBaseFormat(null);
    atEnd.header();
    atEnd.selectDb(0, 2, 0);
    atEnd.appendEntry('s', str('v'), null);
    expect(() => atEnd.end()).toThrow(/receives the entries its selectDb announced/);
  });
});
