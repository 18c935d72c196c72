/**
 * Goal: the RESP framing of an AOF command ('*' line, '$' lines, argument bytes and their "\r\n")
 * is accepted and refused the same way whether a command arrives whole in one chunk (the one-pass
 * decoder of canonical commands) or byte by byte (the line-by-line path), in the server's mode and
 * in strictCrlf (redis-check-aof) mode; refusals name the offset and the reason; command names are
 * each command's own bytes; the '*' and '$' bounds (INT_MAX, maxArgBytes, negative, NUL) are where
 * the module header puts them, also for a line cut by EOF.
 * Method: each stream is `SET a 1` (27 bytes) followed by the spelling under test, decoded in one
 * chunk and one byte at a time; the outcome (commands and end, or the error's offset and reason)
 * must be the stated one for both chunkings.
 */
import { describe, expect, it } from 'vitest';
import { AofDecodeError } from './aof-decode-error.ts';
import type { AofDecodeEnd, AofDecoderOptions } from './aof-decoder.ts';
import { bytesOf, command, commandsOf as commands, decodeStream as decode, decodeStreamError as decodeError, setA } from './testing/aof-stream-decoding.ts';




type Outcome = { commands: string[][]; status: AofDecodeEnd['status'] } | { corruptAt: number; reason: string };

/** What a load sees: the commands and the end status, or the corrupt error's offset and reason (any other throw fails the test). */
function outcome(stream: Uint8Array, options: Partial<AofDecoderOptions>, chunkSize: number): Outcome {
  try {
    const { items, end } = decode(stream, options, chunkSize);
    return { commands: commands(items), status: end.status };
  } catch (error) {
    if (!(error instanceof AofDecodeError)) throw error;
    expect(error.kind).toBe('corrupt');
    expect(error.message).toContain(`offset ${error.offset}: ${error.reason}`);
    return { corruptAt: error.offset, reason: error.reason };
  }
}


const loaded = (...argvs: string[][]): Outcome => ({ commands: [['SET', 'a', '1'], ...argvs], status: 'complete' });
const corruptAt = (offset: number, reason: RegExp) => ({ corruptAt: offset, reason: expect.stringMatching(reason) as unknown as string });
const notStarLine = /expected "\*<digits>\\r\\n"/;
const notDollarLine = /expected "\$<digits>\\r\\n"/;

