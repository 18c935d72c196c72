/**
 * Goal: the summary's rows tally crash states per appendonly x appendfsync x crash kind: counts,
 * violations and silent corruption per row, the worst loss observed and the model's bound (each
 * the maximum over the row), distinct crash states by workload + fingerprint, always the same
 * eight rows in the same order, whatever the order the samples came in.
 * Method: synthetic crash records.
 */
import { describe, expect, it } from 'vitest';
import { type CrashSample, CrashTally, summaryRows, workloadSetting } from './summary-rows.ts';

interface SampleSpec {
  workload?: string;
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
  kind?: 'process' | 'power';
  verdict?: 'allowed' | 'silent-corruption' | 'violation';
  lost?: [number, number];
  bound?: [number, number];
  fingerprint?: string;
}

let counter = 0;
function sample(spec: SampleSpec): CrashSample {
  counter += 1;
  const kind = spec.kind ?? 'process';
  return {
    workload: spec.workload ?? 'w',
    setting: { appendonly: spec.appendonly ?? true, appendfsync: spec.appendfsync ?? 'everysec' },
    record: {
      kind,
      profile: kind === 'power' ? 'strict-posix' : null,
      phase: 'steady',
      fingerprint: spec.fingerprint ?? `${counter}:${kind}`,
      judgement: {
        verdict: spec.verdict ?? 'allowed',
        lostAcknowledged: spec.lost?.[0] ?? 0,
        lostWindowMs: spec.lost?.[1] ?? 0,
        boundAcknowledged: spec.bound?.[0] ?? 0,
        boundWindowMs: spec.bound?.[1] ?? 0,
      },
    },
  };
}

const keys = (rows: ReturnType<typeof summaryRows>) => rows.map((row) => `${row.appendonly}/${row.appendfsync ?? '-'}/${row.crash}`);

describe('summary rows', () => {
  it('are always the eight combinations, appendonly no once per crash kind, in a fixed order', () => {
    expect(keys(summaryRows([]))).toEqual(['no/-/process', 'no/-/power', 'yes/always/process', 'yes/always/power', 'yes/everysec/process', 'yes/everysec/power', 'yes/no/process', 'yes/no/power']);
    expect(summaryRows([]).every((row) => row.crashStates === 0 && row.worstLoss.acknowledged === 0 && row.bound.windowMs === 0)).toBe(true);
  });

  it('put appendonly no under one row whatever its appendfsync', () => {
    const rows = summaryRows([sample({ appendonly: false, appendfsync: 'always' }), sample({ appendonly: false, appendfsync: 'no' }), sample({ appendonly: false, kind: 'power' })]);
    expect(rows[0]).toMatchObject({ appendonly: 'no', appendfsync: null, crash: 'process', crashStates: 2 });
    expect(rows[1]).toMatchObject({ appendonly: 'no', appendfsync: null, crash: 'power', crashStates: 1 });
  });

  it('count violations and silent corruption in their own row', () => {
    const rows = summaryRows([
      sample({ appendfsync: 'no', kind: 'power', verdict: 'silent-corruption' }),
      sample({ appendfsync: 'no', kind: 'power', verdict: 'silent-corruption' }),
      sample({ appendfsync: 'no', kind: 'power', verdict: 'violation' }),
      sample({ appendfsync: 'no', kind: 'process' }),
    ]);
    const power = rows.find((row) => row.appendfsync === 'no' && row.crash === 'power');
    const process = rows.find((row) => row.appendfsync === 'no' && row.crash === 'process');
    expect(power).toMatchObject({ crashStates: 3, violations: 1, silentCorruption: 2 });
    expect(process).toMatchObject({ crashStates: 1, violations: 0, silentCorruption: 0 });
  });

  it('show the worst loss observed beside the model bound, each the maximum over the row, count and window on their own', () => {
    const rows = summaryRows([
      sample({ appendfsync: 'everysec', kind: 'power', lost: [3, 400], bound: [5, 900] }),
      sample({ appendfsync: 'everysec', kind: 'power', lost: [1, 1800], bound: [2, 2100] }),
      sample({ appendfsync: 'everysec', kind: 'power', lost: [0, 0], bound: [7, 1000] }),
      sample({ appendfsync: 'everysec', kind: 'process', lost: [9, 9000], bound: [9, 9000] }),
    ]);
    const power = rows.find((row) => row.appendfsync === 'everysec' && row.crash === 'power');
    expect(power).toMatchObject({ worstLoss: { acknowledged: 3, windowMs: 1800 }, bound: { acknowledged: 7, windowMs: 2100 } });
  });

  it('count a crash state once per workload and fingerprint for the distinct figure, every time for the total', () => {
    const tally = new CrashTally();
    for (const spec of [
      { workload: 'a', fingerprint: '7:process:' },
      { workload: 'a', fingerprint: '7:process:' },
      { workload: 'b', fingerprint: '7:process:' },
      { workload: 'a', fingerprint: '8:process:' },
    ]) {
      tally.add(sample(spec));
    }
    expect([tally.crashStatesChecked, tally.distinctCrashStates]).toEqual([4, 3]);
  });

  it('do not depend on the order of the samples', () => {
    const samples = [
      sample({ appendfsync: 'always', lost: [1, 0], bound: [1, 0] }),
      sample({ appendfsync: 'always', kind: 'power', verdict: 'violation' }),
      sample({ appendonly: false, lost: [4, 3000], bound: [6, 3500] }),
      sample({ appendfsync: 'always', lost: [2, 10], bound: [2, 20] }),
    ];
    expect(summaryRows([...samples].reverse())).toEqual(summaryRows(samples));
  });

  it("classify a workload by its starting configuration, Redis's defaults beneath", () => {
    expect(workloadSetting({})).toEqual({ appendonly: false, appendfsync: 'everysec' });
    expect(workloadSetting({ appendonly: true, appendfsync: 'always' })).toEqual({ appendonly: true, appendfsync: 'always' });
  });
});
