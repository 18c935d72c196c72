/**
 * Goal: the decoder's speed invariant, held through `fastPathCommands`. Every command that is
 * whole in the buffer and spelled as Redis writes it ('*' and '$' lines of 1 to 10 digits ending
 * in "\r\n", "\r\n" after each argument) is decoded by the one-pass path, whatever its argc, its
 * argument lengths and their digits, up to the argument cap. Every other spelling the loader
 * reads, and a command cut by the chunk end, goes through the general path. Either way the items
 * are the ones the general path alone gives (the stream pushed one byte at a time).
 */
import { describe, expect, it } from 'vitest';
import { encodeAofCommand } from './aof-command-encoder.ts';
import { AofDecodeError } from './aof-decode-error.ts';
import { AofDecoder, type AofDecoderOptions, type AofItem } from './aof-decoder.ts';

const fileName = 'appendonly.aof.1.incr.aof';
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const encoded = (...commands: string[][]) => Buffer.concat(commands.map((argv) => Buffer.from(encodeAofCommand(argv))));

function decodeInChunks(stream: Uint8Array, chunkSize: number, options: Partial<AofDecoderOptions> = {}): { items: AofItem[]; fast: number } {
  const decoder = new AofDecoder({ fileName, ...options });
  const items: AofItem[] = [];
  for (let at = 0; at < stream.length; at += chunkSize) items.push(...decoder.push(stream.subarray(at, at + chunkSize)));
  expect(decoder.end().status).toBe('complete');
  return { items, fast: decoder.fastPathCommands };
}

const wholeAndByteByByte = (stream: Uint8Array, options: Partial<AofDecoderOptions> = {}) => ({
  whole: decodeInChunks(stream, Math.max(1, stream.length), options),
  general: decodeInChunks(stream, 1, options),
});

const rpush19 = ['RPUSH', 'list', ...Array.from({ length: 17 }, (_, index) => `v${index}`)];
const canonicalCases: readonly { readonly name: string; readonly commands: string[][] }[] = [
  { name: 'argc 1 (PING, MULTI, EXEC)', commands: [['PING'], ['MULTI'], ['SET', 'a', '1'], ['EXEC']] },
  { name: 'argc 3 with an empty argument', commands: [['SET', 'key', ''], ['SET', '', 'value']] },
  { name: 'argc 19 (digits 1 and 9; above the preallocated 16)', commands: [rpush19, ['DEL', 'list']] },
  { name: 'argument lengths 10, 90 and 109 (digits 0 and 9)', commands: [['SET', 'k'.repeat(10), 'v'.repeat(90)], ['APPEND', 'k'.repeat(10), 'w'.repeat(109)]] },
  { name: 'a run of the same name, then another name', commands: [['SET', 'a', '1'], ['SET', 'b', '2'], ['set', 'c', '3'], ['DEL', 'a']] },
  { name: 'a name longer than the remembered 32 bytes, twice', commands: [['X'.repeat(40), 'a'], ['X'.repeat(40), 'b']] },
];

