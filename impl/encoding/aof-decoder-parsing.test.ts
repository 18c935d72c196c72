/**
 * Goal: the AOF decoder parses '*' and '$' number lines the way Redis 7.0.15's loader does (C
 * atoi/strtol: leading blanks, a sign, the leading digits only) and the way redis-check-aof does
 * in strict mode (digits + "\r\n" only), refuses malformed records with a reason that names the
 * offending bytes, and cuts lines where fgets cuts them.
 * Method: hand-built streams around each parsing boundary (every C isspace byte, signs, junk
 * after the digits, lines cut at 1023 bytes, CR without LF, torn lines at EOF), checking the
 * decoded commands, the end status and the typed error (kind, offset, reason).
 */
import { describe, expect, it } from 'vitest';
import { AofDecoder } from './aof-decoder.ts';
import { bytesOf, command, commandsOf as commands, decodeStream as decode, decodeStreamError as decodeError, setA } from './testing/aof-stream-decoding.ts';

/** `count` canonical "$1\r\nx\r\n" argument entries (7 bytes each). */
const argEntries = (count: number) => bytesOf('$1\r\nx\r\n'.repeat(count));




describe('AofDecoder parsing: atoi/strtol number lines (server mode)', () => {
  it.each([
    ['space', ' '],
    ['tab', '\t'],
    ['vertical tab', '\x0b'],
    ['form feed', '\x0c'],
    ['carriage return', '\r'],
  ])('a "*" and a "$" line with a leading %s (C isspace) load like the plain digits', (_, blank) => {
    const stream = Buffer.concat([setA, bytesOf(`*${blank}2\r\n$${blank}4\r\nPING\r\n$1\r\nx\r\n`)]);
    expect(commands(decode(stream).items)).toEqual([['SET', 'a', '1'], ['PING', 'x']]);
  });

  it.each([
    ['backspace 0x08', '\x08'],
    ['0x0e', '\x0e'],
  ])('a "*" line starting with %s (not C isspace) is atoi 0: corrupt at the record', (_, byte) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(`*${byte}1\r\n$1\r\nx\r\n`)]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27, reason: 'argument count 0 is below 1' });
  });

  it('a "+" sign before the count and the length is accepted, like strtol', () => {
    const stream = Buffer.concat([setA, bytesOf('*+1\r\n$+4\r\nPING\r\n')]);
    expect(commands(decode(stream).items)).toEqual([['SET', 'a', '1'], ['PING']]);
  });

  it('a "-" sign makes the count negative: "*-2" is corrupt, naming the count -2', () => {
    expect(decodeError(Buffer.concat([setA, bytesOf('*-2\r\n')]))).toMatchObject({ kind: 'corrupt', offset: 27, reason: 'argument count -2 is below 1' });
  });

  it('atoi reads only the leading digits: "*000000001/" and "*000000001:" declare one argument, so a second "$" entry is a stray record', () => {
    // "/" (0x2f) and ":" (0x3a) are the bytes just outside '0'..'9'.
    for (const junk of ['/', ':']) {
      const stream = Buffer.concat([setA, bytesOf(`*000000001${junk}\r\n`), argEntries(20)]);
      // The record line is 13 bytes and its one argument 7 bytes; the next "$" is not a record start.
      expect(decodeError(stream)).toMatchObject({ kind: 'corrupt', offset: 27 + 13 + 7, reason: "expected '*' or '#' starting a record, found '$' (0x24)" });
    }
  });

  it('"*1" followed by 97 argument entries is one 1-argument command and then a stray "$" record', () => {
    const stream = Buffer.concat([setA, bytesOf('*1\r\n'), argEntries(97)]);
    expect(decodeError(stream)).toMatchObject({ kind: 'corrupt', offset: 27 + 4 + 7, reason: "expected '*' or '#' starting a record, found '$' (0x24)" });
  });

  it('a "*" line cut by fgets at 1023 bytes takes only the digits before the cut: "*" + 1020 blanks + "12", then "3\\r\\n" is a stray argument line', () => {
    const stream = Buffer.concat([setA, bytesOf(`*${' '.repeat(1020)}12`), bytesOf('3\r\n$4\r\nPING\r\n')]);
    const error = decodeError(stream);
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27 + 1023, reason: "expected '$' starting argument 1 of 12, found '3' (0x33)" });
  });

  it.each([
    [false, 400],
    [true, 120],
  ])('strictCrlf %s: a %i-digit argument count is refused as exceeding 2^31-1, the count printed in plain digits', (strictCrlf, digits) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(`*${'9'.repeat(digits)}\r\n`)]), { strictCrlf });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27 });
    expect(error.reason).toMatch(/^argument count \d+ exceeds 2147483647$/);
  });
});

describe('AofDecoder parsing: error reasons name the offending byte', () => {
  it.each([
    ['a printable byte', 'x', "'x' (0x78)"],
    ['a space', ' ', "' ' (0x20)"],
    ['"~", the last printable byte', '~', "'~' (0x7e)"],
    ['a control byte', '\x05', '0x05'],
    ['DEL', '\x7f', '0x7f'],
    ['a high byte', '\x80', '0x80'],
    ['0xff', '\xff', '0xff'],
  ])('a record starting with %s is refused, the reason showing it as %s', (_, byte, shown) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(`${byte}garbage`)]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27, reason: `expected '*' or '#' starting a record, found ${shown}` });
  });

  it('an argument line not starting with "$" names its position: argument 2 of 3', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('*3\r\n$3\r\nSET\r\nx1\r\n')]));
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27 + 13, reason: "expected '$' starting argument 2 of 3, found 'x' (0x78)" });
  });

  it('strict mode names both bytes found after an argument instead of "\\r\\n"', () => {
    const error = decodeError(bytesOf('*1\r\n$4\r\nPING\rX'), { strictCrlf: true });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 12, reason: `expected "\\r\\n" after a 4-byte argument, found 0x0d 'X' (0x58)` });
  });

  it('strict mode refuses "\\n\\n" after an argument (both bytes are checked)', () => {
    expect(decodeError(bytesOf('*1\r\n$4\r\nPING\n\n'), { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 12, reason: `expected "\\r\\n" after a 4-byte argument, found 0x0a 0x0a` });
  });
});

