/**
 * Goal: bytes are written as text exactly when they are valid UTF-8 (strict WHATWG rules, BOM
 * kept), keys starting with "base64:" are always escaped, and readers accept only canonical
 * base64 and well-formed text.
 */
import { describe, expect, it } from 'vitest';
import { byteKeyText, byteValueJson, bytesOfBase64, bytesOfKeyText, bytesOfText, utf8TextOf } from './byte-string-json.ts';

describe('UTF-8 judgement', () => {
  it.each([
    ['ASCII with control characters', 'a\x00\x7f', 'a\x00\x7f'],
    ['two-, three- and four-byte sequences', '\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80', 'é☃😀'],
    ['a leading BOM, kept', '\xef\xbb\xbfx', '\ufeffx'],
    ['U+10FFFF, the largest code point', '\xf4\x8f\xbf\xbf', '\u{10ffff}'],
  ])('%s is text', (_name, bytes, text) => {
    expect(utf8TextOf(bytes)).toBe(text);
  });

  it.each([
    ['an overlong NUL (C0 80)', '\xc0\x80'],
    ['an encoded surrogate (ED A0 80)', '\xed\xa0\x80'],
    ['a code point above U+10FFFF (F4 90 80 80)', '\xf4\x90\x80\x80'],
    ['a truncated sequence (E2 82)', '\xe2\x82'],
    ['a lone continuation byte (80)', '\x80'],
    ['0xFF', '\xff'],
  ])('%s is not text', (_name, bytes) => {
    expect(utf8TextOf(bytes)).toBeUndefined();
  });
});

describe('writing bytes', () => {
  it.each([
    ['text', 'hi', '"hi"'],
    ['invalid UTF-8', '\xff\x00', '{ "base64": "/wA=" }'],
    ['text starting with "base64:" (a value needs no escape)', 'base64:x', '"base64:x"'],
  ])('a value of %s is %s', (_name, bytes, json) => {
    expect(byteValueJson(bytes)).toBe(json);
  });

  it.each([
    ['text', 'key', 'key'],
    ['empty', '', ''],
    ['invalid UTF-8', '\xff', 'base64:/w=='],
    ['text starting with "base64:"', 'base64:', 'base64:YmFzZTY0Og=='],
    ['text starting with "base64" without the colon', 'base64', 'base64'],
  ])('a key of %s is %s', (_name, bytes, key) => {
    expect(byteKeyText(bytes)).toBe(key);
    expect(bytesOfKeyText(key)).toEqual({ bytes });
  });
});

describe('reading bytes', () => {
  it.each(['', 'YQ==', 'YWI=', 'YWJj', '+/+/'])('canonical base64 %j is accepted', (text) => {
    expect(bytesOfBase64(text)).toEqual({ bytes: Buffer.from(text, 'base64').toString('latin1') });
  });

  it.each(['YQ', 'YQ=', 'Y===', 'YR==', 'YW I=', '-_8=', 'YQ==YQ=='])('non-canonical base64 %j is refused', (text) => {
    expect(bytesOfBase64(text)).toHaveProperty('problem');
  });

  it('text with a lone surrogate is refused; a surrogate pair is four UTF-8 bytes', () => {
    expect(bytesOfText('a\ud800')).toHaveProperty('problem');
    expect(bytesOfText('\ud83d\ude00')).toEqual({ bytes: '\xf0\x9f\x98\x80' });
  });
});
