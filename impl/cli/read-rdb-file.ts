/**
 * Reads an RDB file from the FileSystem port by streaming it through the push decoder, chunk by
 * chunk from one read-only handle, so a large file is never held as one buffer.
 *
 * Invariants:
 * - Read-only: the file is opened in 'read' mode, closed on every path, and never written.
 * - Memory: one chunk (`chunkBytes`, 1 MiB by default) plus the decoder's own bound (the unit it
 *   cannot finish yet) plus the decoded data, which the caller asked for.
 * - The decoder knows the file's size (totalBytes), so a length reaching past the end fails
 *   early as truncated; every decode failure is the decoder's RdbDecodeError, named with the
 *   path as the user gave it.
 * - A directory, or a file that starts like an AOF (RESP '*'), is a CliInputError "not an RDB
 *   file" (inspect-command.ts sends AOF directories and manifests to read-aof-directory.ts).
 */
import assert from 'node:assert/strict';
import { RdbDatasetCollector } from '../encoding/rdb-dataset.ts';
import { RdbDecoder } from '../encoding/rdb-decoder.ts';
import type { ChecksumStatus } from '../encoding/rdb-items.ts';
import type { FileSystem } from '../fs/file-system.ts';
import type { ByteString, DatabaseContents } from '../values/redis-value.ts';
import { CliInputError } from './cli-errors.ts';
import type { PathArgument } from './cli-paths.ts';

export const defaultChunkBytes = 1 << 20;

export interface RdbFileContents {
  readonly fileBytes: number;
  readonly version: number;
  readonly databases: Map<number, DatabaseContents>;
  readonly aux: Map<ByteString, ByteString>;
  readonly functionLibraries: number;
  readonly skippedEmptyKeys: number;
  readonly checksum: ChecksumStatus;
  /** Bytes of the RDB itself; fileBytes - rdbLength bytes follow its end. */
  readonly rdbLength: number;
  readonly trailingBytes: number;
}

const respArrayByte = 0x2a; // '*': how every AOF command starts

export async function readRdbFile(fs: FileSystem, path: PathArgument, chunkBytes = defaultChunkBytes): Promise<RdbFileContents> {
  assert.ok(Number.isSafeInteger(chunkBytes) && chunkBytes > 0, 'a positive chunk size');
  if ((await fs.stat(path.absolute)).isDirectory) {
    throw new CliInputError(path.shown, 'not an RDB file: it is a directory');
  }
  const handle = await fs.open(path.absolute, 'read');
  try {
    const fileBytes = await handle.size();
    const decoder = new RdbDecoder({ fileName: path.shown, totalBytes: fileBytes });
    const collected = new RdbDatasetCollector();
    for (let offset = 0; ; ) {
      const chunk = await handle.read(offset, chunkBytes);
      if (chunk.length === 0) break;
      if (offset === 0 && chunk[0] === respArrayByte) {
        throw new CliInputError(path.shown, "not an RDB file: it starts with '*' like an AOF (inspect reads a multi-part AOF through its appendonlydir or manifest)");
      }
      offset += chunk.length;
      collected.add(decoder.push(chunk));
    }
    const summary = decoder.end();
    return {
      fileBytes,
      version: collected.version,
      databases: collected.databases,
      aux: collected.aux,
      functionLibraries: collected.functionLibraries.length,
      skippedEmptyKeys: summary.skippedEmptyKeys,
      checksum: summary.checksum,
      rdbLength: summary.rdbLength,
      trailingBytes: summary.trailingBytes,
    };
  } finally {
    await handle.close();
  }
}