describe('AofDecoder one-pass path: canonical commands whole in the buffer', () => {
  for (const { name, commands } of canonicalCases) {
    it(`${name}: every command is one-pass, with the items of the general path`, () => {
      const { whole, general } = wholeAndByteByByte(encoded(...commands));
      expect(whole.fast).toBe(commands.length);
      expect(general.fast).toBe(0);
      expect(whole.items).toEqual(general.items);
      expect(whole.items.map((item) => (item.kind === 'command' ? item.argv : []))).toEqual(commands);
    });
  }

  it('\'*\' and \'$\' lines of exactly 10 digits (leading zeros) are one-pass', () => {
    const stream = latin1('*0000000002\r\n$0000000003\r\nDEL\r\n$0000000001\r\nk\r\n');
    const { whole, general } = wholeAndByteByByte(stream);
    expect(whole.fast).toBe(1);
    expect(whole.items).toEqual(general.items);
    expect(whole.items).toEqual([{ kind: 'command', argv: ['DEL', 'k'], offset: 0, endOffset: stream.length }]);
  });

  it('annotations between commands do not stop the one-pass path', () => {
    const stream = Buffer.concat([latin1('#TS:1700000000\r\n'), encoded(['SET', 'a', '1']), latin1('#TS:1700000001\r\n'), encoded(['DEL', 'a'])]);
    const { whole, general } = wholeAndByteByByte(stream);
    expect(whole.fast).toBe(2);
    expect(whole.items).toEqual(general.items);
  });

  it('an argument of exactly the cap (maxArgBytes 5) is one-pass; one byte more is refused by the general path at its \'$\' line', () => {
    const atCap = wholeAndByteByByte(encoded(['SET', 'k', '12345']), { maxArgBytes: 5 });
    expect(atCap.whole.fast).toBe(1);
    expect(atCap.whole.items).toEqual(atCap.general.items);

    const overCap = encoded(['SET', 'k', '123456']);
    const decoder = new AofDecoder({ fileName, maxArgBytes: 5 });
    const error = (() => {
      try {
        decoder.push(overCap);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AofDecodeError);
    expect(error).toMatchObject({ kind: 'corrupt', fileName, offset: overCap.indexOf('$6'), reason: 'argument length 6 exceeds the cap of 5 bytes' });
    expect(decoder.fastPathCommands).toBe(0);
  });
});

describe('AofDecoder one-pass path: what goes through the general path', () => {
  const otherSpellings: readonly { readonly name: string; readonly text: string; readonly argv: string[] }[] = [
    { name: 'an argc line of 11 digits', text: '*00000000001\r\n$4\r\nPING\r\n', argv: ['PING'] },
    { name: 'a length line of 11 digits', text: '*1\r\n$00000000004\r\nPING\r\n', argv: ['PING'] },
    { name: 'an argc line ending in a bare LF', text: '*1\n$4\r\nPING\r\n', argv: ['PING'] },
    { name: 'a length line ending in a bare LF', text: '*1\r\n$4\nPING\r\n', argv: ['PING'] },
    { name: 'an argc line with a blank before the digits', text: '* 1\r\n$4\r\nPING\r\n', argv: ['PING'] },
    { name: 'a length line with a plus sign', text: '*1\r\n$+4\r\nPING\r\n', argv: ['PING'] },
    { name: 'an argument followed by two bytes other than CRLF', text: '*2\r\n$3\r\nDEL\r\n$1\r\nkxy', argv: ['DEL', 'k'] },
  ];
  for (const { name, text, argv } of otherSpellings) {
    it(`${name}: general path, same items as byte by byte`, () => {
      const { whole, general } = wholeAndByteByByte(latin1(text));
      expect(whole.fast).toBe(0);
      expect(whole.items).toEqual(general.items);
      expect(whole.items).toEqual([{ kind: 'command', argv, offset: 0, endOffset: text.length }]);
    });
  }

  // The general path reads the argc line up to its '\n' and then wants '$' at the next byte.
  for (const [name, text, refusedAt] of [
    ['LF, LF', '*1\n\n$4\r\nPING\r\n', 3],
    ['CR, x', '*1\rx$4\r\nPING\r\n', 8],
  ] as const) {
    it(`an argc line whose two bytes after the digits are ${name} is refused as the general path refuses it (never skipped over as if CRLF)`, () => {
      const refusal = (chunkSize: number) => {
        const decoder = new AofDecoder({ fileName });
        try {
          for (let at = 0; at < text.length; at += chunkSize) decoder.push(latin1(text.slice(at, at + chunkSize)));
          return decoder.end();
        } catch (error) {
          return error;
        }
      };
      const whole = refusal(text.length);
      expect(whole).toBeInstanceOf(AofDecodeError);
      expect(whole).toMatchObject({ kind: 'corrupt', offset: refusedAt });
      expect(refusal(1)).toEqual(whole);
    });
  }

  it('a command cut by the chunk end after its \'*\' line is finished by the general path, one cut inside that line is retried whole; the commands after it are one-pass', () => {
    const commands = [['SET', 'first', '1'], ['SET', 'second', '2'], ['SET', 'third', '3']];
    const stream = encoded(...commands);
    const argcLineBytes = '*3\r\n'.length;
    for (let cut = 1; cut < Buffer.from(encodeAofCommand(commands[0]!)).length; cut += 1) {
      const decoder = new AofDecoder({ fileName });
      const items = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(decoder.end().status).toBe('complete');
      expect(decoder.fastPathCommands, `cut at ${cut}`).toBe(cut < argcLineBytes ? 3 : 2);
      expect(items.map((item) => (item.kind === 'command' ? item.argv : []))).toEqual(commands);
    }
  });
});
