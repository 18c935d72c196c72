/**
 * Test support: a keyspace on a manual clock with a scripted random source, a client session
 * over it, and compact renderings of replies and effects for assertions.
 *
 * Invariants:
 * - Time moves only through `clock.advance`/`clock.set`; randomness comes from a fixed cycle of
 *   values, so every test run is identical.
 * - `show` renders a reply as: simple '+X', error '-X', bulk → its string or null, integer →
 *   number (bigint when unsafe), array → array or null. `lines` renders effects as "db: argv...".
 */
import assert from 'node:assert/strict';
import type { ByteString } from '../../values/redis-value.ts';
import { ClientSession, type CommandResult } from '../client-session.ts';
import type { CommandEnvironment } from '../command-context.ts';
import type { Effect } from '../effects.ts';
import { Keyspace } from '../keyspace.ts';
import type { Reply } from '../reply.ts';

export const startMs = 1_700_000_000_000;

export class ManualClock {
  constructor(public nowMs: number = startMs) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    assert.ok(ms >= 0);
    this.nowMs += ms;
  }
}

export type Shown = string | number | bigint | null | Shown[];

export function show(reply: Reply): Shown {
  switch (reply.kind) {
    case 'simple':
      return `+${reply.value}`;
    case 'error':
      return `-${reply.message}`;
    case 'integer':
      return typeof reply.value === 'bigint' && Number.isSafeInteger(Number(reply.value)) ? Number(reply.value) : reply.value;
    case 'bulk':
      return reply.value;
    case 'array':
      return reply.items === null ? null : reply.items.map(show);
    default: {
      const never: never = reply;
      return assert.fail(`unknown reply ${JSON.stringify(never)}`);
    }
  }
}

export function lines(effects: readonly Effect[]): string[] {
  return effects.map((effect) => `${effect.db}: ${effect.argv.join(' ')}`);
}

export interface Harness {
  readonly clock: ManualClock;
  readonly keyspace: Keyspace;
  readonly environment: CommandEnvironment;
  readonly session: ClientSession;
  /** Executes and renders the reply. */
  run(...argv: ByteString[]): Shown;
  /** Executes and returns the full result. */
  call(...argv: ByteString[]): CommandResult;
  /** Executes and renders the effects. */
  effectsOf(...argv: ByteString[]): string[];
  /** Executes and returns how much dirty grew. */
  dirtyOf(...argv: ByteString[]): number;
}

export function createHarness(randomValues: readonly number[] = [0.5]): Harness {
  const clock = new ManualClock();
  const keyspace = new Keyspace({ now: clock.now });
  let draws = 0;
  const random = (): number => randomValues[draws++ % randomValues.length] ?? 0;
  const environment: CommandEnvironment = { keyspace, random };
  const session = new ClientSession(environment);
  const call = (...argv: ByteString[]) => session.execute(argv);
  return {
    clock,
    keyspace,
    environment,
    session,
    call,
    run: (...argv) => show(call(...argv).reply),
    effectsOf: (...argv) => lines(call(...argv).effects),
    dirtyOf: (...argv) => {
      const before = keyspace.dirty;
      call(...argv);
      return keyspace.dirty - before;
    },
  };
}
