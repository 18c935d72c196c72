/**
 * What an RDB file holds beyond the dataset, said once for both inspect outputs: bytes after the
 * RDB's end, FUNCTION2 libraries, and empty keys the decoder skipped (as Redis does).
 *
 * Invariant: every such fact about the file appears as a warning, so `--json` (which shows only
 * the dataset) never hides it silently.
 */
import type { RdbFileContents } from './read-rdb-file.ts';

export function rdbLengthNote(contents: RdbFileContents): string | undefined {
  return contents.trailingBytes > 0 ? `the RDB ends at byte ${contents.rdbLength}` : undefined;
}

export function rdbFileWarnings(contents: RdbFileContents): string[] {
  const warnings: string[] = [];
  if (contents.trailingBytes > 0) warnings.push(`${contents.trailingBytes} bytes follow the RDB's end at byte ${contents.rdbLength} (not part of the RDB; Redis's loader ignores them)`);
  if (contents.functionLibraries > 0) warnings.push(`the file holds ${contents.functionLibraries} function librar${contents.functionLibraries === 1 ? 'y' : 'ies'} (FUNCTION2), not shown`);
  if (contents.skippedEmptyKeys > 0) warnings.push(`${contents.skippedEmptyKeys} empty key${contents.skippedEmptyKeys === 1 ? ' was' : 's were'} skipped, as Redis skips them`);
  return warnings;
}
