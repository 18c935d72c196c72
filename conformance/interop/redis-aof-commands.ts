/**
 * Driving a redis-server that keeps an AOF: running a workload's command list, reading INFO
 * persistence, and waiting for a BGREWRITEAOF to finish.
 *
 * Invariants:
 * - `runOnRedis` sends the commands in order on one connection and rejects on the first error
 *   reply (RespClient rejects that call).
 * - `waitForRewrite` polls INFO persistence until aof_rewrite_in_progress:0 and
 *   aof_rewrite_scheduled:0, then requires aof_last_bgrewrite_status:ok; it gives up with an
 *   error after `timeoutMs` (nothing waits forever). Polling is how Redis's own tests wait
 *   (waitForBgrewriteaof); no test asserts on how long it took.
 * - `appendonlyArgs` are the redis-server arguments of an AOF server: appendonly yes,
 *   appendfsync always (every acknowledged write is on disk, so a stop loses nothing),
 *   aof-use-rdb-preamble as asked, no automatic rewrite.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ByteString } from '../../impl/values/redis-value.ts';
import type { RespClient } from './resp-client.ts';

export function appendonlyArgs(rdbPreamble: boolean, more: readonly string[] = []): string[] {
  return ['--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', rdbPreamble ? 'yes' : 'no', '--auto-aof-rewrite-percentage', '0', ...more];
}

export async function runOnRedis(client: RespClient, commands: readonly (readonly ByteString[])[]): Promise<void> {
  for (const argv of commands) await client.call(...argv);
}

/** INFO <section> as name → value. */
export async function infoFields(client: RespClient, section = 'persistence'): Promise<Map<string, string>> {
  const text = await client.bulk('INFO', section);
  assert.ok(text !== null, 'INFO replies with text');
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export async function rewriteInProgress(client: RespClient): Promise<boolean> {
  const fields = await infoFields(client);
  return fields.get('aof_rewrite_in_progress') !== '0' || fields.get('aof_rewrite_scheduled') !== '0';
}

export async function waitForRewrite(client: RespClient, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await rewriteInProgress(client)) {
    if (Date.now() > deadline) throw new Error(`BGREWRITEAOF still running after ${timeoutMs} ms`);
    await sleep(10);
  }
  assert.equal((await infoFields(client)).get('aof_last_bgrewrite_status'), 'ok', 'the rewrite succeeded');
}
