/**
 * Goal: encodeReply writes exactly the RESP2 bytes redis-server 7.0 sends for each reply kind.
 * Method: byte-for-byte comparison with hand-written RESP2 for every kind, nulls, nesting and a
 * binary bulk string; invalid replies are refused at construction.
 */
import { describe, expect, it } from 'vitest';
import {
  arrayReply,
  bulkArrayReply,
  bulkReply,
  emptyArrayReply,
  encodeReply,
  errorReply,
  integerReply,
  nullArrayReply,
  nullBulkReply,
  okReply,
  simpleReply,
} from './reply.ts';

const wire = (reply: Parameters<typeof encodeReply>[0]) => encodeReply(reply).toString('latin1');

describe('encodeReply (RESP2)', () => {
  it('writes a simple string as +OK', () => {
    expect(wire(okReply)).toBe('+OK\r\n');
    expect(wire(simpleReply('PONG'))).toBe('+PONG\r\n');
  });

  it('writes an error with a leading - and its code', () => {
    expect(wire(errorReply('ERR syntax error'))).toBe('-ERR syntax error\r\n');
  });

  it('writes integers, including int64 extremes given as bigint', () => {
    expect(wire(integerReply(-2))).toBe(':-2\r\n');
    expect(wire(integerReply(9223372036854775807n))).toBe(':9223372036854775807\r\n');
  });

  it('writes bulk strings by byte length, binary-safe', () => {
    expect(wire(bulkReply('v'))).toBe('$1\r\nv\r\n');
    expect(wire(bulkReply(''))).toBe('$0\r\n\r\n');
    expect(encodeReply(bulkReply('\x00\xff\r\n'))).toEqual(Buffer.from([0x24, 0x34, 13, 10, 0, 0xff, 13, 10, 13, 10]));
  });

  it('keeps null bulk ($-1) and null array (*-1) apart', () => {
    expect(wire(nullBulkReply)).toBe('$-1\r\n');
    expect(wire(nullArrayReply)).toBe('*-1\r\n');
    expect(wire(emptyArrayReply)).toBe('*0\r\n');
  });

  it('writes nested arrays (an EXEC reply holding an error and a bulk array)', () => {
    const reply = arrayReply([okReply, errorReply('WRONGTYPE x'), bulkArrayReply(['a', 'b'])]);
    expect(wire(reply)).toBe('*3\r\n+OK\r\n-WRONGTYPE x\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n');
  });

  it('refuses CR/LF in simple strings and errors, a leading - in errors, and unsafe number integers', () => {
    expect(() => simpleReply('a\r\nb')).toThrow();
    expect(() => errorReply('ERR a\nb')).toThrow();
    expect(() => errorReply('-ERR x')).toThrow();
    expect(() => integerReply(2 ** 53)).toThrow();
  });
});
