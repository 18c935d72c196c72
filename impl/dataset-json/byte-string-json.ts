/**
 * How a ByteString (a key, field, member or value of arbitrary bytes) is written in dataset JSON.
 *
 * Values (string values, list items, set and zset members, hash values):
 * - bytes that are valid UTF-8 are a JSON string of that text;
 * - any other bytes are `{ "base64": "<standard base64, padded>" }`.
 * Object keys (Redis keys, hash fields), which JSON requires to be strings:
 * - bytes that are valid UTF-8 and do not start with `base64:` are the text itself;
 * - any other bytes (invalid UTF-8, or text that starts with `base64:`) are `base64:` followed
 *   by the base64 of all the bytes. So a key starting with `base64:` is always base64, and a real
 *   key "base64:x" is written "base64:YmFzZTY0Ong=": there is no second escape level.
 *
 * Invariants:
 * - "Valid UTF-8" is the WHATWG strict decoder's judgement (no overlongs, no surrogates, nothing
 *   above U+10FFFF); a leading BOM is kept as U+FEFF, so text → bytes → text is exact.
 * - Reading accepts the base64 forms for any bytes (writing uses them only when needed), but
 *   only canonical standard base64 (alphabet A-Z a-z 0-9 + /, `=` padding to a multiple of 4,
 *   zero pad bits), and only well-formed text (no lone surrogates, which have no UTF-8 bytes).
 *   Readers return a reason string for anything else; callers turn it into a DatasetJsonError.
 */
import { byteStringOfText, bytesOf, type ByteString } from '../values/redis-value.ts';

export const base64KeyPrefix = 'base64:';
export const base64Property = 'base64';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const asciiOnly = /^[\x00-\x7f]*$/;
const loneSurrogate = /\p{Cs}/u;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The text whose UTF-8 encoding is `bytes`, or undefined when `bytes` is not valid UTF-8. */
export function utf8TextOf(bytes: ByteString): string | undefined {
  if (asciiOnly.test(bytes)) return bytes;
  try {
    return strictUtf8.decode(bytesOf(bytes));
  } catch {
    return undefined;
  }
}

export function base64Of(bytes: ByteString): string {
  return bytesOf(bytes).toString('base64');
}

/** The JSON text of a value: a quoted string or `{ "base64": "..." }`. */
export function byteValueJson(bytes: ByteString): string {
  const text = utf8TextOf(bytes);
  return text === undefined ? `{ "${base64Property}": "${base64Of(bytes)}" }` : JSON.stringify(text);
}

/** The (unquoted) object key text for `bytes`. */
export function byteKeyText(bytes: ByteString): string {
  const text = utf8TextOf(bytes);
  return text === undefined || text.startsWith(base64KeyPrefix) ? base64KeyPrefix + base64Of(bytes) : text;
}

export type Decoded = { readonly bytes: ByteString } | { readonly problem: string };

/** The bytes of standard, canonical base64 text. */
export function bytesOfBase64(text: string): Decoded {
  if (!base64Pattern.test(text)) return { problem: `${JSON.stringify(shorten(text))} is not standard padded base64` };
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return { problem: `${JSON.stringify(shorten(text))} is not canonical base64 (non-zero padding bits)` };
  return { bytes: bytes.toString('latin1') };
}

/** The UTF-8 bytes of JSON text; refuses lone surrogates, which UTF-8 cannot encode. */
export function bytesOfText(text: string): Decoded {
  if (loneSurrogate.test(text)) return { problem: 'the text holds a lone UTF-16 surrogate, which has no UTF-8 encoding (use { "base64": ... })' };
  return { bytes: byteStringOfText(text) };
}

/** The bytes an object key (Redis key or hash field) stands for. */
export function bytesOfKeyText(key: string): Decoded {
  if (key.startsWith(base64KeyPrefix)) {
    const decoded = bytesOfBase64(key.slice(base64KeyPrefix.length));
    return 'problem' in decoded ? { problem: `a key starting with "${base64KeyPrefix}" must continue in base64: ${decoded.problem}` } : decoded;
  }
  return bytesOfText(key);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
