/** Goal: the bytes we append for a command, a SELECT and a #TS annotation are exactly Redis 7.0's. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { AofBufferWriter, encodeAofCommand, encodeSelectCommand, encodeTimestampAnnotation } from './aof-command-encoder.ts';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const argvArbitrary = fc.array(
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  { minLength: 1, maxLength: 8 },
);

describe('AOF command encoding', () => {
  it('encodes a client `set k v` with its case preserved, as the EMP AOF shows', () => {
    expect(latin1(encodeAofCommand(['set', 'k', 'v']))).toBe('*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n');
  });

  it('encodes the propagated `PEXPIREAT k <ms>` of the facts (§3.2)', () => {
    expect(latin1(encodeAofCommand(['PEXPIREAT', 'k', '1795482866439']))).toBe('*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n1795482866439\r\n');
  });

  it('counts bytes, not chars, and writes CRLF, NUL and 0xff inside an argument verbatim', () => {
    const bytes = encodeAofCommand(['SET', 'a\r\nb', '\x00\xff']);
    expect(latin1(bytes)).toBe('*3\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$2\r\n\x00\xff\r\n');
    expect(bytes[bytes.length - 4]).toBe(0x00);
    expect(bytes[bytes.length - 3]).toBe(0xff);
  });

  it('writes an argument of 40 bytes (past the 32-byte short path) with bytes 0x80 and 0xff verbatim, one byte each', () => {
    const value = '\x80\xff'.repeat(20);
    const bytes = encodeAofCommand(['SET', 'k', value]);
    expect(bytes.length).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40\r\n'.length + 40 + 2);
    expect(latin1(bytes)).toBe(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$40\r\n${value}\r\n`);
    expect([...bytes.subarray(bytes.length - 6, bytes.length - 2)]).toEqual([0x80, 0xff, 0x80, 0xff]);
  });

  it('encodes an empty argument as $0 followed by an empty CRLF-terminated payload', () => {
    expect(latin1(encodeAofCommand(['SET', 'k', '']))).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  });

  it('writes multi-digit lengths and counts (a 300-byte argument, 12 arguments)', () => {
    const text = latin1(encodeAofCommand(['RPUSH', 'l', 'x'.repeat(300), ...Array.from({ length: 9 }, (_, index) => String(index))]));
    expect(text.startsWith('*12\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$300\r\n')).toBe(true);
  });

  it.each([
    [0, '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n'],
    [9, '*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n'],
    [15, '*2\r\n$6\r\nSELECT\r\n$2\r\n15\r\n'],
  ])('encodes SELECT %i as feedAppendOnlyFile does', (db, text) => {
    expect(latin1(encodeSelectCommand(db))).toBe(text);
  });

  it.each([[-1], [16], [1.5], [Number.NaN]])('refuses SELECT %d (not a database index)', (db) => {
    expect(() => encodeSelectCommand(db)).toThrow(/database index/);
  });

  it.each([
    [0, '#TS:0\r\n'],
    [1_700_000_000, '#TS:1700000000\r\n'],
  ])('encodes the timestamp annotation for %i seconds', (seconds, text) => {
    expect(latin1(encodeTimestampAnnotation(seconds))).toBe(text);
  });

  it.each([[-1], [1.5]])('refuses the timestamp %d', (seconds) => {
    expect(() => encodeTimestampAnnotation(seconds)).toThrow(/timestamp/);
  });

  it('refuses an empty argv and an argument that is not a ByteString', () => {
    expect(() => encodeAofCommand([])).toThrow(/at least one argument/);
    expect(() => encodeAofCommand(['SET', 'k', '\u0100'])).toThrow(/ByteString/);
  });
});

describe('AofBufferWriter', () => {
  it('bytes() is the concatenation of the one-shot encodings, across growth from a 1-byte buffer (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(argvArbitrary, fc.integer({ min: 0, max: 15 }), fc.constant('ts' as const)), { maxLength: 30 }), (steps) => {
        const writer = new AofBufferWriter(1);
        const parts: Uint8Array[] = [];
        for (const step of steps) {
          if (typeof step === 'number') {
            writer.appendSelect(step);
            parts.push(encodeSelectCommand(step));
          } else if (step === 'ts') {
            writer.appendTimestampAnnotation(1_700_000_000);
            parts.push(encodeTimestampAnnotation(1_700_000_000));
          } else {
            writer.append(step);
            parts.push(encodeAofCommand(step));
          }
        }
        const expected = Buffer.concat(parts);
        expect(writer.byteLength).toBe(expected.length);
        expect(Buffer.from(writer.bytes()).equals(expected)).toBe(true);
      }),
      propertyParameters('AofBufferWriter concatenation', 300),
    );
  });

  it('a refused command (a char above 0xff in a short or a long argument) leaves the bytes unchanged', () => {
    const writer = new AofBufferWriter(8);
    writer.append(['SET', 'a', '1']);
    expect(() => writer.append(['SET', 'k', '\u0100'])).toThrow(/ByteString/);
    expect(() => writer.append(['SET', 'k', `${'x'.repeat(40)}\u2028`])).toThrow(/ByteString/);
    expect(latin1(writer.bytes())).toBe('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
  });

  it('bytes() is a copy that later appends and reset() do not change; take() empties the writer', () => {
    const writer = new AofBufferWriter(8);
    writer.append(['SET', 'a', '1']);
    const first = writer.bytes();
    writer.reset();
    expect(writer.byteLength).toBe(0);
    writer.append(['DEL', 'b']);
    expect(latin1(first)).toBe('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
    expect(latin1(writer.take())).toBe('*2\r\n$3\r\nDEL\r\n$1\r\nb\r\n');
    expect(writer.byteLength).toBe(0);
    expect(writer.bytes().length).toBe(0);
  });
});
