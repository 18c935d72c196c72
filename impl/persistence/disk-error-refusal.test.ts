/**
 * Goal: stop-writes-on-bgsave-error as Redis 7.0 (facts §2.6, replies observed on
 * redis-server 7.0.15): after a failed BGSAVE with save points configured, writes, PING and an
 * EXEC with queued writes get Redis's exact MISCONF error (inside MULTI the transaction is
 * flagged; a refused EXEC is discarded with "EXECABORT ... because of: MISCONF ..."), reads and
 * BGSAVE/SAVE/CONFIG pass; the next successful BGSAVE or SAVE clears it, as do `save ""` and
 * turning the option off. A failed SAVE does not set the error state.
 * Method: a Store on a CrashFileSystem whose next write to a temp file fails with ENOSPC.
 */
import { describe, expect, it } from 'vitest';
import { misconfRdbError } from './disk-error-refusal.ts';
import { type Harness, openHarness } from './testing/store-harness.ts';

const misconf = `-${misconfRdbError}`;
const savePoints = { save: [{ seconds: 3600, changes: 1 }] };

function failNextTempWrite(h: Harness): void {
  h.fs.injectFault({ when: { matches: (request) => request.operation === 'write' && request.path.includes('/temp-') }, fault: { kind: 'error', code: 'ENOSPC' }, times: 'once' });
}

async function failedBgsave(h: Harness): Promise<void> {
  await h.run('set', 'k', 'v');
  failNextTempWrite(h);
  expect(await h.run('bgsave')).toBe('+Background saving started');
  await h.finish();
  expect(h.store.info().rdbLastBgsaveStatus).toBe('err');
}

describe('MISCONF after a failed BGSAVE', () => {
  it('matches Redis 7.0 byte for byte', () => {
    expect(misconfRdbError).toBe(
      "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
    );
  });

  it('refuses writes (even a DEL of a missing key) and PING, and lets reads through (save points set)', async () => {
    const h = await openHarness({ config: savePoints });
    await failedBgsave(h);
    expect(await h.run('set', 'a', '1')).toBe(misconf);
    expect(await h.run('del', 'nokey')).toBe(misconf);
    expect(await h.run('flushall')).toBe(misconf);
    expect(await h.run('ping')).toBe(misconf);
    expect(await h.run('get', 'k')).toBe('v');
    expect(await h.run('dbsize')).toBe(1);
    expect(await h.run('lastsave')).toBe(1_700_000_000);
    expect(h.store.dataset().get(0)?.has('a')).toBe(false);
  });

  it('flags a transaction when a write is refused while queueing, so EXEC aborts', async () => {
    const h = await openHarness({ config: savePoints });
    await failedBgsave(h);
    expect(await h.run('multi')).toBe('+OK');
    expect(await h.run('set', 'x', '1')).toBe(misconf);
    expect(await h.run('get', 'x')).toBe('+QUEUED');
    expect(await h.run('exec')).toBe('-EXECABORT Transaction discarded because of previous errors.');
  });

  it('discards a transaction whose writes were queued before the failure, at EXEC', async () => {
    const h = await openHarness({ config: savePoints });
    const client = h.store.session();
    await client.execute(['multi']);
    await client.execute(['set', 'q', '1']);
    await failedBgsave(h);
    expect(await client.execute(['exec'])).toEqual({ kind: 'error', message: `EXECABORT Transaction discarded because of: ${misconfRdbError}` });
    expect(client.inTransaction).toBe(false);
    expect(await client.execute(['exec'])).toEqual({ kind: 'error', message: 'ERR EXEC without MULTI' });
  });

  it('is cleared by the next successful BGSAVE', async () => {
    const h = await openHarness({ config: savePoints });
    await failedBgsave(h);
    expect(await h.run('bgsave')).toBe('+Background saving started');
    await h.finish();
    expect(await h.run('set', 'a', '1')).toBe('+OK');
  });

  it('is cleared by a successful SAVE, but a failed SAVE neither sets nor clears it', async () => {
    const h = await openHarness({ config: savePoints });
    failNextTempWrite(h);
    expect(await h.run('save')).toBe('-ERR');
    expect(h.store.info().rdbLastBgsaveStatus).toBe('ok');
    await failedBgsave(h);
    failNextTempWrite(h);
    expect(await h.run('save')).toBe('-ERR');
    expect(await h.run('set', 'a', '1')).toBe(misconf);
    expect(await h.run('save')).toBe('+OK');
    expect(await h.run('set', 'a', '1')).toBe('+OK');
  });

  it('does not apply without save points, or with stop-writes-on-bgsave-error no; CONFIG SET can lift it', async () => {
    const none = await openHarness();
    await failedBgsave(none);
    expect(await none.run('set', 'a', '1')).toBe('+OK');
    const off = await openHarness({ config: { ...savePoints, stopWritesOnBgsaveError: false } });
    await failedBgsave(off);
    expect(await off.run('ping')).toBe('+PONG');
    const lifted = await openHarness({ config: savePoints });
    await failedBgsave(lifted);
    expect(await lifted.run('config', 'set', 'stop-writes-on-bgsave-error', 'no')).toBe('+OK');
    expect(await lifted.run('set', 'a', '1')).toBe('+OK');
    expect(await lifted.run('config', 'set', 'stop-writes-on-bgsave-error', 'yes')).toBe('+OK');
    expect(await lifted.run('set', 'a', '1')).toBe(misconf);
    expect(await lifted.run('config', 'set', 'save', '')).toBe('+OK');
    expect(await lifted.run('set', 'a', '1')).toBe('+OK');
  });
});
