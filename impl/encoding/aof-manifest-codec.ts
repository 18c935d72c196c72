/**
 * The AOF manifest file's bytes, as Redis 7.0 writes them (aof.c:getAofManifestAsString,
 * aofInfoFormat with sds.c:sdscatrepr) and reads them (aof.c:aofLoadManifestFromFile with
 * sds.c:sdssplitargs).
 *
 * Parsing mirrors the server, whose failures are fatal ("*** FATAL AOF MANIFEST FILE ERROR ***"):
 * - Lines are read by fgets into a 1025-byte buffer: a "line" is up to and including the first
 *   '\n', or 1024 bytes. A line starting with '#' is a comment and is skipped, whatever its
 *   length: a longer comment's rest is read as the next line (EMP: "Invalid AOF manifest file
 *   format" at line 2). Any other line without '\n' (before a NUL) is "too long", and so is an
 *   unterminated last line (EMP: a manifest without its final '\n' is refused).
 * - The line is trimmed of " \t\r\n" (empty → invalid format), split like sdssplitargs (double
 *   quotes with \n \r \t \b \a \xHH and \<c> escapes, single quotes with \', a closing quote must
 *   be followed by a blank); fewer than 6 or an odd number of tokens → invalid format.
 * - Keys match case-insensitively; unknown pairs are ignored; a later pair overrides an earlier
 *   one. `file` must not contain '/' or '\' (checked as it is met); `seq` is atoll (0, missing or
 *   non-numeric → invalid format; negative is accepted, and then fails the INCR order check);
 *   `type` is the value's first byte. C strings end at a NUL byte, so a name or key is cut there.
 * - Then: a second BASE, an INCR seq not above every earlier INCR seq (starting from 0), or a
 *   type other than b/h/i fail with Redis's reasons. An empty file fails; a file of comments
 *   only is an empty manifest.
 * - Beyond Redis: a seq outside ±(2^53-1) is refused as invalid format (Redis saturates it).
 *
 * Formatting writes `file <name> seq <n> type <c>\n` for the base, then history, then incrs.
 * Invariant: parseAofManifest(formatAofManifest(m)) deep-equals m for every manifest the
 * formatter accepts. Names are quoted exactly when sdsneedsrepr says so, and additionally when
 * they contain a single quote or are empty: Redis 7.0.15 writes `a'b.aof...` bare and then
 * cannot parse its own manifest (EMP: appendfilename "a'b.aof" fails the restart).
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../values/redis-value.ts';
import { aofFileTypeCodes, type AofFileType, type AofManifest, type AofManifestEntry } from './aof-manifest.ts';

export {
  baseFileName,
  defaultAppendDirName,
  defaultAppendFileName,
  incrFileName,
  manifestFileName,
  tempIncrFileName,
  tempManifestFileName,
} from './aof-manifest.ts';

/** fgets(buf, MANIFEST_MAX_LINE + 1) with MANIFEST_MAX_LINE = 1024. */
export const aofManifestLineBytesMax = 1024;

/** Redis's reasons, verbatim. */
export const aofManifestReasons = {
  empty: 'Found an empty AOF manifest',
  tooLongLine: 'The AOF manifest file contains too long line',
  invalidFormat: 'Invalid AOF manifest file format',
  path: "File can't be a path, just a filename",
  duplicateBase: 'Found duplicate base file information',
  nonMonotonic: 'Found a non-monotonic sequence number',
  unknownType: 'Unknown AOF file type',
} as const;

export type AofManifestReason = (typeof aofManifestReasons)[keyof typeof aofManifestReasons];

/** A manifest the server would refuse to start with. `line` is 1-based (0: the whole file). */
export class AofManifestError extends Error {
  override readonly name = 'AofManifestError';
  readonly fileName: string;
  readonly line: number;
  readonly offset: number;
  readonly reason: AofManifestReason;
  readonly detail: string | undefined;

  constructor(fileName: string, line: number, offset: number, reason: AofManifestReason, detail?: string) {
    super(`${fileName}: invalid AOF manifest at line ${line} (offset ${offset}): ${reason}${detail === undefined ? '' : ` (${detail})`}`);
    this.fileName = fileName;
    this.line = line;
    this.offset = offset;
    this.reason = reason;
    this.detail = detail;
  }
}

