/**
 * The numbered operation log of a CrashFileSystem: one entry per port call, in call order.
 *
 * Invariants:
 * - Sequence numbers start at 1 for each FileSystem instance (each process life) and increase by
 *   one per call, whether the call succeeds, fails or is stopped by a simulated crash. "Crash
 *   before operation N" and "fault at operation N" use these numbers.
 * - Every port call is numbered, reads included. `effect` says what a call can do to the disk:
 *   'none' (read, stat, open without create, close…), 'change' (write, append, truncate, create,
 *   rename, unlink, mkdir) or 'persist' (fsync, fdatasync, fsyncDirectory). A crash-point sweep
 *   that only wants state-changing points filters on `effect !== 'none'`.
 * - An entry's outcome moves once from 'running' to 'ok', 'failed' (with `errorCode`, null only
 *   when the failure was not an FsError, e.g. a broken assertion) or 'crashed' (the operation did
 *   not happen).
 */
import assert from 'node:assert/strict';
import type { FsOperationName } from './file-system.ts';
import type { FsErrorCode } from './fs-error.ts';

export type FsOperationEffect = 'none' | 'change' | 'persist';
export type FsOperationOutcome = 'running' | 'ok' | 'failed' | 'crashed';

export interface FsOperationEntry {
  readonly sequence: number;
  readonly operation: FsOperationName;
  readonly path: string;
  /** Offsets, lengths and a bytes summary, e.g. `[120,154) 34 B "*2\r\n$3\r\nSET…"`. */
  readonly detail: string;
  readonly effect: FsOperationEffect;
  readonly outcome: FsOperationOutcome;
  readonly errorCode: FsErrorCode | null;
  /** The injected fault that hit this call, described, or null. */
  readonly fault: string | null;
}

type MutableEntry = { -readonly [K in keyof FsOperationEntry]: FsOperationEntry[K] };

/** The handle a running operation uses to complete its entry. */
export interface RunningOperation {
  readonly sequence: number;
  addDetail(text: string): void;
  noteFault(text: string): void;
  finish(outcome: Exclude<FsOperationOutcome, 'running'>, errorCode: FsErrorCode | null): void;
}

export class FsOperationLog {
  readonly #entries: MutableEntry[] = [];

  get entries(): readonly FsOperationEntry[] {
    return this.#entries;
  }

  /** The number the next call will get. */
  get nextSequence(): number {
    return this.#entries.length + 1;
  }

  begin(operation: FsOperationName, path: string, detail: string, effect: FsOperationEffect): RunningOperation {
    const entry: MutableEntry = {
      sequence: this.nextSequence,
      operation,
      path,
      detail,
      effect,
      outcome: 'running',
      errorCode: null,
      fault: null,
    };
    this.#entries.push(entry);
    return {
      sequence: entry.sequence,
      addDetail: (text) => {
        entry.detail = entry.detail === '' ? text : `${entry.detail} ${text}`;
      },
      noteFault: (text) => {
        entry.fault = text;
      },
      finish: (outcome, errorCode) => {
        assert.equal(entry.outcome, 'running', `operation #${entry.sequence} finishes once`);
        if (outcome !== 'failed') assert.equal(errorCode, null, 'only a failure has an error code');
        entry.outcome = outcome;
        entry.errorCode = errorCode;
      },
    };
  }

  /** The whole log, one line per entry (see `formatOperation`). */
  format(): string {
    return this.#entries.map(formatOperation).join('\n');
  }
}

/** `#5 append /d/aof [120,154) 34 B "…" → ok` (plus the fault, if one was injected). */
export function formatOperation(entry: FsOperationEntry): string {
  const detail = entry.detail === '' ? '' : ` ${entry.detail}`;
  const result = entry.outcome === 'failed' ? `failed ${entry.errorCode ?? '?'}` : entry.outcome;
  const fault = entry.fault === null ? '' : ` [fault: ${entry.fault}]`;
  return `#${entry.sequence} ${entry.operation} ${entry.path}${detail} → ${result}${fault}`;
}

const summaryBytesMax = 16;

/** `34 B "*2\r\n$3\r\nSET\r\n$1…"`: the length and the first bytes, escaped as JSON would. */
export function summarizeBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, summaryBytesMax);
  let text = '';
  for (const byte of head) text += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : escapeByte(byte);
  return `${bytes.length} B "${text.replaceAll('"', '\\"')}${bytes.length > summaryBytesMax ? '…' : ''}"`;
}

function escapeByte(byte: number): string {
  if (byte === 0x0a) return '\\n';
  if (byte === 0x0d) return '\\r';
  if (byte === 0x09) return '\\t';
  return `\\x${byte.toString(16).padStart(2, '0')}`;
}
