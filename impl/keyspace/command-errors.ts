/**
 * The exact error messages Redis 7.0 replies with, and `ReplyError`, the exception a command
 * handler throws to end with an error reply (as Redis's handlers `addReplyError(...); return;`).
 *
 * Invariants:
 * - Messages match redis-server 7.0.15 byte for byte (checked by hand against a live server);
 *   each starts with its error code (`ERR`, `WRONGTYPE`, `EXECABORT`).
 * - Throwing a ReplyError undoes nothing: a handler throws only at the point where Redis returns,
 *   so whatever it already changed (a lazy-expiry deletion, say) stays, as in Redis.
 * - Client-supplied text in a message is cut at NUL (C strings) and has CR/LF mapped to spaces,
 *   as Redis's rejectCommandFormat does.
 */
import type { ByteString } from '../values/redis-value.ts';

export class ReplyError extends Error {
  constructor(readonly replyMessage: string) {
    super(replyMessage);
    this.name = 'ReplyError';
  }
}

/** Ends the running command with this error reply. */
export function fail(message: string): never {
  throw new ReplyError(message);
}

export const wrongTypeError = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const syntaxError = 'ERR syntax error';
export const notIntegerError = 'ERR value is not an integer or out of range';
export const notFloatError = 'ERR value is not a valid float';
export const overflowError = 'ERR increment or decrement would overflow';
export const decrementOverflowError = 'ERR decrement would overflow';
export const floatOverflowError = 'ERR increment would produce NaN or Infinity';
export const hashValueNotIntegerError = 'ERR hash value is not an integer';
export const mustBePositiveError = 'ERR value is out of range, must be positive';
export const dbIndexOutOfRangeError = 'ERR DB index is out of range';
export const nanScoreError = 'ERR resulting score is not a number (NaN)';
export const execAbortError = 'EXECABORT Transaction discarded because of previous errors.';
export const nestedMultiError = 'ERR MULTI calls can not be nested';
export const execWithoutMultiError = 'ERR EXEC without MULTI';
export const discardWithoutMultiError = 'ERR DISCARD without MULTI';

export function arityError(commandName: string): string {
  return `ERR wrong number of arguments for '${commandName}' command`;
}

export function invalidExpireTimeError(commandName: string): string {
  return `ERR invalid expire time in '${commandName}' command`;
}

export function rangeError(min: bigint, max: bigint): string {
  return `ERR value is out of range, value must between ${min} and ${max}`;
}

/** C's `%s` of a ByteString: stops at the first NUL. */
export function cString(value: ByteString): ByteString {
  const nul = value.indexOf('\0');
  return nul === -1 ? value : value.slice(0, nul);
}

function sanitized(text: string): string {
  return text.replace(/[\r\n]/g, ' ');
}

export function unsupportedOptionError(option: ByteString): string {
  return sanitized(`ERR Unsupported option ${cString(option)}`);
}

/** processCommand's reply for a name that is not in the command table. */
export function unknownCommandError(argv: readonly ByteString[]): string {
  let args = '';
  for (let index = 1; index < argv.length && args.length < 128; index += 1) {
    args += `'${cString(argv[index] ?? '').slice(0, 128 - args.length)}' `;
  }
  return sanitized(`ERR unknown command '${cString(argv[0] ?? '').slice(0, 128)}', with args beginning with: ${args}`);
}
