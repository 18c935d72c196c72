/**
 * loadAofFile: replays one file of the AOF into the keyspace, streaming (Redis 7.0
 * aof.c:loadSingleAppendOnlyFile; facts §5.3). The file is read in chunks through the
 * FileSystem port and pushed into the codecs; it is opened 'read' and never changed here.
 *
 * Invariants:
 * - A file of 0 bytes is 'empty' (not an error). A file whose first 5 bytes are "REDIS" starts
 *   with an RDB preamble: its keys are inserted as they are (expired ones too: an AOF base keeps
 *   them, as a replica does), then the bytes after the RDB are read as RESP commands; any other
 *   file is RESP commands from offset 0. Annotation lines (`#TS:...`) are skipped.
 * - Commands run through one fresh ClientSession over the keyspace's own command table (Redis's
 *   fake client: db 0, MULTI queues until EXEC, replies discarded, nothing propagated), with
 *   `keyspace.loading` set by the caller, so nothing expires during the replay. Each name is
 *   looked up once. A command name the table does not know is an AofLoadError
 *   'unknown-command' at the command's offset.
 * - The RESP stream may end cleanly ('complete') or inside a command or a MULTI ('truncated',
 *   with `validUpTo` = the end of the last command outside a MULTI): a MULTI still open at the
 *   end was only queued, so nothing of it was applied (rolled back).
 * - `commandsApplied` counts the commands replayed, MULTI and EXEC included; a MULTI still open
 *   at the end, and what it queued, are not counted, since none of it was applied.
 * - A format error (AofDecodeError) is an AofLoadError 'format'; any RDB error (RdbDecodeError:
 *   corrupt, truncated, unsupported, a duplicate key, a FUNCTION2 library) is 'rdb', whatever
 *   aof-load-truncated says, as in Redis. Other read failures reject with their FsError.
 * - On rejection the keyspace may hold part of the file: the caller discards it.
 */
import assert from 'node:assert/strict';
import { AofDecodeError } from '../encoding/aof-decode-error.ts';
import { AofDecoder, type AofItem } from '../encoding/aof-decoder.ts';
import { RdbDecodeError } from '../encoding/rdb-decode-error.ts';
import { RdbDecoder } from '../encoding/rdb-decoder.ts';
import type { RdbItem } from '../encoding/rdb-items.ts';
import { describeKey } from '../encoding/rdb-value-decoder.ts';
import type { FileHandle, FileSystem } from '../fs/file-system.ts';
import { aofLoadChunkBytes } from '../impl-limits.ts';
import { ClientSession, type Keyspace } from '../keyspace/index.ts';
import { AofLoadError } from './aof-load-error.ts';

export interface AofFileLoad {
  readonly fileSystem: FileSystem;
  readonly path: string;
  readonly keyspace: Keyspace;
  /** For commands that draw randomness (none of what Redis propagates does). */
  readonly random: () => number;
  /** Verify a non-zero CRC-64 of an RDB preamble (rdbchecksum). */
  readonly verifyChecksum: boolean;
}

export type AofFileLoadResult =
  | { readonly status: 'empty' }
  | {
      readonly status: 'complete' | 'truncated';
      readonly size: number;
      /** The end of the last command outside a MULTI (the size when complete). */
      readonly validUpTo: number;
      readonly openMulti: boolean;
      readonly rdbPreamble: boolean;
      readonly keysLoaded: number;
      readonly commandsApplied: number;
    };

const redisMagic = [0x52, 0x45, 0x44, 0x49, 0x53];

function startsWithRdbMagic(chunk: Uint8Array): boolean {
  return chunk.length >= redisMagic.length && redisMagic.every((byte, index) => chunk[index] === byte);
}

class FileReplay {
  readonly #load: AofFileLoad;
  readonly #session: ClientSession;
  #rdb: RdbDecoder | null = null;
  #resp: AofDecoder | null = null;
  keysLoaded = 0;
  commandsApplied = 0;
  /** commandsApplied as it was when the last MULTI opened a transaction. */
  #appliedBeforeMulti = 0;

  constructor(load: AofFileLoad, size: number, firstChunk: Uint8Array) {
    this.#load = load;
    this.#session = new ClientSession({ keyspace: load.keyspace, random: load.random }, { propagate: false });
    if (startsWithRdbMagic(firstChunk)) {
      this.#rdb = new RdbDecoder({ fileName: load.path, totalBytes: size, verifyChecksum: load.verifyChecksum, checkDuplicateKeys: false });
    } else {
      this.#resp = new AofDecoder({ fileName: load.path, startOffset: 0 });
    }
  }

  get rdbPreamble(): boolean {
    return this.#rdb !== null;
  }

