/**
 * Goal: the decoder accepts, truncates and refuses AOF streams exactly where Redis 7.0.15's loader
 * does. Cases marked EMP were run against redis-server 7.0.15 / redis-check-aof (aof-load-truncated
 * yes) while writing this file; the expected values are what the server did.
 */
import { describe, expect, it } from 'vitest';
import { encodeAofCommand, encodeTimestampAnnotation } from './aof-command-encoder.ts';
import { AofDecodeError } from './aof-decode-error.ts';
import { AofDecoder, type AofDecodeEnd, type AofDecoderOptions, type AofItem } from './aof-decoder.ts';

const bytesOf = (text: string) => Buffer.from(text, 'latin1');
const command = (...argv: string[]) => Buffer.from(encodeAofCommand(argv));
const setA = command('SET', 'a', '1'); // 27 bytes
const multi = command('MULTI'); // 15 bytes
const exec = command('EXEC'); // 14 bytes

function decode(stream: Uint8Array, options: Partial<AofDecoderOptions> = {}, chunkSize = stream.length): { items: AofItem[]; end: AofDecodeEnd } {
  const decoder = new AofDecoder({ fileName: 'appendonly.aof.1.incr.aof', ...options });
  const items: AofItem[] = [];
  for (let at = 0; at < stream.length; at += Math.max(1, chunkSize)) items.push(...decoder.push(stream.subarray(at, at + Math.max(1, chunkSize))));
  return { items, end: decoder.end() };
}

function decodeError(stream: Uint8Array, options: Partial<AofDecoderOptions> = {}): AofDecodeError {
  try {
    decode(stream, options);
  } catch (error) {
    if (error instanceof AofDecodeError) return error;
    throw error;
  }
  throw new Error('expected an AofDecodeError');
}

const commands = (items: AofItem[]) => items.flatMap((item) => (item.kind === 'command' ? [item.argv] : []));

describe('AofDecoder: complete streams', () => {
  it('decodes commands and annotations with absolute offsets from startOffset 100', () => {
    const stream = Buffer.concat([encodeTimestampAnnotation(1_700_000_000), command('SELECT', '0'), setA]);
    const { items, end } = decode(stream, { startOffset: 100 });
    expect(items).toEqual([
      { kind: 'annotation', text: '#TS:1700000000', offset: 100, endOffset: 116 },
      { kind: 'command', argv: ['SELECT', '0'], offset: 116, endOffset: 139 },
      { kind: 'command', argv: ['SET', 'a', '1'], offset: 139, endOffset: 166 },
    ]);
    expect(end).toEqual({ status: 'complete', validUpTo: 166, bytesSeen: 66, openMulti: false, redisTruncateOffset: null, partialAnnotationOffset: null });
  });

  it('decodes binary arguments holding CRLF, NUL and 0xff, whole (the one-pass path) and byte by byte', () => {
    const argv = ['SET', 'k\r\n', '\x00\xff*$#'];
    expect(commands(decode(command(...argv), {}, 1).items)).toEqual([argv]);
    expect(commands(decode(command(...argv)).items)).toEqual([argv]);
  });

  it('an empty stream is complete with validUpTo = startOffset', () => {
    expect(decode(new Uint8Array(0), { startOffset: 89 }).end).toMatchObject({ status: 'complete', validUpTo: 89, bytesSeen: 0 });
  });

  it('a closed MULTI … EXEC block is complete', () => {
    const { items, end } = decode(Buffer.concat([multi, setA, exec]));
    expect(commands(items).map((argv) => argv[0])).toEqual(['MULTI', 'SET', 'EXEC']);
    expect(end).toMatchObject({ status: 'complete', validUpTo: 56, openMulti: false });
  });

  it('matches MULTI and EXEC case-insensitively, as lookupCommand does', () => {
    expect(decode(Buffer.concat([command('multi'), setA])).end).toMatchObject({ status: 'truncated', validUpTo: 0, openMulti: true });
    expect(decode(Buffer.concat([command('Multi'), setA, command('eXeC')])).end).toMatchObject({ status: 'complete', openMulti: false });
  });
});

