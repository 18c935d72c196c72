/**
 * The named workloads of the crash-point sweep: one per persistence flow, each a fixed list of
 * steps with the configuration it needs, plus seeded random workloads. In the style of
 * CrashMonkey's workloads and SQLite's crash tests: small, so that every file-system operation
 * can be a crash point, and each reaching the flow it is named after (the sweep checks that the
 * flow's model states were visited: `reaches`).
 *
 * Invariants:
 * - A workload is data: the same workload gives the same steps every time; a random one is a
 *   pure function of its seed.
 * - Every workload ends with all background work granted, so the last crash point is after the
 *   flow completed.
 */
import type { StoreConfig } from '../../impl/index.ts';
import type { ClientWrite } from '../harness/client-writes.ts';
import type { WorkloadStep } from '../harness/conformance-run.ts';

export interface Workload {
  readonly name: string;
  readonly flow: string;
  readonly config: Partial<StoreConfig>;
  readonly steps: readonly WorkloadStep[];
  /** Model states (dotted paths) the run must visit, or it did not test its flow. */
  readonly reaches: readonly string[];
}

const write = (w: ClientWrite): WorkloadStep => ({ kind: 'write', write: w });
const set = (key: string, value: string, ttlMs?: number): WorkloadStep => write(ttlMs === undefined ? { kind: 'set', key, value } : { kind: 'set', key, value, ttlMs });
const background = (slices: number | 'all' = 'all'): WorkloadStep => ({ kind: 'background', slices });
const tick = (ms: number): WorkloadStep => ({ kind: 'tick', ms });

/** A few writes of every type: strings (one with a TTL), a counter, a list, a hash, a set, a zset. */
function mixedWrites(round: number): WorkloadStep[] {
  return [
    set(`s:${round}`, `value-${round}`),
    set(`s:ttl${round}`, `expiring-${round}`, 600_000),
    write({ kind: 'incr', key: 'c:1' }),
    write({ kind: 'rpush', key: 'l:1', items: [`item-${round}`, `x${round}`] }),
    write({ kind: 'hset', key: 'h:1', field: `f${round}`, value: `v${round}` }),
    write({ kind: 'sadd', key: 'S:1', member: `m${round}` }),
    write({ kind: 'zadd', key: 'z:1', score: round / 2, member: `z${round}` }),
  ];
}

/** Writes interleaved with background slices, so the child and the clients overlap. */
function writesBetweenSlices(rounds: number): WorkloadStep[] {
  const steps: WorkloadStep[] = [];
  for (let round = 0; round < rounds; round += 1) {
    steps.push(set(`s:during${round}`, `during-${round}`), write({ kind: 'del', key: `s:${round}` }), background(1));
  }
  return steps;
}

const aofAlways: Partial<StoreConfig> = { appendonly: true, appendfsync: 'always' };

export const workloadCatalogue: readonly Workload[] = [
  {
    name: 'bgsave',
    flow: 'BGSAVE',
    config: { appendonly: false },
    steps: [...mixedWrites(0), { kind: 'bgsave' }, ...writesBetweenSlices(3), background(), set('s:after', 'after')],
    reaches: ['running.child.rdbChild.renamed'],
  },
  {
    name: 'save',
    flow: 'SAVE',
    config: { appendonly: false },
    steps: [...mixedWrites(0), { kind: 'save' }, ...mixedWrites(1), write({ kind: 'multi', writes: [{ kind: 'incr', key: 'c:1' }, { kind: 'del', key: 's:0' }] }), { kind: 'save' }],
    reaches: ['running.eventLoop.saving.renamed'],
  },
  {
    name: 'save-points',
    flow: 'save points',
    config: { appendonly: false, save: [{ seconds: 5, changes: 3 }] },
    steps: [...mixedWrites(0), tick(6000), background(), ...mixedWrites(1), tick(6000), background()],
    reaches: ['running.child.rdbChild.renamed'],
  },
  {
    name: 'rewrite',
    flow: 'BGREWRITEAOF',
    config: { ...aofAlways },
    steps: [...mixedWrites(0), { kind: 'bgrewriteaof' }, ...writesBetweenSlices(3), background(), set('s:after', 'after')],
    reaches: ['running.eventLoop.rotatingIncr.committingIncr.renamed', 'running.eventLoop.finishingRewrite.committingBase.renamed', 'running.eventLoop.finishingRewrite.deletingHistory'],
  },
  {
    name: 'rewrite-resp-base',
    flow: 'BGREWRITEAOF',
    config: { ...aofAlways, aofUseRdbPreamble: false },
    steps: [...mixedWrites(0), { kind: 'bgrewriteaof' }, ...writesBetweenSlices(2), background(), set('s:after', 'after')],
    reaches: ['running.eventLoop.finishingRewrite.committingBase.renamed'],
  },
  {
    name: 'auto-rewrite',
    flow: 'auto-rewrite',
    config: { appendonly: true, appendfsync: 'everysec', autoAofRewritePercentage: 100, autoAofRewriteMinSize: 256 },
    steps: [...mixedWrites(0), ...mixedWrites(1), ...mixedWrites(2), tick(1100), background(), set('s:after', 'after'), tick(1100), background()],
    reaches: ['running.eventLoop.rotatingIncr.committingIncr.renamed', 'running.eventLoop.finishingRewrite.committingBase.renamed'],
  },
  {
    name: 'enable-aof',
    flow: 'enabling AOF at runtime',
    config: { appendonly: false, appendfsync: 'always' },
    steps: [...mixedWrites(0), { kind: 'config', name: 'appendonly', value: 'yes' }, ...writesBetweenSlices(2), background(), set('s:after', 'after')],
    reaches: ['running.eventLoop.finishingRewrite.committingBase.renamed'],
  },
  {
    name: 'disable-aof',
    flow: 'disabling AOF at runtime',
    config: { appendonly: true, appendfsync: 'everysec' },
    steps: [...mixedWrites(0), { kind: 'config', name: 'appendonly', value: 'no' }, ...mixedWrites(1), { kind: 'save' }],
    reaches: ['running.eventLoop.saving.renamed'],
  },
  {
    name: 'fsync-always',
    flow: 'appendfsync always under a steady write load',
    config: { ...aofAlways },
    steps: [...mixedWrites(0), { kind: 'turn', writes: [{ kind: 'set', key: 's:g1', value: 'a' }, { kind: 'set', key: 's:g2', value: 'b' }, { kind: 'incr', key: 'c:1' }] }, ...mixedWrites(1)],
    reaches: ['running.eventLoop.serving'],
  },
  {
    name: 'fsync-everysec',
    flow: 'appendfsync everysec under a steady write load',
    config: { appendonly: true, appendfsync: 'everysec' },
    steps: [...mixedWrites(0), tick(1100), background(), ...mixedWrites(1), tick(400), ...mixedWrites(2), tick(700), background(), set('s:last', 'last')],
    reaches: ['running.eventLoop.serving'],
  },
  {
    name: 'fsync-no',
    flow: 'appendfsync no under a steady write load',
    config: { appendonly: true, appendfsync: 'no' },
    steps: [...mixedWrites(0), tick(1100), background(), ...mixedWrites(1), { kind: 'bgrewriteaof' }, background(), set('s:last', 'last')],
    reaches: ['running.eventLoop.serving'],
  },
];

