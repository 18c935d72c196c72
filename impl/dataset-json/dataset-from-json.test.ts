/**
 * Goal: datasetFromJson accepts the hand-written variants the format allows and refuses every
 * invalid document with a DatasetJsonError that names the source, the JSON path, the line and
 * column, and the reason.
 */
import { describe, expect, it } from 'vitest';
import { datasetFromJson } from './dataset-from-json.ts';
import { DatasetJsonError } from './dataset-json-error.ts';
import { datasetToJson } from './dataset-to-json.ts';

function rejection(text: string): DatasetJsonError {
  try {
    datasetFromJson(text, 'input.json');
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetJsonError);
    return error as DatasetJsonError;
  }
  throw new Error(`accepted: ${text}`);
}

const one = (entry: string): string => `{"0": {"k": ${entry}}}`;

describe('datasetFromJson rejects invalid documents', () => {
  it.each([
    ['a syntax error (trailing comma)', '{"0": {"k": {"type": "list", "value": ["a",]}}}', '$["0"]["k"].value[1]', /invalid JSON: unexpected character "\]"/],
    ['a top level that is not an object', '[]', '$', /expected an object of databases/],
    ['database "16"', '{"16": {}}', '$["16"]', /"0"\.\."15", not "16"/],
    ['database "01" (leading zero)', '{"01": {}}', '$["01"]', /not "01"/],
    ['database "0" twice', '{"0": {}, "0": {}}', '$["0"]', /database 0 appears twice/],
    ['a database that is not an object', '{"0": []}', '$["0"]', /expected an object of keys, found an array/],
    ['a key given twice (same spelling)', '{"0": {"a": {"type": "string", "value": "1"}, "a": {"type": "string", "value": "2"}}}', '$["0"]["a"]', /duplicate key/],
    ['a key given twice (text and base64)', '{"0": {"a": {"type": "string", "value": "1"}, "base64:YQ==": {"type": "string", "value": "2"}}}', '$["0"]["base64:YQ=="]', /duplicate key/],
    ['a "base64:" key that is not base64', '{"0": {"base64:a-b": {"type": "string", "value": "1"}}}', '$["0"]["base64:a-b"]', /must continue in base64/],
    ['an entry without "type"', one('{"value": "v"}'), '$["0"]["k"]', /no "type"/],
    ['an entry without "value"', one('{"type": "string"}'), '$["0"]["k"]', /no "value"/],
    ['an unknown entry property', one('{"type": "string", "value": "v", "ttl": 5}'), '$["0"]["k"]', /unknown property "ttl"/],
    ['a repeated entry property', one('{"type": "string", "type": "list", "value": "v"}'), '$["0"]["k"]', /"type" appears twice/],
    ['an unknown type', one('{"type": "stream", "value": []}'), '$["0"]["k"].type', /unknown type "stream"/],
    ['a number as a string value', one('{"type": "string", "value": 5}'), '$["0"]["k"].value', /found a number/],
    ['a base64 wrapper with another property', one('{"type": "string", "value": {"base64": "", "x": 1}}'), '$["0"]["k"].value', /single property "base64"/],
    ['unpadded base64', one('{"type": "string", "value": {"base64": "YQ"}}'), '$["0"]["k"].value["base64"]', /not standard padded base64/],
    ['base64 with non-zero pad bits', one('{"type": "string", "value": {"base64": "YR=="}}'), '$["0"]["k"].value["base64"]', /non-zero padding bits/],
    ['a lone surrogate', one('{"type": "string", "value": "\\udc00"}'), '$["0"]["k"].value', /lone UTF-16 surrogate/],
    ['an empty list', one('{"type": "list", "value": []}'), '$["0"]["k"].value', /an empty list cannot exist/],
    ['an empty hash', one('{"type": "hash", "value": {}}'), '$["0"]["k"].value', /an empty hash cannot exist/],
    ['a list that is an object', one('{"type": "list", "value": {"a": "b"}}'), '$["0"]["k"].value', /expected an array of list items/],
    ['a duplicate set member', one('{"type": "set", "value": ["a", {"base64": "YQ=="}]}'), '$["0"]["k"].value[1]', /duplicate set member/],
    ['a duplicate hash field', one('{"type": "hash", "value": {"f": "1", "base64:Zg==": "2"}}'), '$["0"]["k"].value["base64:Zg=="]', /duplicate hash field/],
    ['a zset element that is not a pair', one('{"type": "zset", "value": [["a", 1, 2]]}'), '$["0"]["k"].value[0]', /\[member, score\] pair, found 3 items/],
    ['a duplicate zset member', one('{"type": "zset", "value": [["a", 1], ["a", 2]]}'), '$["0"]["k"].value[1][0]', /duplicate zset member/],
    ['a score "nan"', one('{"type": "zset", "value": [["a", "nan"]]}'), '$["0"]["k"].value[0][1]', /not "nan"/],
    ['a score 1e400 (overflows)', one('{"type": "zset", "value": [["a", 1e400]]}'), '$["0"]["k"].value[0][1]', /overflows a double/],
    ['a score null', one('{"type": "zset", "value": [["a", null]]}'), '$["0"]["k"].value[0][1]', /found null/],
    ['a fractional expiry', one('{"type": "string", "value": "v", "expireAtMs": 1.5}'), '$["0"]["k"].expireAtMs', /not an integer/],
    ['an expiry beyond 2^53', one('{"type": "string", "value": "v", "expireAtMs": 9007199254740993}'), '$["0"]["k"].expireAtMs', /within ±2\^53/],
    ['an expiry as a string', one('{"type": "string", "value": "v", "expireAtMs": "1700000000000"}'), '$["0"]["k"].expireAtMs', /found a string/],
  ])('%s', (_name, text, path, reason) => {
    const error = rejection(text);
    expect(error.path).toBe(path);
    expect(error.reason).toMatch(reason);
    expect(error.sourceName).toBe('input.json');
    expect(error.message).toBe(`input.json:${error.line}:${error.column}: ${path}: ${error.reason}`);
  });

  it('reports the line and column of the offending value', () => {
    const error = rejection('{\n  "0": {\n    "k": {\n      "type": "list",\n      "value": ["a", 7]\n    }\n  }\n}\n');
    expect([error.line, error.column, error.path]).toEqual([5, 22, '$["0"]["k"].value[1]']);
  });
});

