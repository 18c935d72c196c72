/**
 * Goal: parseJson accepts exactly RFC 8259 JSON (agreeing with JSON.parse on every document),
 * keeps duplicate keys and number text that JSON.parse loses, and locates syntax errors.
 * Method: a table of edge cases, and a property over fast-check's JSON documents.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { JsonSyntaxError, parseJson, type JsonNode } from './json-syntax.ts';

/** What JSON.parse would build from the node (last duplicate wins). */
function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'array':
      return node.items.map(plain);
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const entry of node.entries) Object.defineProperty(result, entry.key, { value: plain(entry.value), enumerable: true, configurable: true, writable: true });
      return result;
    }
    case 'null':
      return null;
    default:
      return node.value;
  }
}

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(JsonSyntaxError);
    return error as JsonSyntaxError;
  }
  throw new Error(`accepted: ${text}`);
}

describe('parseJson', () => {
  it.each([
    '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}',
    ' \t\r\n[] ',
    '"\\ud83d\\ude00"',
    '-0',
    '{"__proto__": 1}',
  ])('agrees with JSON.parse on %j', (text) => {
    expect(plain(parseJson(text))).toEqual(JSON.parse(text));
  });

  it.each([
    ['a trailing comma', '[1,]', 3],
    ['a leading zero', '01', 0],
    ['a bare fraction', '.5', 0],
    ['a trailing dot', '1.', 0],
    ['single quotes', "'a'", 0],
    ['a comment', '[1 /* c */]', 3],
    ['NaN', 'NaN', 0],
    ['a raw tab in a string', '"a\tb"', 2],
    ['a bad escape', '"\\x"', 1],
    ['a short \\u escape', '"\\u12"', 1],
    ['two values', '1 2', 2],
    ['an unterminated string', '["abc', 1],
    ['an unterminated array', '[1', 2],
    ['a missing colon', '{"a" 1}', 5],
    ['a non-string key', '{a: 1}', 1],
    ['empty input', '', 0],
    ['a BOM (not JSON whitespace)', '\ufeff{}', 0],
  ])('refuses %s at offset %i, as JSON.parse does', (_name, text, offset) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(syntaxError(text).offset).toBe(offset);
  });

  it('keeps duplicate keys in order and number text', () => {
    const node = parseJson('{"a": 1, "a": 1.50}');
    expect(node.kind === 'object' && node.entries.map((entry) => [entry.key, entry.value.kind === 'number' && entry.value.text])).toEqual([
      ['a', '1'],
      ['a', '1.50'],
    ]);
  });

  it('names the path being parsed in a syntax error', () => {
    expect(syntaxError('{"0": {"k": {"value": [1, 2, }}}}').path).toEqual(['0', 'k', 'value', 2]);
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    expect(syntaxError('['.repeat(100_000)).reason).toMatch(/nesting deeper than 64/);
    expect(() => parseJson(`${'['.repeat(64)}${']'.repeat(64)}`)).not.toThrow();
  });

  it('agrees with JSON.parse on arbitrary JSON documents (property)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small' }), (text) => {
        expect(plain(parseJson(text))).toEqual(JSON.parse(text));
      }),
      propertyParameters('parseJson agrees with JSON.parse', 300),
    );
  });
});
