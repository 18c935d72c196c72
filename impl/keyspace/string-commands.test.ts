/**
 * Goal: SET/GET/GETDEL/APPEND/MSET reply, fail and propagate exactly as redis-server 7.0.15.
 * Method: commands through a ClientSession on a manual clock; expected replies, errors and AOF
 * lines were observed on a live 7.0.15 server (appendonly yes) with the same commands.
 */
import { describe, expect, it } from 'vitest';
import { createHarness, startMs } from './testing/session-harness.ts';

describe('SET options', () => {
  it('stores and replaces a value, dropping any old expiry', () => {
    const h = createHarness();
    expect(h.run('SET', 'k', 'v', 'EX', '100')).toBe('+OK');
    expect(h.run('set', 'k', 'w')).toBe('+OK');
    expect(h.run('get', 'k')).toBe('w');
    expect(h.run('ttl', 'k')).toBe(-1);
  });

  it.each([
    [['nx', 'xx'], '-ERR syntax error'],
    [['ex', '10', 'px', '10'], '-ERR syntax error'],
    [['keepttl', 'ex', '10'], '-ERR syntax error'],
    [['ex'], '-ERR syntax error'],
    [['badopt'], '-ERR syntax error'],
    [['ex', '0'], "-ERR invalid expire time in 'set' command"],
    [['ex', '-5'], "-ERR invalid expire time in 'set' command"],
    [['exat', '0'], "-ERR invalid expire time in 'set' command"],
    [['ex', '9223372036854775807'], "-ERR invalid expire time in 'set' command"],
    [['ex', '9223372036854775'], "-ERR invalid expire time in 'set' command"],
    [['px', '9223372036854775807'], "-ERR invalid expire time in 'set' command"],
    [['px', 'abc'], '-ERR value is not an integer or out of range'],
  ])('SET k v %j fails with %s and stores nothing', (options, error) => {
    const h = createHarness();
    expect(h.call('set', 'k', 'v', ...options)).toEqual({ reply: { kind: 'error', message: error.slice(1) }, effects: [] });
    expect(h.run('exists', 'k')).toBe(0);
  });

  it('allows a repeated expiry option, the last one winning (EX 10 EX 20)', () => {
    const h = createHarness();
    expect(h.run('set', 'k', 'v', 'ex', '10', 'ex', '20')).toBe('+OK');
    expect(h.run('ttl', 'k')).toBe(20);
  });

  it('NX sets only a missing key and XX only an existing one, replying nil otherwise', () => {
    const h = createHarness();
    expect(h.run('set', 'k', 'v', 'XX')).toBeNull();
    expect(h.run('set', 'k', 'v', 'NX')).toBe('+OK');
    expect(h.run('set', 'k', 'w', 'NX')).toBeNull();
    expect(h.run('set', 'k', 'w', 'XX')).toBe('+OK');
    expect(h.run('get', 'k')).toBe('w');
  });

  it('GET replies the old value (nil when missing), also when NX stops the write', () => {
    const h = createHarness();
    expect(h.run('set', 'k', 'v', 'GET')).toBeNull();
    expect(h.run('set', 'k', 'v2', 'GET')).toBe('v');
    expect(h.run('set', 'k', 'v3', 'nx', 'get')).toBe('v2');
    expect(h.run('get', 'k')).toBe('v2');
  });

  it('GET on a non-string key is WRONGTYPE and changes nothing', () => {
    const h = createHarness();
    h.run('rpush', 'l', 'a');
    expect(h.run('set', 'l', 'v', 'get')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(h.run('type', 'l')).toBe('+list');
  });

  it('KEEPTTL keeps the deadline; EX/PX/EXAT/PXAT set absolute deadlines', () => {
    const h = createHarness();
    h.run('set', 'k', 'v', 'px', '100000');
    h.run('set', 'k', 'w', 'keepttl');
    expect(h.run('pttl', 'k')).toBe(100000);
    h.run('set', 'k', 'v', 'exat', String(startMs / 1000 + 7));
    expect(h.run('pttl', 'k')).toBe(7000);
    h.run('set', 'k', 'v', 'pxat', String(startMs + 1234));
    expect(h.run('pttl', 'k')).toBe(1234);
  });

  it('PXAT in the past stores a key that is already gone on the next access', () => {
    const h = createHarness();
    expect(h.effectsOf('set', 'k', 'v', 'pxat', '1')).toEqual(['0: SET k v PXAT 1']);
    expect(h.effectsOf('get', 'k')).toEqual(['0: DEL k']);
  });
});

describe('SET propagation', () => {
  it('rewrites any expiry option to SET k v PXAT <absolute ms>, dropping NX/XX/GET', () => {
    const h = createHarness();
    expect(h.effectsOf('set', 'k', 'v', 'ex', '100')).toEqual([`0: SET k v PXAT ${startMs + 100_000}`]);
    expect(h.effectsOf('set', 'k', 'v', 'px', '5', 'xx', 'get')).toEqual([`0: SET k v PXAT ${startMs + 5}`]);
    expect(h.effectsOf('set', 'k2', 'v', 'EXAT', '2000000000', 'NX')).toEqual(['0: SET k2 v PXAT 2000000000000']);
  });

  it('propagates SET ... GET without the GET tokens, keeping the client spelling of the rest', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.effectsOf('set', 'k', 'v4', 'keepttl', 'xx', 'GET', 'get')).toEqual(['0: set k v4 keepttl xx']);
  });

  it('propagates nothing when NX/XX stop the write', () => {
    const h = createHarness();
    expect(h.effectsOf('set', 'k', 'v', 'xx')).toEqual([]);
  });
});