describe('AofDecoder: truncation (aof-load-truncated)', () => {
  it('EMP: a 75-byte incr whose last SET is torn is valid up to 50', () => {
    const stream = Buffer.concat([command('SELECT', '0'), command('set', 'k', 'v'), command('set', 'k', 'v').subarray(0, 25)]);
    expect(stream.length).toBe(75);
    const { items, end } = decode(stream);
    expect(items).toHaveLength(2);
    expect(end).toEqual({ status: 'truncated', validUpTo: 50, bytesSeen: 75, openMulti: false, redisTruncateOffset: 50, partialAnnotationOffset: null });
  });

  it('EMP: a lone "*" at EOF is a short read, truncated to the last command', () => {
    expect(decode(Buffer.concat([setA, bytesOf('*')])).end).toMatchObject({ status: 'truncated', validUpTo: 27 });
  });

  it.each([['*3'], ['*3\r'], ['*3\r\n'], ['*3\r\n$'], ['*3\r\n$3'], ['*3\r\n$3\r\nSE'], ['*3\r\n$3\r\nSET\r']])('the torn record %j is truncated in both modes', (tail) => {
    for (const strictCrlf of [false, true]) expect(decode(Buffer.concat([setA, bytesOf(tail)]), { strictCrlf }).end).toMatchObject({ status: 'truncated', validUpTo: 27 });
  });

  it('EMP: an annotation between the last command and a torn one is cut with the torn one (the server cuts at 27; redis-check-aof would keep it: ok_up_to=34)', () => {
    const stream = Buffer.concat([setA, bytesOf('#TS:5\r\n'), setA.subarray(0, 25)]);
    expect(decode(stream).end).toMatchObject({ status: 'truncated', validUpTo: 27, redisTruncateOffset: 27 });
  });

  it('EMP: an unterminated annotation at EOF is skipped and the stream is complete', () => {
    const { items, end } = decode(Buffer.concat([setA, bytesOf('#TS:12')]));
    expect(items).toHaveLength(1);
    expect(end).toMatchObject({ status: 'complete', validUpTo: 33, partialAnnotationOffset: 27 });
  });

  it('a torn first command after an RDB preamble keeps validUpTo at startOffset; Redis 7.0.15 would truncate to 0 (EMP)', () => {
    expect(decode(setA.subarray(0, 20), { startOffset: 89 }).end).toMatchObject({ status: 'truncated', validUpTo: 89, redisTruncateOffset: 0 });
  });

  it('a declared 500 MB argument with 3 bytes present is a truncation, not an allocation', () => {
    const stream = bytesOf('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$524288000\r\nabc');
    expect(decode(stream).end).toMatchObject({ status: 'truncated', validUpTo: 0 });
  });
});

describe('AofDecoder: unfinished MULTI is rolled back', () => {
  it('EMP: torn inside MULTI → validUpTo before MULTI (27), Redis first cuts after the last queued command (69)', () => {
    const stream = Buffer.concat([setA, multi, command('SET', 'b', '1'), command('SET', 'c', '1').subarray(0, 24)]);
    expect(decode(stream).end).toEqual({ status: 'truncated', validUpTo: 27, bytesSeen: 93, openMulti: true, redisTruncateOffset: 69, partialAnnotationOffset: null });
  });

  it('EMP: clean EOF inside MULTI → truncated before MULTI, like "Revert incomplete MULTI/EXEC transaction"', () => {
    const stream = Buffer.concat([setA, multi, setA]);
    expect(decode(stream).end).toEqual({ status: 'truncated', validUpTo: 27, bytesSeen: 69, openMulti: true, redisTruncateOffset: 27, partialAnnotationOffset: null });
  });

  it('after EXEC the boundary moves past the block; a later open MULTI rolls back only itself', () => {
    const stream = Buffer.concat([multi, setA, exec, multi, setA]);
    expect(decode(stream).end).toMatchObject({ status: 'truncated', validUpTo: 56, openMulti: true, redisTruncateOffset: 56 });
  });

  it('a nested MULTI keeps validUpTo at the outer MULTI; Redis moves valid_before_multi to the inner one', () => {
    const stream = Buffer.concat([setA, multi, setA, multi, setA]);
    expect(decode(stream).end).toMatchObject({ status: 'truncated', validUpTo: 27, openMulti: true, redisTruncateOffset: 69 });
  });

  it('EXEC without MULTI is accepted by the server-compatible mode (Redis replies an error to nobody)', () => {
    expect(decode(Buffer.concat([setA, exec])).end).toMatchObject({ status: 'complete', validUpTo: 41 });
  });
});