  push(chunk: Uint8Array): void {
    if (this.#rdb === null) {
      this.#applyCommands(this.#decodeResp(chunk));
      return;
    }
    for (const item of this.#decodeRdb(chunk)) this.#applyRdbItem(item);
  }

  end(): { status: 'complete' | 'truncated'; validUpTo: number; openMulti: boolean } {
    if (this.#rdb !== null) {
      try {
        this.#rdb.end();
      } catch (error) {
        throw this.#rdbError(error);
      }
    }
    // A RESP file has its decoder from the start; a preamble's comes with its 'end' item, and end()
    // above succeeds only after that item.
    assert.ok(this.#resp !== null, 'the RESP decoder exists once the RDB preamble has ended');
    let end;
    try {
      end = this.#resp.end();
    } catch (error) {
      throw this.#respError(error);
    }
    // The session, not the decoder, knows whether a MULTI is still open (an EXEC it refuses for
    // its arity leaves the MULTI open although the decoder saw EXEC).
    if (this.#session.inTransaction) this.commandsApplied = this.#appliedBeforeMulti;
    return { status: end.status, validUpTo: end.validUpTo, openMulti: end.openMulti };
  }

  #decodeRdb(chunk: Uint8Array): RdbItem[] {
    try {
      return (this.#rdb as RdbDecoder).push(chunk);
    } catch (error) {
      throw this.#rdbError(error);
    }
  }

  #decodeResp(chunk: Uint8Array): AofItem[] {
    try {
      return (this.#resp as AofDecoder).push(chunk);
    } catch (error) {
      throw this.#respError(error);
    }
  }

  #applyRdbItem(item: RdbItem): void {
    switch (item.kind) {
      case 'key':
        if (!this.#load.keyspace.insertLoaded(item.db, item.key, item.value, item.expireAtMs)) {
          throw this.#rdbError(new RdbDecodeError('corrupt', this.#load.path, item.offset, `duplicate key ${describeKey(item.key)} in db ${item.db}`));
        }
        this.keysLoaded += 1;
        return;
      case 'function': {
        const offset = (this.#rdb as RdbDecoder).bytesConsumed;
        throw this.#rdbError(new RdbDecodeError('unsupported', this.#load.path, offset, 'FUNCTION2 library: durakv has no function engine (offset is where decoding stood)'));
      }
      case 'end':
        this.#resp = new AofDecoder({ fileName: this.#load.path, startOffset: item.rdbLength });
        return;
      case 'trailing':
        this.#applyCommands(this.#decodeResp(item.bytes));
        return;
      default:
        return;
    }
  }

  #applyCommands(items: readonly AofItem[]): void {
    for (const item of items) {
      if (item.kind !== 'command') continue;
      const name = item.argv[0] ?? '';
      const spec = this.#session.lookup(name);
      if (spec === undefined) {
        throw new AofLoadError('unknown-command', this.#load.path, item.offset, `Unknown command '${name}' reading the append only file`);
      }
      const wasInTransaction = this.#session.inTransaction;
      this.#session.executeLookedUp(item.argv, spec);
      if (!wasInTransaction && this.#session.inTransaction) this.#appliedBeforeMulti = this.commandsApplied;
      this.commandsApplied += 1;
    }
  }

  #rdbError(error: unknown): unknown {
    if (!(error instanceof RdbDecodeError)) return error;
    return new AofLoadError('rdb', this.#load.path, error.offset, `RDB preamble: ${error.kind}: ${error.reason}`, error);
  }

  #respError(error: unknown): unknown {
    if (!(error instanceof AofDecodeError)) return error;
    return new AofLoadError('format', this.#load.path, error.offset, `Bad file format reading the append only file: ${error.reason}`, error);
  }
}

export async function loadAofFile(load: AofFileLoad): Promise<AofFileLoadResult> {
  const handle: FileHandle = await load.fileSystem.open(load.path, 'read');
  let ahead: Promise<Uint8Array> | null = null;
  try {
    const size = await handle.size();
    if (size === 0) return { status: 'empty' };
    const readFrom = (at: number): Promise<Uint8Array> | null => (at < size ? handle.read(at, Math.min(aofLoadChunkBytes, size - at)) : null);
    const first = await (readFrom(0) as Promise<Uint8Array>);
    let offset = first.length;
    ahead = first.length === 0 ? null : readFrom(offset);
    const replay = new FileReplay(load, size, first);
    replay.push(first);
    while (ahead !== null) {
      const chunk: Uint8Array = await ahead;
      offset += chunk.length;
      // One read in flight while this chunk is replayed.
      ahead = chunk.length === 0 ? null : readFrom(offset);
      replay.push(chunk);
    }
    const end = replay.end();
    return { ...end, size, rdbPreamble: replay.rdbPreamble, keysLoaded: replay.keysLoaded, commandsApplied: replay.commandsApplied };
  } finally {
    await ahead?.catch(() => undefined);
    await handle.close();
  }
}
