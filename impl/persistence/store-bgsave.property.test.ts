/**
 * Goal: through the Store, every finished BGSAVE leaves a dump equal to the dataset at the
 * instant it started (BGSAVE command, or cron starting a BGSAVE scheduled inside EXEC), SAVE a
 * dump equal to the dataset at the SAVE, and FLUSHALL cancels a running BGSAVE as Redis does
 * (with save points it then writes the empty dataset; without, the dump stays as it was), whatever
 * runs between slices: writes, deletes, lazy and active expiry, FLUSHDB, transactions, clock
 * advances.
 * Method: fast-check runs of steps over two sessions against a Store on a CrashFileSystem with a
 * ManualScheduler; a small model tracks which dump must be on disk (updated on SAVE replies,
 * BGSAVE starts and completions, FLUSHALL, including inside EXEC) and the dump is decoded and
 * compared at every BGSAVE completion and at the end. Seeds are printed (DURAKV_SEED replays).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import type { Reply } from '../keyspace/index.ts';
import type { StoreSession } from './store-session.ts';
import { writeCommand } from './testing/command-arbitrary.ts';
import { type Harness, canonical, dumpDataset, openHarness, settle } from './testing/store-harness.ts';

type Step =
  | { readonly kind: 'command'; readonly client: 0 | 1; readonly argv: readonly string[] }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'cron' }
  | { readonly kind: 'slice' };

const storeCommand = fc.oneof({ weight: 12, arbitrary: writeCommand }, { weight: 2, arbitrary: fc.constant(['bgsave']) }, { weight: 1, arbitrary: fc.constant(['save']) });

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(fc.constantFrom<0 | 1>(0, 1), storeCommand).map(([client, argv]): Step => ({ kind: 'command', client, argv })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 60 }).map((ms): Step => ({ kind: 'advance', ms })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'cron' }) },
  { weight: 7, arbitrary: fc.constant<Step>({ kind: 'slice' }) },
);

const empty = canonical(new Map());

class DumpModel {
  /** What the dump must hold (canonical), or null for no dump. */
  expected: string | null = null;
  pending: string | null = null;
  cancelled = false;
  readonly queues = new Map<StoreSession, string[][]>();

  constructor(
    readonly h: Harness,
    readonly savePoints: boolean,
  ) {}

  started(): void {
    expect(this.pending).toBeNull();
    this.pending = canonical(this.h.store.dataset());
    this.cancelled = false;
  }

  flushAll(): void {
    if (this.pending !== null) this.cancelled = true;
    if (this.savePoints) this.expected = empty;
  }

  /** Applies a finished BGSAVE (if any) and checks the dump it left. */
  async noteSettled(): Promise<void> {
    await settle();
    if (this.pending === null || this.h.store.info().rdbBgsaveInProgress) return;
    if (!this.cancelled) {
      this.expected = this.pending;
      expect(canonical(await dumpDataset(this.h.fs)), 'the dump of the finished BGSAVE').toBe(this.expected);
    }
    this.pending = null;
    this.cancelled = false;
  }

  async command(session: StoreSession, argv: readonly string[]): Promise<void> {
    const name = argv[0] ?? '';
    const wasInTransaction = session.inTransaction;
    const reply: Reply = await session.execute(argv);
    if (wasInTransaction) {
      if (name === 'exec' && reply.kind === 'array') for (const queued of this.queues.get(session) ?? []) this.#ran(queued, { kind: 'simple', value: 'OK' });
      if (name === 'exec' || name === 'discard') this.queues.delete(session);
      else if (reply.kind === 'simple' && reply.value === 'QUEUED') this.queues.get(session)?.push([...argv]);
      return;
    }
    if (name === 'multi') this.queues.set(session, []);
    this.#ran(argv, reply);
  }

  #ran(argv: readonly string[], reply: Reply): void {
    const name = argv[0] ?? '';
    if (name === 'flushall') this.flushAll();
    if (name === 'save' && reply.kind === 'simple') this.expected = canonical(this.h.store.dataset());
    if (name === 'bgsave' && reply.kind === 'simple' && reply.value === 'Background saving started') this.started();
  }
}

describe('Store BGSAVE / SAVE / FLUSHALL (property)', () => {
  it('leaves the dump of the instant each save started, FLUSHALL cancelling a running BGSAVE', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }), fc.boolean(), fc.integer({ min: 1, max: 3 }), async (steps, savePoints, sliceKeys) => {
        const h = await openHarness({ config: { save: savePoints ? [{ seconds: 100_000, changes: 1 }] : [], snapshotSliceKeys: sliceKeys } });
        const sessions = [h.store.session(), h.store.session()];
        const model = new DumpModel(h, savePoints);
        for (const current of steps) {
          await model.noteSettled();
          if (current.kind === 'command') {
            const session = sessions[current.client];
            if (session !== undefined) await model.command(session, current.argv);
          } else if (current.kind === 'advance') h.clock.advance(current.ms);
          else if (current.kind === 'cron') {
            if ((await h.store.cron()).bgsaveStarted !== null) model.started();
          } else await h.step();
        }
        await h.finish();
        await model.noteSettled();
        expect(model.pending).toBeNull();
        expect(canonical(await dumpDataset(h.fs))).toBe(model.expected);
        expect(h.store.info().rdbLastBgsaveStatus).toBe('ok');
        expect((await h.fs.readdir('/data')).filter((name) => name.startsWith('temp-'))).toEqual([]);
      }),
      propertyParameters('store bgsave/save/flushall dumps', 300),
    );
  });
});