describe('GET, GETDEL, APPEND, MSET', () => {
  it('GET replies nil for a missing key and WRONGTYPE for a list', () => {
    const h = createHarness();
    expect(h.run('get', 'nokey')).toBeNull();
    h.run('lpush', 'l', 'a');
    expect(h.run('get', 'l')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('GETDEL replies the value, deletes the key and propagates DEL k', () => {
    const h = createHarness();
    h.run('set', 'k', 'v');
    expect(h.call('getdel', 'k')).toEqual({ reply: { kind: 'bulk', value: 'v' }, effects: [{ db: 0, argv: ['DEL', 'k'] }] });
    expect(h.call('getdel', 'k')).toEqual({ reply: { kind: 'bulk', value: null }, effects: [] });
  });

  it('APPEND creates the key (even with ""), keeps the expiry and replies the new length', () => {
    const h = createHarness();
    expect(h.run('append', 'k', '')).toBe(0);
    expect(h.run('exists', 'k')).toBe(1);
    h.run('pexpire', 'k', '5000');
    expect(h.run('append', 'k', 'abc')).toBe(3);
    expect(h.run('append', 'k', 'de')).toBe(5);
    expect(h.run('get', 'k')).toBe('abcde');
    expect(h.run('pttl', 'k')).toBe(5000);
    expect(h.effectsOf('append', 'k', 'x')).toEqual(['0: append k x']);
  });

  it('MSET needs key/value pairs, sets all of them and clears their expiries', () => {
    const h = createHarness();
    expect(h.run('mset', 'a')).toBe("-ERR wrong number of arguments for 'mset' command");
    expect(h.run('mset', 'a', '1', 'b')).toBe("-ERR wrong number of arguments for 'mset' command");
    h.run('set', 'a', '0', 'ex', '100');
    expect(h.call('mset', 'a', '1', 'b', '2').effects).toEqual([{ db: 0, argv: ['mset', 'a', '1', 'b', '2'] }]);
    expect(h.run('get', 'a')).toBe('1');
    expect(h.run('ttl', 'a')).toBe(-1);
  });

  it('counts dirty as Redis does: SET +1, failed NX +0, MSET +1 per pair, APPEND +1, GETDEL +1', () => {
    const h = createHarness();
    expect(h.dirtyOf('set', 'k', 'v')).toBe(1);
    expect(h.dirtyOf('set', 'k', 'v', 'nx')).toBe(0);
    expect(h.dirtyOf('mset', 'a', '1', 'b', '2', 'a', '3')).toBe(3);
    expect(h.dirtyOf('append', 'k', '')).toBe(1);
    expect(h.dirtyOf('get', 'k')).toBe(0);
    expect(h.dirtyOf('getdel', 'k')).toBe(1);
    expect(h.dirtyOf('getdel', 'k')).toBe(0);
  });
});
