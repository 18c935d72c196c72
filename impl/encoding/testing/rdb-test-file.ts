/**
 * Test support: hand-made RDB files. The body is written with RdbRecordWriter; this adds the
 * header, the EOF opcode and a trailer (computed CRC, zero CRC, or none for versions < 5).
 *
 * Invariant: with checksum 'computed' the file passes the CRC check, so a test that fails on it
 * fails for the reason it names, not for a checksum.
 */
import { crc64 } from '../crc64.ts';
import { RdbRecordWriter } from './legacy-blob-builder.ts';
import { decodeRdb } from '../rdb-dataset.ts';
import { RdbDecodeError } from '../rdb-decode-error.ts';

export interface TestFileOptions {
  readonly version?: number;
  readonly checksum?: 'computed' | 'zero';
}

export function rdbFile(body: (writer: RdbRecordWriter) => void, options: TestFileOptions = {}): Buffer {
  const version = options.version ?? 10;
  const writer = new RdbRecordWriter().header(version);
  body(writer);
  writer.byte(0xff);
  const bytes = Buffer.from(writer.take());
  if (version < 5) return bytes;
  const trailer = Buffer.alloc(8);
  if (options.checksum !== 'zero') trailer.writeBigUInt64LE(crc64(bytes));
  return Buffer.concat([bytes, trailer]);
}

/** The RdbDecodeError decodeRdb throws for `bytes` (fails the test if none is thrown). */
export function decodeError(bytes: Uint8Array, fileName = 'bad.rdb'): RdbDecodeError {
  try {
    decodeRdb(bytes, fileName);
  } catch (error) {
    if (error instanceof RdbDecodeError) return error;
    throw error;
  }
  throw new Error('expected an RdbDecodeError, but the file loaded');
}
