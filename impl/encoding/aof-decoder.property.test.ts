/**
 * Goal: on any valid AOF stream, and on every prefix of it, the decoder returns what a simple
 * model of Redis 7.0's loader predicts, whatever the chunking: the complete records, 'complete'
 * only at a record boundary outside MULTI (or inside a trailing annotation), else 'truncated'
 * with validUpTo at the end of the last command outside MULTI; a zero-filled or garbage tail is
 * corrupt at its first byte; and arbitrary bytes never raise anything but AofDecodeError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import { encodeAofCommand } from './aof-command-encoder.ts';
import { AofDecodeError } from './aof-decode-error.ts';
import { AofDecoder, type AofDecodeEnd, type AofItem } from './aof-decoder.ts';

interface ModelRecord {
  readonly kind: 'command' | 'annotation';
  readonly argv: string[];
  readonly text: string;
  readonly bytes: Buffer;
  readonly offset: number;
  readonly endOffset: number;
  /** MULTI depth after this record. */
  readonly depthAfter: number;
  readonly isMulti: boolean;
}

const byteString = (maxLength: number) => fc.uint8Array({ maxLength }).map((bytes) => Buffer.from(bytes).toString('latin1'));
const plainArgv = fc
  .tuple(fc.constantFrom('SET', 'DEL', 'RPUSH', 'SELECT', 'PEXPIREAT', 'hset', '\x00\r\n'), fc.array(byteString(24), { maxLength: 4 }))
  .map(([name, args]) => [name, ...args]);
type Piece = { readonly kind: 'command'; readonly argv: string[] } | { readonly kind: 'annotation'; readonly text: string };
const annotation = byteString(60).map((body): Piece => ({ kind: 'annotation', text: `#${body.replace(/\n/g, '')}` }));
const plainCommand = plainArgv.map((argv): Piece => ({ kind: 'command', argv }));
const multiBlock = fc
  .tuple(fc.constantFrom('MULTI', 'multi'), fc.array(fc.oneof(plainCommand, annotation), { maxLength: 3 }), fc.constantFrom('EXEC', 'exec'))
  .map(([open, inner, close]): Piece[] => [{ kind: 'command', argv: [open] }, ...inner, { kind: 'command', argv: [close] }]);
const piecesArbitrary = fc.array(fc.oneof(plainCommand.map((piece) => [piece]), annotation.map((piece) => [piece]), multiBlock), { maxLength: 8 }).map((groups) => groups.flat());

function model(pieces: Piece[], startOffset: number): { records: ModelRecord[]; stream: Buffer } {
  const records: ModelRecord[] = [];
  let offset = startOffset;
  let depth = 0;
  for (const piece of pieces) {
    const bytes = piece.kind === 'command' ? Buffer.from(encodeAofCommand(piece.argv)) : Buffer.from(`${piece.text}\r\n`, 'latin1');
    const name = piece.kind === 'command' ? piece.argv[0]!.toLowerCase() : '';
    if (name === 'multi') depth += 1;
    if (name === 'exec') depth = 0;
    records.push({ kind: piece.kind, argv: piece.kind === 'command' ? piece.argv : [], text: piece.kind === 'annotation' ? piece.text : '', bytes, offset, endOffset: offset + bytes.length, depthAfter: depth, isMulti: name === 'multi' });
    offset += bytes.length;
  }
  return { records, stream: Buffer.concat(records.map((record) => record.bytes)) };
}

function expectedItems(records: ModelRecord[], cut: number): AofItem[] {
  return records
    .filter((record) => record.endOffset <= cut)
    .map((record): AofItem =>
      record.kind === 'command'
        ? { kind: 'command', argv: record.argv, offset: record.offset, endOffset: record.endOffset }
        : { kind: 'annotation', text: record.text, offset: record.offset, endOffset: record.endOffset },
    );
}

