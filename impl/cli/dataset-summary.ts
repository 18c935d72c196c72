/**
 * The human summary `durakv inspect` prints: a header line about the file (RDB or AOF), then per database a
 * table of key, type, size and TTL, keys in byte order.
 *
 * Invariants:
 * - Pure: the clock is the `nowMs` argument; the same contents and time give the same text.
 * - Keys are shown in their dataset-JSON key form (text, or "base64:..." for bytes that are not
 *   UTF-8 or start with "base64:"), JSON-quoted, so every key is printable and unambiguous.
 * - Size: bytes for a string, items for a list, fields for a hash, members for a set or zset.
 *   TTL: '-' for none, else the time left and the absolute expiry, or "expired" when the expiry
 *   has passed (Redis drops such keys when it loads the file as a primary).
 */
import { byteKeyText } from '../dataset-json/byte-string-json.ts';
import { rdbLengthNote } from './rdb-file-notes.ts';
import type { RdbFileContents } from './read-rdb-file.ts';
import { compareBytes, type DatabaseContents, type KeyEntry, type RedisValue } from '../values/redis-value.ts';

const maxKeyColumn = 48;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function sizeText(value: RedisValue): string {
  switch (value.type) {
    case 'string':
      return plural(value.value.length, 'byte', 'bytes');
    case 'list':
      return plural(value.items.length, 'item', 'items');
    case 'hash':
      return plural(value.fields.size, 'field', 'fields');
    case 'set':
      return plural(value.members.size, 'member', 'members');
    case 'zset':
      return plural(value.scores.size, 'member', 'members');
  }
}

/** Date's range is ±8.64e15 ms; an RDB expiry may lie beyond it. */
function instantText(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

/** A positive duration as `1d 2h 3m 4.567s`, leading zero units left out: `59.900s`, `1h 0m 0.000s`. */
export function durationText(ms: number): string {
  const units = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ] as const;
  const parts: string[] = [];
  let rest = ms;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${name}`);
  }
  parts.push(`${(rest / 1000).toFixed(3)}s`);
  return parts.join(' ');
}

export function ttlText(expireAtMs: number | null, nowMs: number): string {
  if (expireAtMs === null) return '-';
  if (expireAtMs <= nowMs) return `expired (at ${instantText(expireAtMs)})`;
  return `${durationText(expireAtMs - nowMs)} (at ${instantText(expireAtMs)})`;
}

/** The header line for an RDB file: version, size, checksum, redis-ver, ctime. */
export function rdbHeaderLine(shown: string, contents: RdbFileContents): string {
  const parts = [`RDB version ${contents.version}`, `${contents.fileBytes} bytes`, `checksum ${contents.checksum}`];
  const redisVersion = contents.aux.get('redis-ver');
  if (redisVersion !== undefined) parts.push(`redis-ver ${redisVersion}`);
  const ctime = contents.aux.get('ctime');
  if (ctime !== undefined && /^[0-9]{1,15}$/.test(ctime)) parts.push(`ctime ${instantText(Number(ctime) * 1000)}`);
  const note = rdbLengthNote(contents);
  if (note !== undefined) parts.push(note);
  return `${shown}: ${parts.join(', ')}`;
}

function widest(texts: Iterable<string>, atLeast: number): number {
  let width = atLeast;
  for (const text of texts) if (text.length > width) width = text.length;
  return width;
}

/** The summary in pieces (the header line, then one per database, then the total), for streaming. */
export function* datasetSummaryChunks(header: string, databases: ReadonlyMap<number, DatabaseContents>, nowMs: number): Generator<string> {
  yield `${header}\n`;
  const dbs = [...databases].filter(([, keys]) => keys.size > 0).sort(([left], [right]) => left - right);
  let total = 0;
  for (const [db, keys] of dbs) {
    const sorted = [...keys.keys()].sort(compareBytes);
    let withTtl = 0;
    for (const entry of keys.values()) if (entry.expireAtMs !== null) withTtl += 1;
    total += sorted.length;
    const rows = sorted.map((key) => {
      const entry = keys.get(key) as KeyEntry;
      return [JSON.stringify(byteKeyText(key)), entry.value.type, sizeText(entry.value), ttlText(entry.expireAtMs, nowMs)] as const;
    });
    const header = ['KEY', 'TYPE', 'SIZE', 'TTL'] as const;
    const keyWidth = Math.min(maxKeyColumn, widest(rows.map((row) => row[0]), header[0].length));
    const sizeWidth = widest(rows.map((row) => row[2]), header[2].length);
    const lines = [`\ndb ${db}: ${plural(sorted.length, 'key', 'keys')}, ${withTtl} with a TTL`];
    for (const [key, type, size, ttl] of [header, ...rows]) lines.push(`  ${key.padEnd(keyWidth)}  ${type.padEnd(6)}  ${size.padEnd(sizeWidth)}  ${ttl}`);
    yield `${lines.join('\n')}\n`;
  }
  yield `\n${total === 0 ? 'no keys' : `${plural(total, 'key', 'keys')} in ${plural(dbs.length, 'database', 'databases')}`}\n`;
}

export function renderDatasetSummary(shown: string, contents: RdbFileContents, nowMs: number): string {
  return [...datasetSummaryChunks(rdbHeaderLine(shown, contents), contents.databases, nowMs)].join('');
}
