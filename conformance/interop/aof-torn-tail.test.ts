/**
 * Goal: on a torn AOF, durakv's start-up load (aof-load-truncated yes) cuts the last file at the
 * same offset as `redis-check-aof --fix`, at every tear point of the tail: inside a command's
 * header, inside a bulk, on a command boundary (nothing to cut), and inside a MULTI/EXEC block
 * (both cut before the MULTI).
 * Method: durakv writes an appendonlydir (appendfsync always) whose incr ends with plain
 * commands and a transaction; for each tear offset in the last commands, two copies of the
 * directory get the incr truncated there; `redis-check-aof --fix <manifest>` runs on one,
 * durakv's load on the other, and the two files' sizes must be equal. Without the tools the
 * suite is skipped with a warning, unless CI is set.
 */
import { cp, mkdir, mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aofDirOf, manifestPathOf } from './aof-directory-files.ts';
import { loadWithDurakv, openDurakvAof, runOnDurakv } from './durakv-aof-store.ts';
import { interopGate } from './interop-gate.ts';
import { redisCheckAofFix } from './redis-check-aof.ts';

const gate = interopGate('the torn-AOF interop test (durakv vs redis-check-aof --fix)', ['redis-check-aof']);
const incrName = 'appendonly.aof.1.incr.aof';

describe('redis tools for the torn-AOF interop test', () => {
  it.skipIf(!gate.ci && !gate.run)('redis-check-aof is installed (required when CI is set)', () => {
    expect(gate.tools.available, gate.tools.detail).toBe(true);
  });
});

describe.skipIf(!gate.run)(`durakv cuts a torn AOF where redis-check-aof --fix does (${gate.tools.detail})`, () => {
  let root = '';
  let source = '';
  let tailStart = 0;
  let multiStart = 0;
  let fullSize = 0;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'durakv-aof-torn-'));
    source = join(root, 'source');
    await mkdir(source);
    const store = await openDurakvAof(source, { fixedNowMs: 1_800_000_000_000 });
    try {
      const session = store.session();
      await runOnDurakv(session, [['SET', 'a', 'first'], ['RPUSH', 'list', 'x', 'y']]);
      tailStart = (await stat(join(aofDirOf(source), incrName))).size;
      await runOnDurakv(session, [['SET', 'bulk', 'v'.repeat(40)], ['HSET', 'h', 'f', 'g']]);
      multiStart = (await stat(join(aofDirOf(source), incrName))).size;
      await runOnDurakv(session, [['MULTI'], ['SET', 'tx1', '1'], ['SET', 'tx2', '2'], ['EXEC']]);
    } finally {
      await store.close({ background: 'finish' });
    }
    fullSize = (await stat(join(aofDirOf(source), incrName))).size;
  });

  afterAll(async () => {
    if (root !== '') await rm(root, { recursive: true, force: true });
  });

  async function tornCopy(name: string, size: number): Promise<string> {
    const copy = join(root, name);
    await cp(source, copy, { recursive: true });
    await truncate(join(aofDirOf(copy), incrName), size);
    return copy;
  }

  it('at every tear offset of the last commands (plain commands, then a MULTI/EXEC block), both cut to the same size', async () => {
    expect(multiStart).toBeGreaterThan(tailStart);
    expect(fullSize).toBeGreaterThan(multiStart);
    const cuts = new Map<number, number>();
    for (let size = tailStart; size <= fullSize; size += 1) {
      const forRedis = await tornCopy(`redis-${size}`, size);
      const fix = redisCheckAofFix(manifestPathOf(forRedis));
      expect(fix.status, fix.output).toBe(0);
      const redisCut = (await stat(join(aofDirOf(forRedis), incrName))).size;
      const forDurakv = await tornCopy(`durakv-${size}`, size);
      await loadWithDurakv(forDurakv);
      const durakvCut = (await stat(join(aofDirOf(forDurakv), incrName))).size;
      expect(durakvCut, `torn at ${size} bytes: redis-check-aof --fix cut to ${redisCut}`).toBe(redisCut);
      cuts.set(size, durakvCut);
      await rm(forRedis, { recursive: true, force: true });
      await rm(forDurakv, { recursive: true, force: true });
    }
    // The sweep reached each kind of tear: a tear inside the transaction is cut before the MULTI,
    // the whole file is left whole, and a tear inside a plain command cuts after the one before.
    expect(cuts.get(fullSize - 1)).toBe(multiStart);
    expect(cuts.get(multiStart + 1)).toBe(multiStart);
    expect(cuts.get(fullSize)).toBe(fullSize);
    expect(cuts.get(tailStart + 1)).toBe(tailStart);
  });
});
