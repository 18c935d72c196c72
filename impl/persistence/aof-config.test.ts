/**
 * Goal: CONFIG GET/SET of the AOF parameters and INFO persistence's AOF fields answer as
 * redis-server 7.0.15 did when tried by hand: values and defaults (memory sizes as bytes),
 * memory units (k = 1000, kb = 1024, ...), the enum and bounds errors, appendfilename and
 * appenddirname immutable, aof-timestamp-enabled accepted; INFO has the AOF fields in Redis's
 * order and the size block only while the AOF is enabled.
 * Method: commands through Stores on a CrashFileSystem; the pure memory parser directly.
 */
import { describe, expect, it } from 'vitest';
import { parseMemory } from './config-parameters.ts';
import { aofConfig } from './testing/aof-harness.ts';
import { openHarness } from './testing/store-harness.ts';

const failed = (name: string, reason: string): string => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`;

describe('CONFIG GET / SET of the AOF parameters', () => {
  it('reads the Redis 7.0 defaults (auto-aof-rewrite-min-size as bytes, as 7.0.15 prints it)', async () => {
    const h = await openHarness();
    expect(await h.run('config', 'get', 'append*')).toEqual(['appendonly', 'no', 'appendfsync', 'everysec', 'appendfilename', 'appendonly.aof', 'appenddirname', 'appendonlydir']);
    expect(await h.run('config', 'get', 'aof-*')).toEqual(['aof-load-truncated', 'yes', 'aof-use-rdb-preamble', 'yes', 'aof-timestamp-enabled', 'no']);
    expect(await h.run('config', 'get', 'auto-aof-*')).toEqual(['auto-aof-rewrite-percentage', '100', 'auto-aof-rewrite-min-size', '67108864']);
  });

  it('sets appendfsync, the yes/no ones, the percentage and the min size with units', async () => {
    const h = await openHarness();
    expect(await h.run('config', 'set', 'appendfsync', 'ALWAYS', 'aof-load-truncated', 'no', 'aof-use-rdb-preamble', 'no', 'aof-timestamp-enabled', 'yes')).toBe('+OK');
    expect(await h.run('config', 'set', 'auto-aof-rewrite-percentage', '0', 'auto-aof-rewrite-min-size', '1kb')).toBe('+OK');
    expect(h.store.config).toMatchObject({ appendfsync: 'always', aofLoadTruncated: false, aofUseRdbPreamble: false, aofTimestampEnabled: true, autoAofRewritePercentage: 0, autoAofRewriteMinSize: 1024 });
    expect(await h.run('config', 'get', 'auto-aof-rewrite-min-size')).toEqual(['auto-aof-rewrite-min-size', '1024']);
  });

  it.each([
    [['config', 'set', 'appendfsync', 'sometimes'], failed('appendfsync', 'argument(s) must be one of the following: everysec, always, no')],
    [['config', 'set', 'auto-aof-rewrite-percentage', '01'], failed('auto-aof-rewrite-percentage', "argument couldn't be parsed into an integer")],
    [['config', 'set', 'auto-aof-rewrite-percentage', '-1'], failed('auto-aof-rewrite-percentage', 'argument must be between 0 and 2147483647 inclusive')],
    [['config', 'set', 'auto-aof-rewrite-min-size', '12xb'], failed('auto-aof-rewrite-min-size', 'argument must be a memory value')],
    [['config', 'set', 'auto-aof-rewrite-min-size', '-5'], failed('auto-aof-rewrite-min-size', 'argument must be a memory value')],
    [['config', 'set', 'appendonly', 'maybe'], failed('appendonly', "argument must be 'yes' or 'no'")],
    [['config', 'set', 'appendfilename', 'x.aof'], failed('appendfilename', "can't set immutable config")],
    [['config', 'set', 'appenddirname', 'd'], failed('appenddirname', "can't set immutable config")],
  ])('%j → %s', async (argv, reply) => {
    const h = await openHarness();
    expect(await h.run(...argv)).toBe(reply);
    expect(h.store.config).toMatchObject({ appendonly: false, appendfsync: 'everysec', autoAofRewritePercentage: 100, autoAofRewriteMinSize: 64 * 1024 * 1024 });
  });

  it.each([
    ['0', 0n],
    ['100', 100n],
    ['1k', 1000n],
    ['1KB', 1024n],
    ['2m', 2_000_000n],
    ['2mb', 2n * 1024n * 1024n],
    ['1g', 1_000_000_000n],
    ['1gb', 1024n ** 3n],
    ['5b', 5n],
    ['', 0n],
    ['+5', undefined],
    [' 5', undefined],
    ['5 kb', undefined],
  ])('memtoull(%j) = %s', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });
});

describe('INFO persistence, AOF fields', () => {
  it('AOF off: the flags only; AOF on: the size block after them, in Redis 7.0.15 order', async () => {
    const off = await openHarness();
    expect(String(await off.run('info', 'persistence'))).not.toContain('aof_current_size');
    const h = await openHarness({ config: aofConfig('everysec') });
    await h.run('set', 'a', '1');
    const text = String(await h.run('info', 'persistence'));
    const names = text.split('\r\n').filter((line) => line.startsWith('aof_')).map((line) => line.slice(0, line.indexOf(':')));
    expect(names).toEqual([
      'aof_enabled',
      'aof_rewrite_in_progress',
      'aof_rewrite_scheduled',
      'aof_last_rewrite_time_sec',
      'aof_current_rewrite_time_sec',
      'aof_last_bgrewrite_status',
      'aof_rewrites',
      'aof_rewrites_consecutive_failures',
      'aof_last_write_status',
      'aof_last_cow_size',
      'aof_current_size',
      'aof_base_size',
      'aof_pending_rewrite',
      'aof_buffer_length',
      'aof_pending_bio_fsync',
      'aof_delayed_fsync',
    ]);
    expect(text).toContain('\r\naof_enabled:1\r\n');
    expect(text).toContain('\r\naof_current_size:50\r\n');
  });
});
