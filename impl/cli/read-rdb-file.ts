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
 *   file": the place where reading an AOF directory will plug in.
 */
import assert from 'node:assert/strict';
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
    throw new CliInputError(path.shown, 'not an RDB file: it is a directory (reading an AOF directory is not supported yet)');
  }
  const handle = await fs.open(path.absolute, 'read');
  try {
    const fileBytes = await handle.size();
    const decoder = new RdbDecoder({ fileName: path.shown, totalBytes: fileBytes });
    const databases = new Map<number, DatabaseContents>();
    const aux = new Map<ByteString, ByteString>();
    let version = 0;
    let functionLibraries = 0;
    for (let offset = 0; ; ) {
      const chunk = await handle.read(offset, chunkBytes);
      if (chunk.length === 0) break;
      if (offset === 0 && chunk[0] === respArrayByte) {
        throw new CliInputError(path.shown, "not an RDB file: it starts with '*' like an AOF (reading AOF files is not supported yet)");
      }
      offset += chunk.length;
      for (const item of decoder.push(chunk)) {
        if (item.kind === 'header') version = item.version;
        else if (item.kind === 'aux') aux.set(item.key, item.value);
        else if (item.kind === 'function') functionLibraries += 1;
        else if (item.kind === 'key') {
          let contents = databases.get(item.db);
          if (contents === undefined) databases.set(item.db, (contents = new Map()));
          contents.set(item.key, { value: item.value, expireAtMs: item.expireAtMs });
        }
      }
    }
    const summary = decoder.end();
    return {
      fileBytes,
      version,
      databases,
      aux,
      functionLibraries,
      skippedEmptyKeys: summary.skippedEmptyKeys,
      checksum: summary.checksum,
      rdbLength: summary.rdbLength,
      trailingBytes: summary.trailingBytes,
    };
  } finally {
    await handle.close();
  }
}
