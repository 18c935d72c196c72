/**
 * Goal: datasetToJson writes the documented canonical layout: databases ascending, keys/fields/
 * members in byte order, zset pairs by score then member, inline pairs and base64 wrappers,
 * 2-space indentation, a trailing newline; scores and expiries as documented.
 */
import { describe, expect, it } from 'vitest';
import type { DatabaseContents, KeyEntry, RedisValue } from '../values/redis-value.ts';
import { datasetToJson, scoreJson } from './dataset-to-json.ts';

const entry = (value: RedisValue, expireAtMs: number | null = null): KeyEntry => ({ value, expireAtMs });
const db = (entries: [string, KeyEntry][]): DatabaseContents => new Map(entries);

describe('datasetToJson layout', () => {
  it('an empty dataset, and one whose databases are all empty, is "{}" and a newline', () => {
    expect(datasetToJson(new Map())).toBe('{}\n');
    expect(datasetToJson(new Map([[3, new Map()]]))).toBe('{}\n');
  });

  it('writes every type in the documented layout (golden text)', () => {
    const databases = new Map([
      [
        10,
        db([['k', entry({ type: 'string', value: 'v' })]]),
      ],
      [
        2,
        db([
          ['zs', entry({ type: 'zset', scores: new Map([['b', 2], ['a', 2], ['\xff', -Infinity], ['z', -0]]) })],
          ['list', entry({ type: 'list', items: ['b', 'a', '\x80'] }, 1_700_000_000_123)],
          ['h', entry({ type: 'hash', fields: new Map([['2', 'two'], ['10', 'ten']]) })],
          ['s', entry({ type: 'set', members: new Set(['b', 'B', '\xc3\xa9']) })],
        ]),
      ],
    ]);
    expect(datasetToJson(databases)).toBe(
      [
        '{',
        '  "2": {',
        '    "h": {',
        '      "type": "hash",',
        '      "value": {',
        '        "10": "ten",',
        '        "2": "two"',
        '      }',
        '    },',
        '    "list": {',
        '      "type": "list",',
        '      "value": [',
        '        "b",',
        '        "a",',
        '        { "base64": "gA==" }',
        '      ],',
        '      "expireAtMs": 1700000000123',
        '    },',
        '    "s": {',
        '      "type": "set",',
        '      "value": [',
        '        "B",',
        '        "b",',
        '        "é"',
        '      ]',
        '    },',
        '    "zs": {',
        '      "type": "zset",',
        '      "value": [',
        '        [{ "base64": "/w==" }, "-inf"],',
        '        ["z", -0],',
        '        ["a", 2],',
        '        ["b", 2]',
        '      ]',
        '    }',
        '  },',
        '  "10": {',
        '    "k": {',
        '      "type": "string",',
        '      "value": "v"',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('orders keys by bytes, not by text: "B" < "a" < "base64:…" (escaped "base64:" key) < "é" < invalid UTF-8', () => {
    const value: RedisValue = { type: 'string', value: '' };
    const text = datasetToJson(new Map([[0, db(['\xff', '\xc3\xa9', 'base64:x', 'a', 'B'].map((key) => [key, entry(value)]))]]));
    const keys = [...text.matchAll(/^ {4}"([^"]*)":/gm)].map((match) => match[1]);
    expect(keys).toEqual(['B', 'a', 'base64:YmFzZTY0Ong=', 'é', 'base64:/w==']);
  });

  it('escapes control characters and quotes the JSON way', () => {
    const text = datasetToJson(new Map([[0, db([['a"b\n', entry({ type: 'string', value: '\x00\t\\' })]])]]));
    expect(text).toContain('"a\\"b\\n": {');
    expect(text).toContain('"value": "\\u0000\\t\\\\"');
  });
});

describe('scoreJson', () => {
  it.each([
    [1.5, '1.5'],
    [0, '0'],
    [-0, '-0'],
    [Infinity, '"inf"'],
    [-Infinity, '"-inf"'],
    [0.1, '0.1'],
    [1e21, '1e+21'],
    [5e-324, '5e-324'],
    [2 ** 60, '1152921504606847000'],
  ])('%d is written %s', (score, text) => {
    expect(scoreJson(score)).toBe(text);
  });

  it('refuses NaN (a zset never holds it)', () => {
    expect(() => scoreJson(Number.NaN)).toThrow(/NaN/);
  });
});
