/**
 * Goal: the MULTI/EXEC wrapping rule of propagatePendingCommands: no effects stay none, one is
 * bare, two or more are wrapped with MULTI in the first effect's db and EXEC in the last's.
 * Method: direct calls on hand-built effects, plus the same rule seen through a real command
 * (SET on a key found expired: the expiry's DEL and the SET go out together).
 */
import { describe, expect, it } from 'vitest';
import { effect, wrapInTransaction } from './effects.ts';
import { createHarness } from './testing/session-harness.ts';

describe('wrapInTransaction', () => {
  it('leaves zero or one effect as they are', () => {
    expect(wrapInTransaction([])).toEqual([]);
    expect(wrapInTransaction([effect(3, ['SET', 'k', 'v'])])).toEqual([{ db: 3, argv: ['SET', 'k', 'v'] }]);
  });

  it('wraps two or more, MULTI taking the first db and EXEC the last', () => {
    const wrapped = wrapInTransaction([effect(1, ['DEL', 'a']), effect(4, ['SET', 'b', '1'])]);
    expect(wrapped).toEqual([
      { db: 1, argv: ['MULTI'] },
      { db: 1, argv: ['DEL', 'a'] },
      { db: 4, argv: ['SET', 'b', '1'] },
      { db: 4, argv: ['EXEC'] },
    ]);
  });

  it('refuses effects without a command or outside the 16 dbs', () => {
    expect(() => effect(0, [])).toThrow();
    expect(() => effect(16, ['PING'])).toThrow();
  });

  it('is what a session returns for one call that propagates twice (expiry DEL + SET)', () => {
    const h = createHarness();
    h.run('select', '5');
    h.run('set', 'k', 'v', 'px', '10');
    h.clock.advance(11);
    expect(h.call('set', 'k', 'w').effects).toEqual([
      { db: 5, argv: ['MULTI'] },
      { db: 5, argv: ['DEL', 'k'] },
      { db: 5, argv: ['set', 'k', 'w'] },
      { db: 5, argv: ['EXEC'] },
    ]);
  });
});