describe('AofDecoder: annotations and fgets line limits', () => {
  it('strips "\\r\\n" or "\\n" from an annotation and keeps the "#"', () => {
    const { items } = decode(bytesOf('#TS:1\r\n#x\n#\r\n'));
    expect(items.map((item) => item.kind === 'annotation' && item.text)).toEqual(['#TS:1', '#x', '#']);
  });

  it('EMP: a 1023-byte annotation line ("#" + 1020 bytes + "\\r\\n") is one annotation', () => {
    const stream = Buffer.concat([bytesOf(`#${'x'.repeat(1020)}\r\n`), setA]);
    const { items, end } = decode(stream);
    expect(items.map((item) => item.kind)).toEqual(['annotation', 'command']);
    expect(end.status).toBe('complete');
  });

  it('EMP: an annotation cut at 1023 bytes whose rest starts with "*" loads the command after it', () => {
    const stream = Buffer.concat([bytesOf(`#${'x'.repeat(1022)}`), setA]);
    const { items } = decode(stream, {}, 7);
    expect(items[0]).toMatchObject({ kind: 'annotation', offset: 0, endOffset: 1023 });
    expect(items[1]).toMatchObject({ kind: 'command', argv: ['SET', 'a', '1'], offset: 1023 });
  });

  it('an annotation cut by fgets keeps all its 1023 bytes, a trailing "\\r" included (its "\\n" is the next line)', () => {
    const decoder = new AofDecoder({ fileName: 'x.aof' });
    const items = decoder.push(bytesOf(`#${'x'.repeat(1021)}\r`));
    expect(items).toEqual([{ kind: 'annotation', text: `#${'x'.repeat(1021)}\r`, offset: 0, endOffset: 1023 }]);
    expect(() => decoder.push(bytesOf('\n'))).toThrow(AofDecodeError);
  });

  it.each([
    ['1100 bytes of text', `#${'x'.repeat(1100)}\r\n`, 1023],
    ['1022 bytes of text, "\\r" at 1022 and "\\n" at 1023', `#${'x'.repeat(1021)}\r\n`, 1023],
  ])('EMP: an annotation of %s is a format error where fgets cut it', (_, line, offset) => {
    const error = decodeError(Buffer.concat([bytesOf(line), setA]));
    expect(error).toMatchObject({ kind: 'corrupt', offset });
  });
});

