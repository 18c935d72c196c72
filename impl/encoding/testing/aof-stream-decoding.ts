/**
 * Test support for the AOF decoder's tests: decode a byte stream in chunks of a given size and
 * collect its items and end, or its AofDecodeError. Any other throw propagates (it is a bug).
 */
import { encodeAofCommand } from '../aof-command-encoder.ts';
import { AofDecodeError } from '../aof-decode-error.ts';
import { AofDecoder, type AofDecodeEnd, type AofDecoderOptions, type AofItem } from '../aof-decoder.ts';

export const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');
export const command = (...argv: string[]): Buffer => Buffer.from(encodeAofCommand(argv));
/** `SET a 1` in Redis's own layout: 27 bytes. */
export const setA = command('SET', 'a', '1');

/** The stream pushed in chunks of `chunkSize` bytes (at least 1), then end(). */
export function decodeStream(stream: Uint8Array, options: Partial<AofDecoderOptions> = {}, chunkSize = stream.length): { items: AofItem[]; end: AofDecodeEnd } {
  const decoder = new AofDecoder({ fileName: 'appendonly.aof.1.incr.aof', ...options });
  const items: AofItem[] = [];
  const step = Math.max(1, chunkSize);
  for (let at = 0; at < stream.length; at += step) items.push(...decoder.push(stream.subarray(at, at + step)));
  return { items, end: decoder.end() };
}

/** The AofDecodeError decoding the stream throws; fails when it decodes cleanly. */
export function decodeStreamError(stream: Uint8Array, options: Partial<AofDecoderOptions> = {}, chunkSize = stream.length): AofDecodeError {
  try {
    decodeStream(stream, options, chunkSize);
  } catch (error) {
    if (error instanceof AofDecodeError) return error;
    throw error;
  }
  throw new Error('expected an AofDecodeError');
}

/** The argv of each command item, in order. */
export const commandsOf = (items: readonly AofItem[]): string[][] => items.flatMap((item) => (item.kind === 'command' ? [item.argv] : []));