const typeByCode: ReadonlyMap<string, AofFileType> = new Map(Object.entries(aofFileTypeCodes).map(([type, code]) => [code, type as AofFileType]));

/** C isspace in the C locale. */
function isCSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\v' || char === '\f' || char === '\r';
}

/** C isprint in the C locale. */
function isCPrint(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

const hexDigit = /^[0-9a-fA-F]$/;

/** The part of `text` a C string function sees: up to the first NUL. */
function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** sdssplitargs: tokens, or undefined for unbalanced quotes or a closing quote not followed by a blank. */
export function splitManifestArgs(line: ByteString): ByteString[] | undefined {
  const tokens: ByteString[] = [];
  let at = 0;
  for (;;) {
    while (at < line.length && isCSpace(line[at])) at += 1;
    if (at >= line.length) return tokens;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const char = line[at];
      const next = line[at + 1];
      if (inDouble) {
        if (char === undefined) return undefined;
        if (char === '\\' && next === 'x' && hexDigit.test(line[at + 2] ?? '') && hexDigit.test(line[at + 3] ?? '')) {
          current += String.fromCharCode(parseInt(line.slice(at + 2, at + 4), 16));
          at += 4;
          continue;
        }
        if (char === '\\' && next !== undefined) {
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
          current += escapes[next] ?? next;
          at += 2;
          continue;
        }
        if (char === '"') {
          if (next !== undefined && !isCSpace(next)) return undefined;
          at += 1;
          break;
        }
        current += char;
        at += 1;
      } else if (inSingle) {
        if (char === undefined) return undefined;
        if (char === '\\' && next === "'") {
          current += "'";
          at += 2;
          continue;
        }
        if (char === "'") {
          if (next !== undefined && !isCSpace(next)) return undefined;
          at += 1;
          break;
        }
        current += char;
        at += 1;
      } else {
        if (char === undefined) break;
        if (char === ' ' || char === '\n' || char === '\r' || char === '\t') {
          at += 1;
          break;
        }
        if (char === '"') inDouble = true;
        else if (char === "'") inSingle = true;
        else current += char;
        at += 1;
      }
    }
    tokens.push(current);
  }
}

/** sdsneedsrepr, plus the cases that sdssplitargs would otherwise misread (a single quote, empty). */
export function manifestNameNeedsQuotes(name: ByteString): boolean {
  if (name.length === 0) return true;
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index]!;
    if (char === '\\' || char === '"' || char === "'" || isCSpace(char) || !isCPrint(name.charCodeAt(index))) return true;
  }
  return false;
}

