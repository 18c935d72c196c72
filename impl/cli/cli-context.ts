/**
 * What a durakv subcommand gets from the process that runs it: the FileSystem port, the working
 * directory, two text outputs, a wall clock and a pid. scripts/durakv-cli.ts builds the real one;
 * tests build one over a temp directory and capture the outputs.
 *
 * Invariants:
 * - Commands reach files only through `fs`, time only through `nowMs`, and print only through
 *   `stdout`/`stderr`: nothing below this layer reads the process or the clock.
 * - Exit codes: 0 success; 1 the input could not be read or is invalid (corrupt or truncated
 *   RDB, invalid dataset JSON, an I/O error); 2 a usage error (bad arguments).
 */
import type { FileSystem } from '../fs/file-system.ts';

export interface TextOutput {
  write(text: string): unknown;
}

export interface CliContext {
  readonly fs: FileSystem;
  /** Absolute; relative path arguments resolve against it. */
  readonly cwd: string;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** Wall-clock Unix milliseconds: the RDB's ctime, and the TTLs inspect shows. */
  readonly nowMs: () => number;
  /** Names the temp file a write goes through (temp-<pid>.rdb, as Redis). */
  readonly pid: number;
}

export const exitCode = { ok: 0, failed: 1, usage: 2 } as const;
export type ExitCode = (typeof exitCode)[keyof typeof exitCode];