describe('AofDecoder framing: a whole command in one chunk is judged like the same bytes byte by byte', () => {
  it.each<[string, string, Outcome, Outcome]>([
    ['2 junk bytes instead of "\\r\\n" after argc', '*1XY$4\r\nPING\r\n', corruptAt(35, /expected '\$' starting argument 1 of 1, found 'P'/), corruptAt(27, notStarLine)],
    ['"\\n" alone ending the argc line, after a junk byte', '*1X\n$4\r\nPING\r\n', loaded(['PING']), corruptAt(27, notStarLine)],
    ['"\\r" then a junk byte after argc', '*1\rX$4\r\nPING\r\n', corruptAt(35, /expected '\$' starting argument 1 of 1, found 'P'/), corruptAt(27, notStarLine)],
    ['a junk byte where the second "$" belongs', '*2\r\n$3\r\nSET\r\nX1\r\na\r\n', corruptAt(40, /expected '\$' starting argument 2 of 2, found 'X'/), corruptAt(40, /expected '\$' starting argument 2 of 2, found 'X'/)],
    ['a length line "$000000001:" (10th byte not a digit, 20 bytes follow)', '*1\r\n$000000001:\r\nabcdefghijklmnopqrst\r\n', corruptAt(47, /expected '\*' or '#' starting a record, found 'd'/), corruptAt(31, notDollarLine)],
    ['a length line "$000000001/" (10th byte below "0", 9 bytes follow)', '*1\r\n$000000001/\r\nabcdefghi\r\n', corruptAt(47, /expected '\*' or '#' starting a record, found 'd'/), corruptAt(31, notDollarLine)],
    ['a length line "$:" (no digit, 10 bytes follow)', '*1\r\n$:\r\n0123456789\r\n', corruptAt(37, /expected '\*' or '#' starting a record, found '2'/), corruptAt(31, notDollarLine)],
    ['a length line "$" without digits (strtol 0)', '*1\r\n$\r\n\r\n', loaded(['']), corruptAt(31, notDollarLine)],
    ['a length line "$1X\\n"', '*1\r\n$1X\nx\r\n', loaded(['x']), corruptAt(31, notDollarLine)],
    ['a length line "$1\\rX"', '*1\r\n$1\rXx\r\n', { commands: [['SET', 'a', '1']], status: 'truncated' }, corruptAt(31, notDollarLine)],
    ['"Y\\n" after a 1-byte argument', '*1\r\n$1\r\nxY\n', loaded(['x']), corruptAt(36, /after a 1-byte argument, found 'Y' \(0x59\) 0x0a/)],
    ['"\\rY" after a 1-byte argument', '*1\r\n$1\r\nx\rY', loaded(['x']), corruptAt(36, /after a 1-byte argument, found 0x0d 'Y' \(0x59\)/)],
    ['"\\rY" after a 2-byte argument ending in "\\n"', '*1\r\n$2\r\na\n\rY', loaded(['a\n']), corruptAt(37, /after a 2-byte argument, found 0x0d 'Y' \(0x59\)/)],
    ['a 135-byte length line of zeros and "3" (beyond redis-check-aof\'s 127)', `*1\r\n$${'0'.repeat(130)}3\r\nabc\r\n`, loaded(['abc']), corruptAt(31, notDollarLine)],
  ])('%s: server %j, strictCrlf %j', (_, record, server, strict) => {
    const stream = Buffer.concat([setA, bytesOf(record)]);
    for (const chunkSize of [stream.length, 1]) {
      expect(outcome(stream, {}, chunkSize), `server, chunks of ${chunkSize}`).toEqual(server);
      expect(outcome(stream, { strictCrlf: true }, chunkSize), `strictCrlf, chunks of ${chunkSize}`).toEqual(strict);
    }
  });

  it('zero-padded 10-digit length lines (strtol reads them) carry the declared bytes, even bytes that look like "\\r\\n"', () => {
    const stream = Buffer.concat([setA, bytesOf('*2\r\n$0000000003\r\nSET\r\n$0000000003\r\n\r\nc\r\n'), bytesOf('*1\r\n$0000000003\r\n\r\nc\r\n')]);
    for (const chunkSize of [stream.length, 1]) {
      for (const strictCrlf of [false, true]) expect(commands(decode(stream, { strictCrlf }, chunkSize).items)).toEqual([['SET', 'a', '1'], ['SET', '\r\nc'], ['\r\nc']]);
    }
  });

  it('a 1-byte argument followed by a 96-byte annotation line is a command and an annotation, not one 97-byte argument', () => {
    const annotation = `#${'a'.repeat(93)}`;
    const stream = bytesOf(`*1\r\n$1\r\nx\r\n${annotation}\r\n`);
    expect(decode(stream).items).toEqual([
      { kind: 'command', argv: ['x'], offset: 0, endOffset: 11 },
      { kind: 'annotation', text: annotation, offset: 11, endOffset: 107 },
    ]);
  });

  it('a "$" argument line after a complete 1-argument command is corrupt at its offset (a record starts with "*" or "#")', () => {
    const error = decodeError(bytesOf('*1\r\n$4\r\nPING\r\n$1\r\nx\r\n'));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 14, validUpTo: 14 });
    expect(error.reason).toMatch(/expected '\*' or '#' starting a record, found '\$'/);
  });

  it('a 21-argument RPUSH in one chunk and byte by byte decodes every argument in order', () => {
    const argv = ['RPUSH', 'list', ...Array.from({ length: 19 }, (_, index) => `v${index}`)];
    for (const chunkSize of [Infinity, 1]) expect(commands(decode(command(...argv), {}, chunkSize).items)).toEqual([argv]);
  });
});