function expectedEnd(records: ModelRecord[], cut: number, startOffset: number): AofDecodeEnd {
  const done = records.filter((record) => record.endOffset <= cut);
  const torn = records.find((record) => record.offset < cut && cut < record.endOffset);
  const depth = done.at(-1)?.depthAfter ?? 0;
  const truncated = torn?.kind === 'command' || depth > 0;
  const commandsDone = done.filter((record) => record.kind === 'command');
  const safeEnds = commandsDone.filter((record) => record.depthAfter === 0).map((record) => record.endOffset);
  let redisTruncateOffset: number | null = null;
  if (truncated && torn?.kind === 'command') redisTruncateOffset = commandsDone.at(-1)?.endOffset ?? 0;
  else if (truncated) {
    const lastMulti = commandsDone.findLastIndex((record) => record.isMulti);
    redisTruncateOffset = commandsDone.slice(0, lastMulti).at(-1)?.endOffset ?? 0;
  }
  return {
    status: truncated ? 'truncated' : 'complete',
    validUpTo: truncated ? (safeEnds.at(-1) ?? startOffset) : cut,
    bytesSeen: cut - startOffset,
    openMulti: depth > 0,
    redisTruncateOffset,
    partialAnnotationOffset: torn?.kind === 'annotation' ? torn.offset : null,
  };
}

type Outcome = { readonly items: AofItem[]; readonly end: AofDecodeEnd } | { readonly error: AofDecodeError };

/** Decodes in chunks of the given sizes (cycled); any exception but AofDecodeError propagates. */
function outcomeOf(stream: Uint8Array, chunkSizes: readonly number[], options: { startOffset?: number; strictCrlf?: boolean } = {}): Outcome {
  const decoder = new AofDecoder({ fileName: 'appendonly.aof.3.incr.aof', ...options });
  const items: AofItem[] = [];
  try {
    let turn = 0;
    for (let at = 0; at < stream.length; turn += 1) {
      const size = Math.max(1, chunkSizes[turn % chunkSizes.length] ?? stream.length);
      items.push(...decoder.push(stream.subarray(at, at + size)));
      at += size;
    }
    return { items, end: decoder.end() };
  } catch (error) {
    if (error instanceof AofDecodeError) return { error };
    throw error;
  }
}

const chunkSizesArbitrary = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 });

