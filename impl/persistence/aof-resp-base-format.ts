/**
 * The SnapshotFormat of an AOF base without RDB preamble (aof-use-rdb-preamble no; Redis 7.0
 * aof.c:rewriteAppendOnlyFileRio, facts §4.9): per database with keys, `SELECT <db>`, then per
 * key the commands the codec's rewriteCommandsFor gives (SET / RPUSH / SADD / ZADD / HMSET, at
 * most 64 items each, then PEXPIREAT when the key expires).
 *
 * Invariants:
 * - The bytes are a RESP AOF that, replayed into an empty keyspace, rebuilds the snapshot.
 * - With aof-timestamp-enabled the file starts with a `#TS:<unix seconds>` annotation, as
 *   Redis's RESP rewrite does; an empty dataset is then that line alone, else 0 bytes.
 * - Each database receives exactly the entries its selectDb announced (asserted, as the RDB
 *   encoder does), whichever way they arrive.
 */
import assert from 'node:assert/strict';
import { AofBufferWriter } from '../encoding/aof-command-encoder.ts';
import { rewriteCommandsFor } from '../encoding/aof-rewrite-commands.ts';
import type { ByteString, RedisValue } from '../values/redis-value.ts';
import type { EncodedSnapshotEntry, SnapshotFormat } from './snapshot-format.ts';

class RespBaseFormat implements SnapshotFormat {
  readonly #timestampSeconds: number | null;
  /** Commands appended since the last chunk was taken, then raw pre-encoded entries after them. */
  readonly #writer = new AofBufferWriter();
  readonly #chunks: Uint8Array[] = [];
  #announced = 0;
  #received = 0;

  constructor(timestampSeconds: number | null) {
    this.#timestampSeconds = timestampSeconds;
  }

  header(): Uint8Array {
    if (this.#timestampSeconds !== null) this.#writer.appendTimestampAnnotation(this.#timestampSeconds);
    return this.flush();
  }

  selectDb(db: number, keyCount: number): Uint8Array {
    this.#closeDb();
    assert.ok(keyCount > 0, 'only databases with keys are written');
    this.#announced = keyCount;
    this.#received = 0;
    this.#writer.appendSelect(db);
    return this.flush();
  }

  appendEntry(key: ByteString, value: RedisValue, expireAtMs: number | null): void {
    this.#count();
    for (const argv of rewriteCommandsFor(key, { value, expireAtMs })) this.#writer.append(argv);
  }

  encodeEntry(key: ByteString, value: RedisValue, expireAtMs: number | null): EncodedSnapshotEntry {
    const writer = new AofBufferWriter(256);
    for (const argv of rewriteCommandsFor(key, { value, expireAtMs })) writer.append(argv);
    return { bytes: writer.take(), hasExpire: expireAtMs !== null };
  }

  appendEncodedEntry(entry: EncodedSnapshotEntry): void {
    this.#count();
    this.#chunks.push(this.#writer.take(), entry.bytes);
  }

  flush(): Uint8Array {
    this.#chunks.push(this.#writer.take());
    const chunks = this.#chunks.splice(0).filter((chunk) => chunk.length > 0);
    if (chunks.length === 1) return chunks[0] as Uint8Array;
    return chunks.length === 0 ? new Uint8Array(0) : Buffer.concat(chunks);
  }

  end(): Uint8Array {
    this.#closeDb();
    return this.flush();
  }

  #count(): void {
    assert.ok(this.#received < this.#announced, 'no more entries than selectDb announced');
    this.#received += 1;
  }

  #closeDb(): void {
    assert.equal(this.#received, this.#announced, 'a database receives the entries its selectDb announced');
  }
}

/** The format of a RESP base; `timestampSeconds` starts it with a `#TS:` line (null: none). */
export function respBaseFormat(timestampSeconds: number | null): SnapshotFormat {
  return new RespBaseFormat(timestampSeconds);
}