describe('AofDecoder parsing: strict (redis-check-aof) number lines', () => {
  it.each([
    ['"$\\r\\n" (no digits)', '$\r\n'],
    ['"$12\\n" (LF without CR)', '$12\n'],
    ['"$1\\r" then "x" (CR not followed by LF)', '$1\rx\r\n'],
  ])('strict mode refuses the length line %s at its offset; the server mode does not', (_, line) => {
    const stream = Buffer.concat([setA, bytesOf('*2\r\n$4\r\nPING\r\n'), bytesOf(line), bytesOf('x'.repeat(20))]);
    expect(decodeError(stream, { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 27 + 14, reason: 'expected "$<digits>\\r\\n" (redis-check-aof checks the CRLF)' });
  });

  it('strict mode refuses a 127-byte "$" line of zeros ending in "\\r" and no "\\n" (cut at 127 bytes)', () => {
    const stream = Buffer.concat([setA, bytesOf('*2\r\n$4\r\nPING\r\n'), bytesOf(`$${'0'.repeat(124)}\r1\r\n`), bytesOf('x'.repeat(20))]);
    expect(decodeError(stream, { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 27 + 14, reason: 'expected "$<digits>\\r\\n" (redis-check-aof checks the CRLF)' });
  });

  it.each([
    ['"*\\r"', '*\r'],
    ['"*1\\rx"', '*1\rx'],
    ['"*12\\r\\r"', '*12\r\r'],
  ])('strict mode refuses the torn argc line %s at EOF as malformed; a torn "*12\\r" is a truncation', (_, tail) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(tail)]), { strictCrlf: true });
    expect(error).toMatchObject({ kind: 'corrupt', offset: 27, reason: 'malformed argc line cut by the end of the stream' });
    expect(decode(Buffer.concat([setA, bytesOf('*12\r')]), { strictCrlf: true }).end).toMatchObject({ status: 'truncated', validUpTo: 27 });
  });

  it('strict mode refuses a torn length line "$1x" at EOF as malformed; a torn "$12\\r" is a truncation', () => {
    const head = Buffer.concat([setA, bytesOf('*2\r\n$4\r\nPING\r\n')]);
    expect(decodeError(Buffer.concat([head, bytesOf('$1x')]), { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 27 + 14, reason: 'malformed length line cut by the end of the stream' });
    expect(decode(Buffer.concat([head, bytesOf('$12\r')]), { strictCrlf: true }).end).toMatchObject({ status: 'truncated', validUpTo: 27 });
  });

  it('strict mode: a torn "*12" at EOF after a 70000-byte argument streamed in two chunks is a truncation at the end of that command', () => {
    const header = bytesOf('*1\r\n$70000\r\n');
    const data = bytesOf('9'.repeat(70000));
    const decoder = new AofDecoder({ fileName: 'appendonly.aof.1.incr.aof', strictCrlf: true });
    expect(decoder.push(Buffer.concat([header, data.subarray(0, 60000)]))).toEqual([]);
    const items = decoder.push(Buffer.concat([data.subarray(60000), bytesOf('\r\n')]));
    expect(items).toHaveLength(1);
    expect(decoder.push(bytesOf('*12'))).toEqual([]);
    expect(decoder.end()).toMatchObject({ status: 'truncated', validUpTo: header.length + 70000 + 2 });
  });

  it('a torn "$-5" length line at EOF is corrupt in server mode too (Redis aborts on a negative length)', () => {
    const head = Buffer.concat([setA, bytesOf('*2\r\n$4\r\nPING\r\n')]);
    expect(decodeError(Buffer.concat([head, bytesOf('$-5')]))).toMatchObject({ kind: 'corrupt', offset: 27 + 14, reason: 'negative argument length -5 (Redis 7.0 aborts allocating it)' });
  });

  it('strict mode, byte by byte: an argument spelled EXEC or MULTI is data, not a transaction marker', () => {
    const stream = Buffer.concat([command('SET', 'exec', 'multi'), command('MULTI'), command('SADD', 'multi', 'exec'), command('EXEC')]);
    const { items, end } = decode(stream, { strictCrlf: true }, 1);
    expect(commands(items)).toEqual([['SET', 'exec', 'multi'], ['MULTI'], ['SADD', 'multi', 'exec'], ['EXEC']]);
    expect(end).toMatchObject({ status: 'complete', openMulti: false });
  });
});

describe('AofDecoder parsing: fgets cuts an annotation at 1023 bytes anywhere in the stream', () => {
  it('an over-long annotation after a command yields its first 1023 bytes as one annotation, then the command its rest starts', () => {
    const stream = Buffer.concat([setA, bytesOf(`#${'x'.repeat(1022)}`), setA]);
    const { items, end } = decode(stream);
    expect(items).toEqual([
      { kind: 'command', argv: ['SET', 'a', '1'], offset: 0, endOffset: 27 },
      { kind: 'annotation', text: `#${'x'.repeat(1022)}`, offset: 27, endOffset: 27 + 1023 },
      { kind: 'command', argv: ['SET', 'a', '1'], offset: 27 + 1023, endOffset: 27 + 1023 + 27 },
    ]);
    expect(end).toMatchObject({ status: 'complete', partialAnnotationOffset: null });
  });
});
