/**
 * A CLI context for the interop tests: the real disk (NodeFileSystem) in `cwd`, the wall clock
 * (the data comes from a real redis-server) and the process's pid, with stdout and stderr captured.
 */
import type { CliContext } from '../../impl/cli/index.ts';
import { NodeFileSystem } from '../../impl/fs/node-file-system.ts';

export interface CapturedCli {
  readonly context: CliContext;
  readonly out: () => string;
  readonly err: () => string;
}

export function interopCliContext(cwd: string): CapturedCli {
  let out = '';
  let err = '';
  const context: CliContext = {
    fs: new NodeFileSystem(),
    cwd,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    nowMs: () => Date.now(),
    pid: process.pid,
  };
  return { context, out: () => out, err: () => err };
}
