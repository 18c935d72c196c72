/**
 * StoreSession: one client of a Store (Redis's client): its selected database and its MULTI
 * state, with every command going through the store's processing (MISCONF, SAVE, the blocking
 * of SAVE, FLUSHALL's save).
 *
 * Invariants:
 * - `execute(argv)` runs the command at once (in call order with every other session's) unless
 *   the store is blocked by a synchronous save; then it runs, in order, when the save ends.
 * - The returned promise resolves with the reply once the command's persistence work is done
 *   (SAVE's file written, FLUSHALL's save done); it rejects only when the store is closed or
 *   hit a fatal error (e.g. a simulated crash).
 */
import type { ClientSession, Reply } from '../keyspace/index.ts';
import type { ByteString } from '../values/redis-value.ts';

export interface CommandProcessor {
  process(client: ClientSession, argv: readonly ByteString[]): Promise<Reply>;
}

export class StoreSession {
  readonly #processor: CommandProcessor;
  readonly #client: ClientSession;

  constructor(processor: CommandProcessor, client: ClientSession) {
    this.#processor = processor;
    this.#client = client;
  }

  /** The database SELECT chose (0 at first). */
  get db(): number {
    return this.#client.db;
  }

  get inTransaction(): boolean {
    return this.#client.inTransaction;
  }

  execute(argv: readonly ByteString[]): Promise<Reply> {
    return this.#processor.process(this.#client, argv);
  }
}