describe('datasetFromJson accepts hand-written variants', () => {
  it('any order, any whitespace, base64 for UTF-8 bytes, and an empty database (left out)', () => {
    const text = '{"1":{},"0":{"s":{"value":["b",{"base64":"YQ=="}],"type":"set"},"z":{"expireAtMs":5,"type":"zset","value":[["b",-1e0],["a","inf"]]}}}';
    const databases = datasetFromJson(text, 'hand.json');
    expect([...databases.keys()]).toEqual([0]);
    expect(datasetToJson(databases)).toBe(
      '{\n  "0": {\n    "s": {\n      "type": "set",\n      "value": [\n        "a",\n        "b"\n      ]\n    },\n    "z": {\n      "type": "zset",\n      "value": [\n        ["b", -1],\n        ["a", "inf"]\n      ],\n      "expireAtMs": 5\n    }\n  }\n}\n',
    );
  });

  it('reads -0 as a negative-zero score but an expiry of -0 as 0', () => {
    const entry = datasetFromJson('{"0": {"z": {"type": "zset", "value": [["m", -0]], "expireAtMs": -0}}}', 'zero.json').get(0)?.get('z');
    expect(entry?.value.type === 'zset' && Object.is(entry.value.scores.get('m'), -0)).toBe(true);
    expect(Object.is(entry?.expireAtMs, 0)).toBe(true);
  });

  it('reads text as its UTF-8 bytes and "base64:" keys as their bytes', () => {
    const contents = datasetFromJson('{"0": {"é": {"type": "hash", "value": {"base64:/w==": "☃"}}}}', 'utf8.json').get(0);
    expect(contents?.get('\xc3\xa9')?.value).toEqual({ type: 'hash', fields: new Map([['\xff', '\xe2\x98\x83']]) });
  });
});