describe('AofDecoder properties', () => {
  it('every prefix of a valid stream decodes to the model: items, status, validUpTo, openMulti (property, both modes, random chunking)', () => {
    fc.assert(
      fc.property(piecesArbitrary, fc.integer({ min: 0, max: 5000 }), chunkSizesArbitrary, fc.boolean(), (pieces, startOffset, chunkSizes, strictCrlf) => {
        const { records, stream } = model(pieces, startOffset);
        for (let length = 0; length <= stream.length; length += 1) {
          const cut = startOffset + length;
          const outcome = outcomeOf(stream.subarray(0, length), chunkSizes, { startOffset, strictCrlf });
          expect(outcome).toEqual({ items: expectedItems(records, cut), end: expectedEnd(records, cut, startOffset) });
          if ('end' in outcome && outcome.end.status === 'truncated') {
            const boundary = outcome.end.validUpTo;
            expect(boundary === startOffset || records.some((record) => record.kind === 'command' && record.endOffset === boundary && record.depthAfter === 0)).toBe(true);
          }
        }
      }),
      propertyParameters('AOF decoder prefixes', 120),
    );
  });

  it('a zero-filled or garbage tail after a valid stream is corrupt at the tail offset, with validUpTo of the prefix (property)', () => {
    const tailArbitrary = fc.oneof(
      fc.integer({ min: 1, max: 300 }).map((length) => Buffer.alloc(length)),
      fc.tuple(fc.integer({ min: 0, max: 255 }).filter((byte) => byte !== 0x2a && byte !== 0x23), fc.uint8Array({ maxLength: 40 })).map(([first, rest]) => Buffer.concat([Buffer.from([first]), rest])),
    );
    fc.assert(
      fc.property(piecesArbitrary, tailArbitrary, chunkSizesArbitrary, fc.boolean(), (pieces, tail, chunkSizes, strictCrlf) => {
        const { records, stream } = model(pieces, 0);
        const outcome = outcomeOf(Buffer.concat([stream, tail]), chunkSizes, { strictCrlf });
        expect('error' in outcome).toBe(true);
        if (!('error' in outcome)) return;
        expect(outcome.error.kind).toBe('corrupt');
        expect(outcome.error.offset).toBe(stream.length);
        const safeEnds = records.filter((record) => record.kind === 'command' && record.depthAfter === 0).map((record) => record.endOffset);
        expect(outcome.error.validUpTo).toBe(safeEnds.at(-1) ?? 0);
      }),
      propertyParameters('AOF decoder corrupt tails', 300),
    );
  });

  it('arbitrary RESP-ish bytes give the same outcome in one chunk and in random chunks, and only AofDecodeError is thrown (property)', () => {
    const token = fc.oneof(
      fc.constantFrom('*', '$', '#', '\r\n', '\n', '\r', '\x00', ' ', '-', '1', '3', '0', 'x', 'MULTI', 'EXEC', '*1\r\n', '*2\r\n', '$1\r\n', '$0\r\n', '$5\r\nMULTI\r\n', '$4\r\nEXEC\r\n'),
      fc.integer({ min: 1000, max: 1100 }).map((length) => 'y'.repeat(length)),
      fc.integer({ min: 0, max: 99999 }).map(String),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), chunkSizesArbitrary, fc.boolean(), (tokens, chunkSizes, strictCrlf) => {
        const stream = Buffer.from(tokens.join(''), 'latin1');
        const whole = outcomeOf(stream, [stream.length], { strictCrlf });
        const chunked = outcomeOf(stream, chunkSizes, { strictCrlf });
        if ('error' in whole) {
          expect('error' in chunked && [chunked.error.kind, chunked.error.offset, chunked.error.reason]).toEqual([whole.error.kind, whole.error.offset, whole.error.reason]);
        } else {
          expect(chunked).toEqual(whole);
        }
      }),
      propertyParameters('AOF decoder chunking on arbitrary bytes', 1500),
    );
  });

  it('commands in Redis\'s spelling and in every other spelling the loader reads decode the same whole (one-pass fast path) as byte by byte (general path) (property)', () => {
    // How a '*'/'$' line's number is spelled: canonical, or as strtol also reads it, or malformed.
    const numberLine = (value: number) =>
      fc.constantFrom(`${value}\r\n`, `0${value}\r\n`, ` ${value}\r\n`, `+${value}\r\n`, `${value}\n`, `${value}x\r\n`, `${String(value).padStart(11, '0')}\r\n`, `-${value}\r\n`, `${value}\r`, '\r\n');
    const spelledCommand = fc.array(byteString(12), { minLength: 1, maxLength: 4 }).chain((argv) =>
      fc
        .tuple(
          fc.oneof({ weight: 3, arbitrary: fc.constant(`${argv.length}\r\n`) }, { weight: 1, arbitrary: numberLine(argv.length) }),
          fc.tuple(
            ...argv.map((arg) =>
              fc
                .tuple(fc.oneof({ weight: 3, arbitrary: fc.constant(`${arg.length}\r\n`) }, { weight: 1, arbitrary: numberLine(arg.length) }), fc.constantFrom('\r\n', '\r\n', 'xy', '\n\r'))
                .map(([line, after]) => `$${line}${arg}${after}`),
            ),
          ),
        )
        .map(([argcLine, args]) => `*${argcLine}${args.join('')}`),
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(spelledCommand, fc.constantFrom('*1\r\n$5\r\nMULTI\r\n', '*1\r\n$4\r\nEXEC\r\n', '#TS:1\r\n')), { maxLength: 6 }), fc.boolean(), (texts, strictCrlf) => {
        const stream = Buffer.from(texts.join(''), 'latin1');
        const whole = outcomeOf(stream, [stream.length], { strictCrlf });
        const byteByByte = outcomeOf(stream, [1], { strictCrlf });
        if ('error' in whole) {
          expect('error' in byteByByte && [byteByByte.error.kind, byteByByte.error.offset, byteByByte.error.reason, byteByByte.error.validUpTo]).toEqual([
            whole.error.kind,
            whole.error.offset,
            whole.error.reason,
            whole.error.validUpTo,
          ]);
        } else {
          expect(byteByByte).toEqual(whole);
        }
      }),
      propertyParameters('AOF decoder fast and general paths', 1500),
    );
  });
});