describe('AofDecoder: format errors (fatal even with aof-load-truncated)', () => {
  it('EMP: a garbage tail is corrupt at its offset, naming file, offset and reason', () => {
    const error = decodeError(Buffer.concat([setA, bytesOf('xyz')]));
    expect(error).toMatchObject({ kind: 'corrupt', fileName: 'appendonly.aof.1.incr.aof', offset: 27, validUpTo: 27 });
    expect(error.reason).toMatch(/expected '\*' or '#'.*'x'/);
    expect(error.message).toContain('appendonly.aof.1.incr.aof');
    expect(error.message).toContain('offset 27');
    expect(error.message).toContain(error.reason);
  });

  it('EMP: a zero-filled tail is corrupt at its first zero byte, even when only one zero arrived', () => {
    expect(decodeError(Buffer.concat([setA, Buffer.alloc(100)]))).toMatchObject({ kind: 'corrupt', offset: 27 });
    expect(decodeError(Buffer.concat([setA, Buffer.alloc(1)]))).toMatchObject({ kind: 'corrupt', offset: 27 });
  });

  it('zeros overwriting the middle of a command: the server reads them as data and fails at the next "$" line', () => {
    const stream = Buffer.concat([setA, setA.subarray(0, 17), Buffer.alloc(40)]);
    // "*3\r\n$3\r\nSET\r\n$1\r\n" (17 bytes), data "\0" + 2 unchecked zero bytes, then the third "$" line at 27 + 20.
    expect(decodeError(stream)).toMatchObject({ kind: 'corrupt', offset: 47 });
  });

  it.each([
    ['*0\r\n', 'argc 0'],
    ['*-1\r\n', 'argc -1'],
    ['*abc\r\n', 'argc not a number (atoi 0)'],
    ['*2147483648\r\n', 'argc above INT_MAX'],
    ['*\x00\r\n', 'NUL after "*" (Redis: unrecoverable read error)'],
    ['*1\r\nx\r\n', 'argument line not starting with "$"'],
    ['*1\r\n$-1\r\n', 'negative length (Redis 7.0 crashes allocating it)'],
  ])('%j is corrupt at the record (%s)', (record, _) => {
    const error = decodeError(Buffer.concat([setA, bytesOf(record)]));
    expect(error.kind).toBe('corrupt');
    expect(error.offset).toBeGreaterThanOrEqual(27);
  });

  it('EMP: "*0" cut by EOF is already a format error', () => {
    expect(decodeError(Buffer.concat([setA, bytesOf('*0')]))).toMatchObject({ kind: 'corrupt', offset: 27 });
  });

  it('refuses an argument longer than maxArgBytes before any of its bytes arrive', () => {
    const decoder = new AofDecoder({ fileName: 'x.aof', maxArgBytes: 100 });
    expect(() => decoder.push(bytesOf('*1\r\n$101\r\n'))).toThrow(AofDecodeError);
    expect(() => decoder.push(bytesOf('x'))).toThrow(/after a decode error/);
  });

  it('refuses pushing after end()', () => {
    const decoder = new AofDecoder({ fileName: 'x.aof' });
    decoder.end();
    expect(() => decoder.push(setA)).toThrow(/after end/);
  });
});

describe('AofDecoder: server leniency vs strictCrlf (redis-check-aof)', () => {
  it('EMP: the server ignores the 2 bytes after an argument; strict mode refuses them at their offset', () => {
    const stream = bytesOf('*3\r\n$3\r\nSETXY$1\r\naXY$1\r\n1XY');
    expect(commands(decode(stream).items)).toEqual([['SET', 'a', '1']]);
    expect(decodeError(stream, { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 11 });
  });

  it('EMP: "$abc" is an empty argument to the server (strtol 0) and corrupt to strict mode', () => {
    const stream = bytesOf('*3\r\n$3\r\nSET\r\n$1\r\na\r\n$abc\r\nQQ');
    expect(commands(decode(stream).items)).toEqual([['SET', 'a', '']]);
    expect(decodeError(stream, { strictCrlf: true }).kind).toBe('corrupt');
  });

  it('EMP: "* 1" and "$ 1" (strtol blanks) load in the server; strict mode wants canonical digits', () => {
    const stream = Buffer.concat([setA, bytesOf('* 1\r\n$ 1\r\nx\r\n')]);
    expect(commands(decode(stream).items)).toEqual([['SET', 'a', '1'], ['x']]);
    expect(decodeError(stream, { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 27 });
  });

  it('EMP: strict mode refuses a MULTI inside MULTI and an EXEC without MULTI, like redis-check-aof', () => {
    expect(decodeError(Buffer.concat([setA, multi, command('multi')]), { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 42, reason: expect.stringMatching(/Unexpected MULTI/) });
    expect(decodeError(Buffer.concat([setA, exec]), { strictCrlf: true })).toMatchObject({ kind: 'corrupt', offset: 27, reason: expect.stringMatching(/Unexpected EXEC/) });
  });

  it('strict mode refuses a malformed number line cut by EOF and truncates a well-formed one', () => {
    expect(decodeError(Buffer.concat([setA, bytesOf('*1x')]), { strictCrlf: true }).kind).toBe('corrupt');
    expect(decode(Buffer.concat([setA, bytesOf('*1x')])).end.status).toBe('truncated');
    expect(decode(Buffer.concat([setA, bytesOf('*12\r')]), { strictCrlf: true }).end.status).toBe('truncated');
  });
});
