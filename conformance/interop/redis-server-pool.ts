/**
 * The redis-servers one test file starts: each run through `withServer` is stopped by PID when
 * its body ends, whatever happens, and `stopAll` (called in afterAll) stops any left running.
 *
 * Invariant: a server is in the pool from the moment it answered PING until it has exited.
 */
import { startRedisServer, type RedisServer } from './redis-server-process.ts';

export class RedisServerPool {
  readonly #running = new Set<RedisServer>();

  async withServer<T>(dir: string, extraArgs: readonly string[], body: (server: RedisServer) => Promise<T>): Promise<T> {
    const server = await startRedisServer({ dir, extraArgs });
    this.#running.add(server);
    try {
      return await body(server);
    } finally {
      await server.stop();
      this.#running.delete(server);
    }
  }

  async stopAll(): Promise<void> {
    for (const server of this.#running) await server.stop();
    this.#running.clear();
  }
}
