/**
 * Where the commands of an AOF file (RESP, as Redis appends them) begin and end: the conformance
 * suite's own reading, independent of the implementation's decoder, used to choose where to
 * damage a file and to say where a torn tail begins.
 *
 * Format read: a sequence of `*<n>\r\n` followed by n `$<len>\r\n<len bytes>\r\n` (a command),
 * or of `#...\r\n` annotation lines. Anything else (zeros, garbage) ends the scan there.
 *
 * Invariants:
 * - Pure: the answer depends only on the bytes.
 * - `validUpTo` is the end of the last complete command outside a MULTI (where Redis's
 *   aof-load-truncated would cut a torn tail: a MULTI still open at the end is rolled back).
 * - `clean` is true exactly when the bytes are whole commands with no MULTI left open, i.e.
 *   `validUpTo` is the length.
 */

export interface ScannedCommand {
  readonly start: number;
  readonly end: number;
  /** The command name, upper case (e.g. 'SET', 'MULTI'); '#' for an annotation. */
  readonly name: string;
  /** Whether the command is queued inside a MULTI (MULTI itself is not, EXEC is). */
  readonly inMulti: boolean;
}

export interface AofCommandScan {
  readonly commands: readonly ScannedCommand[];
  readonly validUpTo: number;
  readonly clean: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

/** The line starting at `at` (without CRLF) and the offset after it, or null when incomplete or malformed. */
function line(bytes: Uint8Array, at: number): { text: string; next: number } | null {
  for (let index = at; index + 1 < bytes.length; index += 1) {
    if (bytes[index] === CR) {
      if (bytes[index + 1] !== LF) return null;
      return { text: Buffer.from(bytes.subarray(at, index)).toString('latin1'), next: index + 2 };
    }
  }
  return null;
}

function count(text: string, marker: string): number | null {
  if (!text.startsWith(marker) || !/^\d+$/.test(text.slice(1))) return null;
  return Number(text.slice(1));
}

/** The command starting at `at`: its end and name, or null when it is incomplete or malformed. */
function command(bytes: Uint8Array, at: number): { end: number; name: string } | null {
  if (bytes[at] === 0x23 /* '#' */) {
    const annotation = line(bytes, at);
    return annotation === null ? null : { end: annotation.next, name: '#' };
  }
  const header = line(bytes, at);
  const argc = header === null ? null : count(header.text, '*');
  if (header === null || argc === null || argc === 0) return null;
  let next = header.next;
  let name = '';
  for (let arg = 0; arg < argc; arg += 1) {
    const lengthLine = line(bytes, next);
    const length = lengthLine === null ? null : count(lengthLine.text, '$');
    if (lengthLine === null || length === null) return null;
    const end = lengthLine.next + length;
    if (end + 2 > bytes.length || bytes[end] !== CR || bytes[end + 1] !== LF) return null;
    if (arg === 0) name = Buffer.from(bytes.subarray(lengthLine.next, end)).toString('latin1').toUpperCase();
    next = end + 2;
  }
  return { end: next, name };
}

export function scanAofCommands(bytes: Uint8Array): AofCommandScan {
  const commands: ScannedCommand[] = [];
  let at = 0;
  let inMulti = false;
  let validUpTo = 0;
  while (at < bytes.length) {
    const found = command(bytes, at);
    if (found === null) break;
    if (found.name === 'MULTI') {
      commands.push({ start: at, end: found.end, name: found.name, inMulti: false });
      inMulti = true;
    } else {
      commands.push({ start: at, end: found.end, name: found.name, inMulti: inMulti && found.name !== 'EXEC' });
      if (found.name === 'EXEC') inMulti = false;
      if (!inMulti) validUpTo = found.end;
    }
    at = found.end;
  }
  return { commands, validUpTo, clean: at === bytes.length && !inMulti };
}