/** A seeded random workload: a mix of writes, turns, saves, rewrites, ticks, background slices and injected crashes (each followed by a restart). */
export function randomWorkload(seed: number, length: number): Workload {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const key = (prefix: string): string => `${prefix}:${Math.floor(next() * 4)}`;
  const randomWrite = (): ClientWrite =>
    pick<() => ClientWrite>([
      () => ({ kind: 'set', key: key('s'), value: `v${Math.floor(next() * 1000)}` }),
      () => ({ kind: 'set', key: key('s'), value: `t${Math.floor(next() * 1000)}`, ttlMs: 500 + Math.floor(next() * 5000) }),
      () => ({ kind: 'incr', key: key('c') }),
      () => ({ kind: 'rpush', key: key('l'), items: [`i${Math.floor(next() * 100)}`] }),
      () => ({ kind: 'hset', key: key('h'), field: `f${Math.floor(next() * 3)}`, value: `v${Math.floor(next() * 100)}` }),
      () => ({ kind: 'sadd', key: key('S'), member: `m${Math.floor(next() * 6)}` }),
      () => ({ kind: 'zadd', key: key('z'), score: Math.floor(next() * 8) / 2, member: `m${Math.floor(next() * 4)}` }),
      () => ({ kind: 'del', key: key(pick(['s', 'l', 'h'])) }),
      () => ({ kind: 'pexpire', key: key('s'), ttlMs: Math.floor(next() * 3000) - 500 }),
      () => ({ kind: 'persist', key: key('s') }),
    ])();
  const appendonly = next() < 0.6;
  const appendfsync = pick(['always', 'everysec', 'no'] as const);
  const steps: WorkloadStep[] = [];
  for (let index = 0; index < length; index += 1) {
    const roll = next();
    if (roll < 0.5) steps.push({ kind: 'write', write: randomWrite() });
    else if (roll < 0.58) steps.push({ kind: 'turn', writes: [randomWrite(), randomWrite()] });
    else if (roll < 0.63) steps.push({ kind: 'write', write: { kind: 'multi', writes: [randomWrite(), randomWrite()] } });
    else if (roll < 0.68) steps.push({ kind: 'bgsave' });
    else if (roll < 0.71) steps.push({ kind: 'save' });
    else if (roll < 0.76) steps.push({ kind: 'bgrewriteaof' });
    else if (roll < 0.86) steps.push({ kind: 'tick', ms: pick([200, 600, 1100]) });
    else if (roll < 0.97) steps.push({ kind: 'background', slices: pick([1, 2, 'all'] as const) });
    else steps.push({ kind: 'crash', plan: { after: 1 + Math.floor(next() * 6), kind: pick(['process', 'power'] as const), profile: pick(['strict-posix', 'ext4-ordered'] as const), choice: Math.floor(next() * 1000) } });
  }
  steps.push({ kind: 'background', slices: 'all' });
  return { name: `random-${seed}`, flow: 'random', config: { appendonly, appendfsync }, steps, reaches: [] };
}
