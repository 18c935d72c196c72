/**
 * Test support: runs CLI commands in-process over a fresh temp directory on the real disk
 * (NodeFileSystem), with a fixed clock and pid, capturing stdout and stderr.
 *
 * Invariant: every harness removes its directory in `cleanup`, which tests call in afterEach.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem } from '../../fs/node-file-system.ts';
import type { CliContext } from '../cli-context.ts';

export const fixedNowMs = 1_800_000_000_000;
export const fixedPid = 4242;

export interface CliHarness {
  readonly root: string;
  readonly context: CliContext;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Clears captured output between commands. */
  readonly reset: () => void;
  readonly path: (name: string) => string;
  readonly put: (name: string, data: Uint8Array | string) => Promise<void>;
  readonly bytes: (name: string) => Promise<Buffer>;
  readonly names: () => Promise<string[]>;
  readonly cleanup: () => Promise<void>;
}

export async function cliHarness(): Promise<CliHarness> {
  const root = await mkdtemp(join(tmpdir(), 'durakv-cli-'));
  let out = '';
  let err = '';
  const context: CliContext = {
    fs: new NodeFileSystem(),
    cwd: root,
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    nowMs: () => fixedNowMs,
    pid: fixedPid,
  };
  return {
    root,
    context,
    stdout: () => out,
    stderr: () => err,
    reset: () => {
      out = '';
      err = '';
    },
    path: (name) => join(root, name),
    put: (name, data) => writeFile(join(root, name), typeof data === 'string' ? data : Buffer.from(data)),
    bytes: (name) => readFile(join(root, name)),
    names: async () => (await readdir(root)).sort(),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
