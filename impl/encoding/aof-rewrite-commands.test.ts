/**
 * Goal: a RESP rewrite emits, per key, the commands Redis 7.0's rewriteAppendOnlyFileRio emits:
 * same command names, same 64-item batches, same score text, PEXPIREAT last; and replaying them
 * rebuilds the key. EMP values come from a BGREWRITEAOF of redis-server 7.0.15 with
 * aof-use-rdb-preamble no, run while writing this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import type { ByteString, KeyEntry, RedisValue } from '../values/redis-value.ts';
import { aofRewriteItemsPerCommand, formatRewriteScore, rewriteCommandsFor } from './aof-rewrite-commands.ts';
import { parseScoreText } from './score-text.ts';
import { valueArbitrary } from './testing/dataset-arbitrary.ts';

const numbered = (count: number, prefix = '') => Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);
const entryOf = (value: RedisValue, expireAtMs: number | null = null): KeyEntry => ({ value, expireAtMs });

describe('rewriteCommandsFor', () => {
  it('writes a string as SET k v', () => {
    expect(rewriteCommandsFor('s', entryOf({ type: 'string', value: 'v' }))).toEqual([['SET', 's', 'v']]);
  });

  it('EMP: a key with a TTL gets PEXPIREAT k <ms> after its value', () => {
    expect(rewriteCommandsFor('s', entryOf({ type: 'string', value: 'v' }, 1795492642865))).toEqual([
      ['SET', 's', 'v'],
      ['PEXPIREAT', 's', '1795492642865'],
    ]);
  });

  it.each([
    [1, [3]],
    [63, [65]],
    [64, [66]],
    [65, [66, 3]],
    [128, [66, 66]],
    [130, [66, 66, 4]],
  ])('EMP: a list of %i items becomes RPUSH commands of argc %j, items in order', (count, argcs) => {
    const items = numbered(count);
    const commands = rewriteCommandsFor('l', entryOf({ type: 'list', items }));
    expect(commands.map((command) => command.length)).toEqual(argcs);
    expect(commands.every((command) => command[0] === 'RPUSH' && command[1] === 'l')).toBe(true);
    expect(commands.flatMap((command) => command.slice(2))).toEqual(items);
  });

  it('EMP: a set of 65 members becomes SADD with 64 then 1 member', () => {
    const commands = rewriteCommandsFor('st', entryOf({ type: 'set', members: new Set(numbered(65)) }));
    expect(commands.map((command) => [command[0], command[1], command.length])).toEqual([
      ['SADD', 'st', 66],
      ['SADD', 'st', 3],
    ]);
  });

  it.each([
    [64, [130]],
    [65, [130, 4]],
  ])('EMP: a hash of %i fields becomes HMSET commands of argc %j (64 pairs each)', (count, argcs) => {
    const fields = new Map(numbered(count, 'f').map((field, index) => [field, `v${index + 1}`]));
    const commands = rewriteCommandsFor('h', entryOf({ type: 'hash', fields }));
    expect(commands.map((command) => command.length)).toEqual(argcs);
    expect(commands[0]?.slice(0, 6)).toEqual(['HMSET', 'h', 'f1', 'v1', 'f2', 'v2']);
  });

  it('EMP: a zset of 70 members becomes ZADD commands of argc 130 and 14, score before member', () => {
    const scores = new Map(numbered(70, 'm').map((member, index) => [member, index + 1.25]));
    const commands = rewriteCommandsFor('big', entryOf({ type: 'zset', scores }));
    expect(commands.map((command) => command.length)).toEqual([130, 14]);
    expect(commands[1]?.slice(0, 4)).toEqual(['ZADD', 'big', '65.25', 'm65']);
  });

  it('EMP: the listpack zset of the rewrite experiment comes out in score order with %.17g scores', () => {
    const scores = new Map<ByteString, number>([
      ['a', 1.5], ['b', 0.1], ['c', 3], ['d', Infinity], ['e', -Infinity], ['f', 1e-5], ['g', 1234567890123456.25],
      ['h', 2 ** 60], ['i', 0], ['j', 1e21], ['k', 0.30000000000000004], ['l', 123456789012345680],
    ]);
    expect(rewriteCommandsFor('z', entryOf({ type: 'zset', scores }))).toEqual([
      ['ZADD', 'z', '-inf', 'e', '0', 'i', '1.0000000000000001e-05', 'f', '0.10000000000000001', 'b', '0.30000000000000004', 'k', '1.5', 'a', '3', 'c',
        '1234567890123456.2', 'g', '1.2345678901234568e+17', 'l', '1.152921504606847e+18', 'h', '1e+21', 'j', 'inf', 'd'],
    ]);
  });

  it('orders members of equal score by their bytes, as a listpack zset does', () => {
    const scores = new Map<ByteString, number>([['b', 1], ['\xff', 1], ['a', 1], ['A', 2]]);
    expect(rewriteCommandsFor('z', entryOf({ type: 'zset', scores }))).toEqual([['ZADD', 'z', '1', 'a', '1', 'b', '1', '\xff', '2', 'A']]);
  });

  it('refuses an empty collection (a key whose collection empties is deleted)', () => {
    expect(() => rewriteCommandsFor('l', entryOf({ type: 'list', items: [] }))).toThrow(/never empty/);
  });
});

describe('formatRewriteScore (C "%.17g")', () => {
  it.each([
    [0, '0'],
    [-0, '-0'],
    [-1.5, '-1.5'],
    [1e-4, '0.0001'],
    [1.5e-5, '1.5e-05'],
    [1e16, '10000000000000000'],
    [1e17, '1e+17'],
    [2 ** 53, '9007199254740992'],
    [5e-324, '4.9406564584124654e-324'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [1234567890123456.75, '1234567890123456.8'],
    [-1234567890123456.25, '-1234567890123456.2'],
  ])('formats %d as %s', (score, text) => {
    expect(formatRewriteScore(score)).toBe(text);
  });

  it.each([
    // Exact value 10000000000000022528: the cut 10000000000000022|528 is above the halfway point, so it
    // rounds up although the kept digit (2) is even; only an exact tie (…|5) goes to even.
    [10000000000000022528, '1.0000000000000023e+19'],
    // Exact values 9.99999999999999995383…e-244 and 9.99999999999999996…e-306: seventeen 9s round up and
    // carry into a new leading digit, one decade higher.
    [1e-243, '1e-243'],
    [1e-305, '1e-305'],
  ])('rounds the exact expansion of %d past the 17th digit as glibc does: %s', (score, text) => {
    expect(formatRewriteScore(score)).toBe(text);
  });

  it.each([
    [1.05, '1.05'],
    [3.007, '3.0070000000000001'],
    [-100.0625, '-100.0625'],
  ])('keeps the zeros inside the fraction and drops only trailing ones: %d as %s', (score, text) => {
    expect(formatRewriteScore(score)).toBe(text);
  });

  it('reads back to the same double, and has at most 17 significant digits (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (score) => {
        const text = formatRewriteScore(score);
        expect(Object.is(parseScoreText(text), score)).toBe(true);
        const mantissa = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
        expect(mantissa.length).toBeLessThanOrEqual(17);
      }),
      propertyParameters('rewrite score round trip', 2000),
    );
  });

  it('breaks exact 17-digit ties to even, like glibc (n + 0.25 and n + 0.75 for 16-digit n) (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 10n ** 15n, max: 2n ** 51n - 1n }), fc.constantFrom(25n, 75n), (whole, hundredths) => {
        const score = Number(whole) + Number(hundredths) / 100;
        // Exact value: whole.hh, 18 digits; drop the last digit (5), round half to even.
        const digits = whole * 10n + hundredths / 10n;
        const rounded = digits % 2n === 0n ? digits : digits + 1n;
        const expected = `${rounded / 10n}.${rounded % 10n}`.replace(/\.0$/, '');
        expect(formatRewriteScore(score)).toBe(expected);
      }),
      propertyParameters('rewrite score ties', 500),
    );
  });
});

describe('rewrite replay', () => {
  /** A tiny interpreter for the rewrite's commands. */
  function replay(commands: ByteString[][]): KeyEntry | undefined {
    let entry: KeyEntry | undefined;
    for (const [name, , ...args] of commands) {
      if (name === 'SET') entry = { value: { type: 'string', value: args[0]! }, expireAtMs: null };
      else if (name === 'PEXPIREAT' && entry !== undefined) entry.expireAtMs = Number(args[0]);
      else if (name === 'RPUSH') {
        if (entry === undefined) entry = { value: { type: 'list', items: [] }, expireAtMs: null };
        if (entry.value.type === 'list') entry.value.items.push(...args);
      } else if (name === 'SADD') {
        if (entry === undefined) entry = { value: { type: 'set', members: new Set() }, expireAtMs: null };
        if (entry.value.type === 'set') for (const member of args) entry.value.members.add(member);
      } else if (name === 'HMSET' || name === 'ZADD') {
        if (entry === undefined) entry = { value: name === 'HMSET' ? { type: 'hash', fields: new Map() } : { type: 'zset', scores: new Map() }, expireAtMs: null };
        for (let index = 0; index < args.length; index += 2) {
          if (entry.value.type === 'hash') entry.value.fields.set(args[index]!, args[index + 1]!);
          if (entry.value.type === 'zset') entry.value.scores.set(args[index + 1]!, parseScoreText(args[index]!)!);
        }
      } else throw new Error(`unexpected command ${name}`);
    }
    return entry;
  }

  it('replaying the commands rebuilds the entry; every batch but the last is full (property)', () => {
    const entryArbitrary = fc.record({ value: valueArbitrary, expireAtMs: fc.option(fc.integer({ min: 0, max: 2 ** 47 }), { nil: null }) });
    fc.assert(
      fc.property(entryArbitrary, (entry) => {
        const commands = rewriteCommandsFor('key', entry);
        expect(commands.every((command) => command[1] === 'key')).toBe(true);
        const valueCommands = commands.filter((command) => command[0] !== 'PEXPIREAT');
        const perItem = entry.value.type === 'hash' || entry.value.type === 'zset' ? 2 : 1;
        valueCommands.forEach((command, index) => {
          const items = (command.length - 2) / perItem;
          if (entry.value.type !== 'string' && index < valueCommands.length - 1) expect(items).toBe(aofRewriteItemsPerCommand);
          expect(items).toBeLessThanOrEqual(aofRewriteItemsPerCommand);
        });
        expect(commands.at(-1)?.[0] === 'PEXPIREAT').toBe(entry.expireAtMs !== null);
        const rebuilt = replay(commands);
        expect(rebuilt).toEqual(entry);
        if (rebuilt?.value.type === 'zset' && entry.value.type === 'zset') {
          for (const [member, score] of entry.value.scores) expect(Object.is(rebuilt.value.scores.get(member), score)).toBe(true);
        }
      }),
      propertyParameters('rewrite replay', 300),
    );
  });
});
