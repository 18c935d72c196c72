/**
 * Faults a CrashFileSystem injects into single operations, chosen by operation number or by a
 * predicate over the call (SQLite test_vfs style: transient 'once' or persistent 'always').
 *
 * Fault model (what each fault does; checked by crash-file-system tests):
 * - error ENOSPC/EIO: the call has no effect and rejects with that code. On fsync/fdatasync an
 *   error is a writeback failure, handled exactly like 'fsync-failure' below with that code.
 * - short-write: write/append only. The first `bytesWritten` bytes (0 < n < length) reach the
 *   page cache as a normal unsynced write; the call then REJECTS with the given code and
 *   `FsError.bytesWritten = n` (it never resolves with a short count). Redis-style recovery
 *   is to truncate back to the size before the write.
 * - fsync-failure (fsync/fdatasync; fsyncgate): rejects with EIO; every write to that file not
 *   yet durable is lost for power loss, for good: a later successful fsync does not persist it,
 *   while reads still return the page-cache bytes. On fsyncDirectory it rejects with EIO and
 *   persists nothing (pending directory operations stay pending).
 * - A rule fires on a call only if the call gets that far (argument and path errors come first).
 */
import assert from 'node:assert/strict';
import type { FsOperationName } from './file-system.ts';

export interface FsOperationRequest {
  readonly sequence: number;
  readonly operation: FsOperationName;
  readonly path: string;
}

export type FaultTrigger = { readonly operation: number } | { readonly matches: (request: FsOperationRequest) => boolean };

export type InjectedFault =
  | { readonly kind: 'error'; readonly code: 'ENOSPC' | 'EIO' }
  | { readonly kind: 'short-write'; readonly bytesWritten: number; readonly code: 'ENOSPC' | 'EIO' }
  | { readonly kind: 'fsync-failure' };

export interface FaultRule {
  readonly when: FaultTrigger;
  readonly fault: InjectedFault;
  readonly times: 'once' | 'always';
}

export function triggerMatches(trigger: FaultTrigger, request: FsOperationRequest): boolean {
  return 'operation' in trigger ? trigger.operation === request.sequence : trigger.matches(request);
}

export function describeFault(fault: InjectedFault): string {
  switch (fault.kind) {
    case 'error':
      return fault.code;
    case 'short-write':
      return `short write of ${fault.bytesWritten} B then ${fault.code}`;
    case 'fsync-failure':
      return 'fsync failure (EIO, unsynced pages lost)';
  }
}

const faultableOperations: Record<InjectedFault['kind'], readonly FsOperationName[] | 'any'> = {
  error: 'any',
  'short-write': ['write', 'append'],
  'fsync-failure': ['fsync', 'fdatasync', 'fsyncDirectory'],
};

/** The rules armed on one CrashFileSystem; `take` consumes a 'once' rule when it fires. */
export class FaultPlan {
  readonly #rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    if (rule.fault.kind === 'short-write') assert.ok(Number.isSafeInteger(rule.fault.bytesWritten) && rule.fault.bytesWritten >= 0, 'a byte count');
    this.#rules.push(rule);
  }

  /** The first rule matching the request, if any; asserts the fault fits the operation. */
  take(request: FsOperationRequest): InjectedFault | null {
    const index = this.#rules.findIndex((rule) => triggerMatches(rule.when, request));
    const rule = this.#rules[index];
    if (rule === undefined) return null;
    if (rule.times === 'once') this.#rules.splice(index, 1);
    const allowed = faultableOperations[rule.fault.kind];
    assert.ok(allowed === 'any' || allowed.includes(request.operation), `a ${rule.fault.kind} fault cannot hit ${request.operation} (#${request.sequence})`);
    return rule.fault;
  }
}
