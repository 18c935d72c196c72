/**
 * The 9-byte RDB header: "REDIS" + 4 ASCII digits of version (R70 rdbLoadRioWithLoadingCtx).
 *
 * Invariants:
 * - A wrong signature or non-digit version is corrupt; a version outside 1..10 is unsupported
 *   (7.0 says "Can't handle RDB format version"); anything else returns the version.
 * - Redis parses the digits with atoi; we require exactly four digits, which every writer emits.
 */
import type { ByteReader } from './byte-reader.ts';
import { rdbHeaderLength, rdbMagic, rdbVersionMax, rdbVersionMin } from './rdb-format.ts';
import type { StreamContext } from './rdb-stream-context.ts';

export function readRdbHeader(reader: ByteReader, context: StreamContext): number {
  const start = reader.position;
  const header = Buffer.from(reader.take(rdbHeaderLength)).toString('latin1');
  if (!header.startsWith(rdbMagic)) throw context.error('corrupt', start, `wrong signature ${JSON.stringify(header.slice(0, 5))}, expected "REDIS"`);
  const digits = header.slice(rdbMagic.length);
  if (!/^[0-9]{4}$/.test(digits)) throw context.error('corrupt', start + rdbMagic.length, `version ${JSON.stringify(digits)} is not 4 digits`);
  const version = Number(digits);
  if (version < rdbVersionMin || version > rdbVersionMax) {
    throw context.error('unsupported', start + rdbMagic.length, `can't handle RDB format version ${version} (supported ${rdbVersionMin}..${rdbVersionMax})`);
  }
  return version;
}
