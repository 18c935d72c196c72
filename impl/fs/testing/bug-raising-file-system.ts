/**
 * Test support: an intercepting FileSystem (intercepting-file-system.ts) whose armed call
 * rejects with an error that is not an FsError: the stand-in for a bug (in an adapter, or in
 * durakv itself) surfacing through a file-system call, as opposed to an I/O failure. Durable code
 * handles FsErrors and must let everything else through, so a test can check that such an error
 * stops the store instead of being taken for a failed write, close or unlink.
 *
 * Invariants:
 * - At most one call is armed: the first `operation` on `path` (for a rename, its source path)
 *   after `skip` matching calls rejects with the armed error without reaching the inner file
 *   system, then the arming is spent. Every other call is forwarded unchanged.
 * - `spent` tells whether the armed call happened, so a test can check that its scenario
 *   reached the call it meant to break.
 */
import assert from 'node:assert/strict';
import type { FileSystem } from '../file-system.ts';
import { type InterceptedOperation, InterceptingFileSystem } from './intercepting-file-system.ts';

export type RaisingOperation = InterceptedOperation;

interface Armed {
  readonly operation: RaisingOperation;
  readonly path: string;
  readonly error: Error;
  skip: number;
}

export class BugRaisingFileSystem<Inner extends FileSystem = FileSystem> extends InterceptingFileSystem<Inner> {
  #armed: Armed | null = null;
  #spent = false;

  /** Arms the first `operation` on `path` after `skip` matching calls to reject with `error`. */
  raiseOn(operation: RaisingOperation, path: string, error: Error, skip = 0): void {
    assert.equal(this.#armed, null, 'one armed call at a time');
    assert.ok(Number.isSafeInteger(skip) && skip >= 0);
    this.#armed = { operation, path, error, skip };
    this.#spent = false;
  }

  /** True once the armed call has rejected. */
  get spent(): boolean {
    return this.#spent;
  }

  /** Rejects with the armed error if this call is the armed one. */
  async intercept(operation: InterceptedOperation, path: string): Promise<void> {
    const armed = this.#armed;
    if (armed === null || armed.operation !== operation || armed.path !== path) return;
    if (armed.skip > 0) {
      armed.skip -= 1;
      return;
    }
    this.#armed = null;
    this.#spent = true;
    throw armed.error;
  }
}