/** sdscatrepr: a double-quoted token that splitManifestArgs reads back as `name`. */
export function quoteManifestName(name: ByteString): string {
  let quoted = '"';
  for (let index = 0; index < name.length; index += 1) {
    const char = name[index]!;
    const code = name.charCodeAt(index);
    if (char === '\\' || char === '"') quoted += `\\${char}`;
    else if (char === '\n') quoted += '\\n';
    else if (char === '\r') quoted += '\\r';
    else if (char === '\t') quoted += '\\t';
    else if (char === '\x07') quoted += '\\a';
    else if (char === '\b') quoted += '\\b';
    else if (isCPrint(code)) quoted += char;
    else quoted += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `${quoted}"`;
}

/** atoll: leading blanks, a sign, digits; 0 when there are none. */
function parseAtoll(text: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

function assertFormattable(entry: AofManifestEntry, type: AofFileType): void {
  assert.equal(entry.type, type, `a ${type} slot holds a ${type} entry, got ${entry.type}`);
  assert.ok(Number.isSafeInteger(entry.seq) && entry.seq !== 0, `a manifest seq is a non-zero integer, got ${entry.seq}`);
  assert.ok(!/[/\\\0]/.test(entry.fileName), `a manifest file name is a bare name without '/', '\\' or NUL: ${JSON.stringify(entry.fileName)}`);
  assert.ok(!/[^\x00-\xff]/.test(entry.fileName), 'a manifest file name is a ByteString');
}

function formatLine(entry: AofManifestEntry): string {
  const name = manifestNameNeedsQuotes(entry.fileName) ? quoteManifestName(entry.fileName) : entry.fileName;
  const line = `file ${name} seq ${entry.seq} type ${aofFileTypeCodes[entry.type]}\n`;
  assert.ok(line.length <= aofManifestLineBytesMax, `a manifest line fits Redis's ${aofManifestLineBytesMax}-byte buffer (${line.length} bytes)`);
  return line;
}

/** The manifest file's bytes: base, history (list order), incrs (ascending seq). */
export function formatAofManifest(manifest: AofManifest): Uint8Array {
  let text = '';
  if (manifest.base !== null) {
    assertFormattable(manifest.base, 'base');
    text += formatLine(manifest.base);
  }
  for (const entry of manifest.history) {
    assertFormattable(entry, 'history');
    text += formatLine(entry);
  }
  let previousIncrSeq = 0;
  for (const entry of manifest.incrs) {
    assertFormattable(entry, 'incr');
    assert.ok(entry.seq > previousIncrSeq, `INCR seqs strictly increase from 1: ${entry.seq} after ${previousIncrSeq}`);
    previousIncrSeq = entry.seq;
    text += formatLine(entry);
  }
  return Buffer.from(text, 'latin1');
}

/** Reads a manifest the way the server does; throws AofManifestError where the server exits. */
export function parseAofManifest(bytes: Uint8Array, fileName: string): AofManifest {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let base: AofManifestEntry | null = null;
  const history: AofManifestEntry[] = [];
  const incrs: AofManifestEntry[] = [];
  let maxIncrSeq = 0;
  let lineNumber = 0;
  let at = 0;
  while (at < text.length) {
    const newlineAt = text.indexOf('\n', at);
    const lineEnd = newlineAt >= 0 && newlineAt < at + aofManifestLineBytesMax ? newlineAt + 1 : Math.min(text.length, at + aofManifestLineBytesMax);
    const offset = at;
    const chunk = text.slice(at, lineEnd);
    at = lineEnd;
    lineNumber += 1;
    const fail = (reason: AofManifestReason, detail?: string) => new AofManifestError(fileName, lineNumber, offset, reason, detail);
    if (chunk[0] === '#') continue;
    const visible = cString(chunk);
    if (!visible.includes('\n')) throw fail(aofManifestReasons.tooLongLine);
    const line = visible.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line.length === 0) throw fail(aofManifestReasons.invalidFormat, 'blank line');
    const args = splitManifestArgs(line);
    if (args === undefined) throw fail(aofManifestReasons.invalidFormat, 'unbalanced quotes');
    if (args.length < 6 || args.length % 2 !== 0) throw fail(aofManifestReasons.invalidFormat, `${args.length} tokens`);
    let entryName: ByteString | undefined;
    let seq = 0;
    let typeCode = '';
    for (let index = 0; index < args.length; index += 2) {
      const key = cString(args[index]!).toLowerCase();
      const value = args[index + 1]!;
      if (key === 'file') {
        entryName = cString(value);
        if (entryName.includes('/') || entryName.includes('\\')) throw fail(aofManifestReasons.path);
      } else if (key === 'seq') {
        seq = parseAtoll(cString(value));
      } else if (key === 'type') {
        typeCode = cString(value).slice(0, 1);
      }
    }
    if (entryName === undefined || seq === 0 || typeCode === '') throw fail(aofManifestReasons.invalidFormat, 'missing file, seq or type');
    if (!Number.isSafeInteger(seq)) throw fail(aofManifestReasons.invalidFormat, `seq ${seq} is beyond 2^53`);
    const type = typeByCode.get(typeCode);
    if (type === 'base') {
      if (base !== null) throw fail(aofManifestReasons.duplicateBase);
      base = { fileName: entryName, seq, type };
    } else if (type === 'history') {
      history.push({ fileName: entryName, seq, type });
    } else if (type === 'incr') {
      if (seq <= maxIncrSeq) throw fail(aofManifestReasons.nonMonotonic, `seq ${seq} after ${maxIncrSeq}`);
      incrs.push({ fileName: entryName, seq, type });
      maxIncrSeq = seq;
    } else {
      throw fail(aofManifestReasons.unknownType, `type ${JSON.stringify(typeCode)}`);
    }
  }
  if (lineNumber === 0) throw new AofManifestError(fileName, 0, 0, aofManifestReasons.empty);
  return { base, history, incrs };
}