describe('AofDecoder framing: command names', () => {
  it('consecutive commands whose names are prefixes of the previous name (SETEX then SET, INCRBY then INCR) keep their own names', () => {
    const stream = Buffer.concat([command('SETEX', 'k', '10', 'v'), command('SET', 'k', 'v'), command('INCRBY', 'n', '2'), command('INCR', 'n'), command('INCR', 'n')]);
    expect(commands(decode(stream).items).map((argv) => argv[0])).toEqual(['SETEX', 'SET', 'INCRBY', 'INCR', 'INCR']);
  });

  it('a binary command name "a\\n\\r" followed by the same-length name "abc" decodes both names from their own bytes', () => {
    const stream = Buffer.concat([command('a\n\r', 'x'), command('abc', 'x')]);
    expect(commands(decode(stream).items)).toEqual([['a\n\r', 'x'], ['abc', 'x']]);
  });
});

describe('AofDecoder framing: bounds and reasons of the "*" and "$" lines', () => {
  it('maxArgBytes 4: a 5-byte argument whole in one chunk is corrupt at its "$" line, naming the cap; a 4-byte one loads in one chunk and byte by byte', () => {
    const error = decodeError(bytesOf('*2\r\n$3\r\nGET\r\n$5\r\nhello\r\n'), { maxArgBytes: 4 });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 13, reason: 'argument length 5 exceeds the cap of 4 bytes' });
    expect(decodeError(bytesOf('*1\r\n$5\r\nhello\r\n'), { maxArgBytes: 4 })).toMatchObject({ kind: 'corrupt', offset: 4, reason: 'argument length 5 exceeds the cap of 4 bytes' });
    const exact = bytesOf('*2\r\n$3\r\nGET\r\n$4\r\nhell\r\n');
    for (const chunkSize of [exact.length, 1]) expect(commands(decode(exact, { maxArgBytes: 4 }, chunkSize).items)).toEqual([['GET', 'hell']]);
  });

  it('argc 2147483647 (INT_MAX) cut by EOF is a truncation; argc 2147483648 is corrupt, naming both numbers', () => {
    const intMax = Buffer.concat([setA, bytesOf('*2147483647\r\n$3\r\nSET\r\n')]);
    expect(decode(intMax).end).toMatchObject({ status: 'truncated', validUpTo: 27 });
    const above = decodeError(Buffer.concat([setA, bytesOf('*2147483648\r\n$3\r\nSET\r\n')]));
    expect(above).toMatchObject({ kind: 'corrupt', offset: 27, reason: 'argument count 2147483648 exceeds 2147483647' });
  });

  it('a NUL right after "*" on a whole line is corrupt as the server\'s unrecoverable read error', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('*\x00\r\n')]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27 });
    expect(error.reason).toMatch(/NUL byte right after '\*'/);
  });

  it('"*" then a NUL cut by EOF is a short read: truncated after the last command', () => {
    expect(decode(Buffer.concat([setA, bytesOf('*\x00')])).end).toMatchObject({ status: 'truncated', validUpTo: 27, redisTruncateOffset: 27 });
  });

  it('"$-1" is corrupt at its line with the negative length in the reason', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('*1\r\n$-1\r\n')]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 31 });
    expect(error.reason).toMatch(/^negative argument length -1\b/);
  });

  it('strictCrlf: "$ 1" (strtol blank) is corrupt at its line, the reason naming the canonical spelling', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('*1\r\n$ 1\r\nx\r\n')]), { strictCrlf: true });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 31, reason: expect.stringMatching(notDollarLine) });
  });

  it('strictCrlf: "*1x" on a whole line is corrupt, the reason naming the canonical spelling', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('*1x\r\n$1\r\nx\r\n')]), { strictCrlf: true });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27, reason: expect.stringMatching(notStarLine) });
  });

  it('strictCrlf: a malformed argc or length line cut by EOF is corrupt, the reason saying which line', () => {
    expect(decodeError(Buffer.concat([setA, bytesOf('*1x')]), { strictCrlf: true })).toMatchObject({ offset: 27, reason: 'malformed argc line cut by the end of the stream' });
    expect(decodeError(Buffer.concat([setA, bytesOf('*1\r\n$1x')]), { strictCrlf: true })).toMatchObject({ offset: 31, reason: 'malformed length line cut by the end of the stream' });
  });

  it.each([
    ['$-5', /^negative argument length -5\b/],
    ['$600000000', /^argument length 600000000 exceeds the cap of \d+ bytes$/],
  ])('a length line %j cut by EOF is already corrupt at its offset', (line, reason) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(`*1\r\n${line}`)]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 31, reason: expect.stringMatching(reason) });
  });
});
