/**
 * Goal: CONFIG GET/SET of the persistence parameters answer as redis-server 7.0.15 did when
 * tried by hand: values, echoed names, glob patterns, protected dbfilename, the immutable ones,
 * all-or-nothing multi-parameter SET, and the exact error texts (unknown option, duplicate,
 * invalid save parameters, yes/no, arity, syntax, unknown subcommand, inside MULTI).
 * Method: the pure functions for the glob matcher, then commands through a Store.
 */
import { describe, expect, it } from 'vitest';
import { globMatches } from './config-parameters.ts';
import { openHarness } from './testing/store-harness.ts';

describe('glob (stringmatchlen, nocase)', () => {
  it.each([
    ['*', 'save', true],
    ['s?ve', 'SAVE', true],
    ['stop-*', 'stop-writes-on-bgsave-error', true],
    ['db*', 'dbfilename', true],
    ['db*', 'dir', false],
    ['[a-d]ir', 'dir', true],
    ['[^a-d]ir', 'dir', false],
    ['rdb[cx]*', 'rdbchecksum', true],
    ['sa\\*', 'sa*', true],
    ['sa\\*', 'save', false],
  ])('%j matches %j: %s', (pattern, text, expected) => {
    expect(globMatches(pattern, text)).toBe(expected);
  });
});

describe('CONFIG GET / SET', () => {
  it('reads values, echoes exact names as given, and expands patterns in parameter order', async () => {
    const h = await openHarness({ config: { save: [{ seconds: 900, changes: 1 }] } });
    expect(await h.run('config', 'get', 'SAVE')).toEqual(['SAVE', '900 1']);
    expect(await h.run('config', 'get', 'stop-*')).toEqual(['stop-writes-on-bgsave-error', 'yes']);
    expect(await h.run('config', 'get', 'db*')).toEqual(['dbfilename', 'dump.rdb']);
    expect(await h.run('config', 'get', 'save', 'dbfilename', 'save')).toEqual(['save', '900 1', 'dbfilename', 'dump.rdb']);
    expect(await h.run('config', 'get', 'dir', 'rdbchecksum', 'nosuch')).toEqual(['dir', '/data', 'rdbchecksum', 'yes']);
  });

  it('sets save and the yes/no parameters, case-insensitively, several at once', async () => {
    const h = await openHarness();
    expect(await h.run('config', 'set', 'SAVE', '10 1', 'stop-writes-on-bgsave-error', 'NO', 'rdbcompression', 'no')).toBe('+OK');
    expect(h.store.config).toMatchObject({ save: [{ seconds: 10, changes: 1 }], stopWritesOnBgsaveError: false, rdbcompression: false });
    expect(await h.run('config', 'set', 'save', '')).toBe('+OK');
    expect(await h.run('config', 'get', 'save')).toEqual(['save', '']);
  });

  it.each([
    [['config', 'set', 'save', '100'], "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    [['config', 'set', 'save', ' 7   1 '], "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
    [['config', 'set', 'stop-writes-on-bgsave-error', 'maybe'], "-ERR CONFIG SET failed (possibly related to argument 'stop-writes-on-bgsave-error') - argument must be 'yes' or 'no'"],
    [['config', 'set', 'dbfilename', 'a/b.rdb'], "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"],
    [['config', 'set', 'rdbchecksum', 'no'], "-ERR CONFIG SET failed (possibly related to argument 'rdbchecksum') - can't set immutable config"],
    [['config', 'set', 'foo', 'bar'], "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'"],
    [['config', 'set', 'save', '1 1', 'save', '2 2'], "-ERR CONFIG SET failed (possibly related to argument 'save') - duplicate parameter"],
    [['config', 'set', 'save', '1 1', 'dbfilename'], '-ERR syntax error'],
    [['config', 'set', 'save'], "-ERR wrong number of arguments for 'config|set' command"],
    [['config', 'get'], "-ERR wrong number of arguments for 'config|get' command"],
    [['config', 'foo'], "-ERR unknown subcommand 'foo'. Try CONFIG HELP."],
    [['config'], "-ERR wrong number of arguments for 'config' command"],
  ])('%j → %s', async (argv, reply) => {
    const h = await openHarness();
    expect(await h.run(...argv)).toBe(reply);
    expect(h.store.config.save).toEqual([]);
  });

  it('changes nothing when one of several parameters fails (all or nothing)', async () => {
    const h = await openHarness();
    expect(await h.run('config', 'set', 'save', '10 1', 'stop-writes-on-bgsave-error', 'maybe')).toMatch(/argument must be 'yes' or 'no'/);
    expect(h.store.config).toMatchObject({ save: [], stopWritesOnBgsaveError: true });
  });

  it('lets dbfilename change with enable-protected-configs, and the next SAVE uses it; a path is refused', async () => {
    const h = await openHarness({ config: { enableProtectedConfigs: true } });
    expect(await h.run('config', 'set', 'dbfilename', 'a/b.rdb')).toBe("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename");
    expect(await h.run('config', 'set', 'dbfilename', 'other.rdb')).toBe('+OK');
    await h.run('set', 'k', 'v');
    await h.run('save');
    expect(await h.fs.readdir('/data')).toEqual(['other.rdb']);
  });

  it('inside MULTI: an unknown subcommand flags the transaction at once; a valid CONFIG SET runs at EXEC', async () => {
    const h = await openHarness();
    await h.run('multi');
    expect(await h.run('config', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try CONFIG HELP.");
    expect(await h.run('exec')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    await h.run('multi');
    expect(await h.run('config', 'set', 'save', '5 5')).toBe('+QUEUED');
    expect(h.store.config.save).toEqual([]);
    expect(await h.run('exec')).toEqual(['+OK']);
    expect(h.store.config.save).toEqual([{ seconds: 5, changes: 5 }]);
  });
});
