/**
 * Test support: an intercepting FileSystem (intercepting-file-system.ts) whose next matching
 * call (a rename, named by its source, or a handle's fdatasync) waits at a gate until the test
 * opens it, so a test can run commands while the store's I/O is held at one exact point (a
 * BGSAVE between its last write and its rename, an AOF rewrite committing its manifest).
 *
 * Invariants:
 * - At most one gate is armed; it holds the first matching call only, then disarms.
 * - `reached` resolves when that call starts waiting; the call then reaches the inner file
 *   system, unchanged, once `release` is called. Every other call is forwarded at once.
 */
import type { FileSystem } from '../file-system.ts';
import { type InterceptedOperation, InterceptingFileSystem } from './intercepting-file-system.ts';

export type GatedOperation = 'rename' | 'fdatasync';

export interface Gate {
  /** Resolves once the held call is waiting at the gate. */
  readonly reached: Promise<void>;
  /** Lets the held call through to the inner file system. */
  readonly release: () => void;
}

interface ArmedGate {
  readonly operation: GatedOperation;
  readonly path: string;
  readonly reach: () => void;
  readonly opened: Promise<void>;
}

export class GatedFileSystem<Inner extends FileSystem = FileSystem> extends InterceptingFileSystem<Inner> {
  #gate: ArmedGate | null = null;

  /** Holds the next `operation` on `path` (for a rename, its source path). */
  holdNext(operation: GatedOperation, path: string): Gate {
    let reach = (): void => undefined;
    let release = (): void => undefined;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const opened = new Promise<void>((resolve) => (release = resolve));
    this.#gate = { operation, path, reach, opened };
    return { reached, release };
  }

  /** Waits at the gate if it is armed for this call. */
  async intercept(operation: InterceptedOperation, path: string): Promise<void> {
    const gate = this.#gate;
    if (gate === null || gate.operation !== operation || gate.path !== path) return;
    this.#gate = null;
    gate.reach();
    await gate.opened;
  }
}
