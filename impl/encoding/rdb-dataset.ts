/**
 * Whole-dataset helpers over the streaming encoder and decoder, for tests and small files.
 *
 * Invariants:
 * - encodeRdb is deterministic: databases ascending, empty ones omitted, keys in memcmp order,
 *   collection contents in the order the encoder defines (Map/Set iteration, sorted intsets and
 *   zsets). The chunks concatenate to one valid RDB file.
 * - decodeRdb(concat(encodeRdb(d))) has the same databases as d (contents, not Map order).
 * - decodeRdb throws RdbDecodeError for anything the streaming decoder rejects, and for a file
 *   that ends early.
 */
import { compareBytes, type ByteString, type DatabaseContents } from '../values/redis-value.ts';
import { RdbDecoder, type RdbDecoderOptions } from './rdb-decoder.ts';
import { RdbEncoder, type RdbEncoderOptions } from './rdb-encoder.ts';
import type { ChecksumStatus, RdbItem } from './rdb-items.ts';

export interface EncodeRdbOptions extends RdbEncoderOptions {
  /** FUNCTION2 library sources, written before the databases. */
  readonly functionLibraries?: readonly ByteString[];
}

export function encodeRdb(databases: Map<number, DatabaseContents>, options: EncodeRdbOptions): Uint8Array[] {
  const encoder = new RdbEncoder(options);
  const chunks = [encoder.header()];
  for (const source of options.functionLibraries ?? []) chunks.push(encoder.functionLibrary(source));
  for (const db of [...databases.keys()].sort((left, right) => left - right)) {
    const contents = databases.get(db);
    if (contents === undefined || contents.size === 0) continue;
    const keys = [...contents.keys()].sort(compareBytes);
    let expires = 0;
    for (const entry of contents.values()) if (entry.expireAtMs !== null) expires += 1;
    chunks.push(encoder.selectDb(db, keys.length, expires));
    for (const key of keys) {
      const entry = contents.get(key);
      if (entry !== undefined) chunks.push(encoder.entry(key, entry.value, entry.expireAtMs));
    }
  }
  chunks.push(encoder.end());
  return chunks;
}

export interface DecodedRdb {
  readonly version: number;
  readonly databases: Map<number, DatabaseContents>;
  readonly aux: Map<ByteString, ByteString>;
  readonly functionLibraries: ByteString[];
  readonly skippedEmpty: number;
  readonly checksum: ChecksumStatus;
  readonly rdbLength: number;
  readonly trailingBytes: number;
}

/** Gathers a decoder's items into whole databases, AUX fields and function libraries. */
export class RdbDatasetCollector {
  readonly databases = new Map<number, DatabaseContents>();
  readonly aux = new Map<ByteString, ByteString>();
  readonly functionLibraries: ByteString[] = [];
  version = 0;

  add(items: Iterable<RdbItem>): void {
    for (const item of items) {
      if (item.kind === 'header') this.version = item.version;
      else if (item.kind === 'aux') this.aux.set(item.key, item.value);
      else if (item.kind === 'function') this.functionLibraries.push(item.source);
      else if (item.kind === 'key') {
        let contents = this.databases.get(item.db);
        if (contents === undefined) this.databases.set(item.db, (contents = new Map()));
        contents.set(item.key, { value: item.value, expireAtMs: item.expireAtMs });
      }
    }
  }
}

export function decodeRdb(bytes: Uint8Array, fileName: string, options: Omit<RdbDecoderOptions, 'fileName'> = {}): DecodedRdb {
  const decoder = new RdbDecoder({ totalBytes: bytes.length, ...options, fileName });
  const collected = new RdbDatasetCollector();
  collected.add(decoder.push(bytes));
  const { databases, aux, functionLibraries } = collected;
  const summary = decoder.end();
  return {
    version: summary.version,
    databases,
    aux,
    functionLibraries,
    skippedEmpty: summary.skippedEmptyKeys,
    checksum: summary.checksum,
    rdbLength: summary.rdbLength,
    trailingBytes: summary.trailingBytes,
  };
}
