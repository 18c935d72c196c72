/**
 * Goal: the text summary `durakv check` ends with shows, for a given report, the table per
 * appendonly x appendfsync x crash kind (counts grouped by thousands, loss and bound as writes and
 * seconds, '—' where no crash state exercised the row), its legends, the totals and rate, the
 * model's coverage, every flow with its claimed states and crash phases, and the verdict.
 * Method: golden text for a synthetic report; a failing report names what failed.
 */
import { describe, expect, it } from 'vitest';
import type { CheckReport } from './check-report.ts';
import { summaryRows } from './summary-rows.ts';
import { grouped, lossText, renderSummary, renderSummaryTable } from './summary-table.ts';

let fingerprints = 0;
const record = (kind: 'process' | 'power', verdict: 'allowed' | 'silent-corruption' | 'violation', lost: [number, number], bound: [number, number]) => ({
  kind,
  profile: kind === 'power' ? ('strict-posix' as const) : null,
  phase: 'steady',
  fingerprint: `${(fingerprints += 1)}:${kind}`,
  judgement: { verdict, lostAcknowledged: lost[0], lostWindowMs: lost[1], boundAcknowledged: bound[0], boundWindowMs: bound[1] },
});

function rows() {
  const samples = [
    ...Array.from({ length: 1234 }, () => ({ workload: 'save', setting: { appendonly: false, appendfsync: 'everysec' as const }, record: record('process', 'allowed', [7, 0], [7, 0]) })),
    { workload: 'save', setting: { appendonly: false, appendfsync: 'everysec' as const }, record: record('power', 'allowed', [12, 3500], [12, 4000]) },
    { workload: 'fsync-always', setting: { appendonly: true, appendfsync: 'always' as const }, record: record('power', 'allowed', [0, 0], [1, 0]) },
    { workload: 'fsync-no', setting: { appendonly: true, appendfsync: 'no' as const }, record: record('power', 'silent-corruption', [2, 1100], [3, 1200]) },
    { workload: 'fsync-no', setting: { appendonly: true, appendfsync: 'no' as const }, record: record('power', 'violation', [0, 0], [1, 100]) },
  ];
  return summaryRows(samples);
}

function report(overrides: Partial<CheckReport> = {}): CheckReport {
  return {
    seed: 5,
    runs: 2,
    catalogueWorkloads: ['save', 'enable-aof'],
    powerStatesPerPoint: 8,
    timeBudgetSeconds: null,
    seconds: 1.25,
    crashStatesChecked: 1238,
    distinctCrashStates: 1237,
    statesPerSecond: 990.4,
    violations: 0,
    silentCorruption: 1,
    rows: rows(),
    coverage: { states: { covered: 40, total: 41, missing: ['refusedToStart'] }, transitions: { covered: 71, total: 71, missing: [] } },
    flows: [
      { flow: 'SAVE', workloads: ['save'], runs: 1, reaches: ['running.eventLoop.saving.renamed'], reached: true, unreached: [], processPhases: ['SAVE in progress', 'steady'], powerPhases: ['steady'] },
      { flow: 'random', workloads: ['random-5', 'random-6', 'random-7', 'random-8'], runs: 4, reaches: [], reached: true, unreached: [], processPhases: [], powerPhases: ['BGSAVE child running'] },
    ],
    configChanges: [{ workload: 'enable-aof', changes: ['CONFIG SET appendonly yes'] }],
    violationDetails: [],
    stoppedRuns: [],
    startupFlows: [],
    damagedAof: null,
    passed: true,
    ...overrides,
  };
}

describe('the summary table', () => {
  it('formats counts with thousands separators and losses as writes and seconds', () => {
    expect([grouped(0), grouped(999), grouped(1000), grouped(1234567), grouped(12.5)]).toEqual(['0', '999', '1,000', '1,234,567', '12.5']);
    expect([lossText({ acknowledged: 0, windowMs: 0 }), lossText({ acknowledged: 1, windowMs: 0 }), lossText({ acknowledged: 12, windowMs: 3500 })]).toEqual(['none', '1 write, 0.00 s', '12 writes, 3.50 s']);
  });

  it('has one line per combination, a header and a total (golden text)', () => {
    expect(renderSummaryTable(rows()).join('\n')).toBe(
      [
        'appendonly  appendfsync  crash    crash states  violations  silent corruption  worst loss observed  model bound',
        'no          —            process         1,234           0                  0  7 writes, 0.00 s     7 writes, 0.00 s',
        'no          —            power               1           0                  0  12 writes, 3.50 s    12 writes, 4.00 s',
        'yes         always       process             0           0                  0  —                    —',
        'yes         always       power               1           0                  0  none                 1 write, 0.00 s',
        'yes         everysec     process             0           0                  0  —                    —',
        'yes         everysec     power               0           0                  0  —                    —',
        'yes         no           process             0           0                  0  —                    —',
        'yes         no           power               2           1                  1  2 writes, 1.10 s     3 writes, 1.20 s',
        'total                                    1,238           1                  1',
      ].join('\n'),
    );
  });

  it('ends the job with the table, legends, totals, coverage, flows and the verdict (golden text)', () => {
    expect(renderSummary(report())).toBe(
      [
        'durakv check: seed 5; 2 catalogue workloads, 2 random workloads (seeds 5..6); 1.3 s',
        '',
        ...renderSummaryTable(rows()),
        '',
        "worst loss observed: over the row's crash states, the most acknowledged writes a restart lost and the",
        '  age (model time) of the oldest lost one; model bound: the same for the worst outcome the model allowed.',
        '  Acknowledged means replied to before the crash: the writes of an interrupted turn do not count.',
        'silent corruption: power losses under strict-posix that left zeros inside unsynced AOF bytes which the',
        '  restart loaded, as Redis 7.0 also does (the AOF has no checksum); counted apart, not violations.',
        'violations: per row, crash states whose restart the model does not allow; the total also counts',
        '  violations found outside a crash (refinement, acknowledgement, dataset, divergence).',
        "rows classify crash states by the configuration at the crash; these workloads change it at runtime: enable-aof (CONFIG SET appendonly yes)",
          '',
        'crash states: 1,238 checked, 1,237 distinct (workload + fingerprint), 990 per second',
        'model coverage: states 40/41, transitions 71/71',
        '  states not visited: refusedToStart',
        '',
        'flows (the states each claims to reach; the crash phases tried):',
        '  SAVE (save): reached running.eventLoop.saving.renamed',
        '    process: SAVE in progress, steady',
        '    power:   steady',
        '  random (4 workloads): no state claimed',
        '    process: (none)',
        '    power:   BGSAVE child running',
        '',
        'result: PASS (0 violations, every flow reached)',
        '',
      ].join('\n'),
    );
  });

  it('names an unreached flow, a run that stopped early and the failure in the verdict', () => {
    const text = renderSummary(
      report({
        passed: false,
        violations: 2,
        flows: [{ flow: 'BGSAVE', workloads: ['bgsave'], runs: 1, reaches: ['running.child.rdbChild.renamed'], reached: false, unreached: [{ workload: 'bgsave', states: ['running.child.rdbChild.renamed'], stoppedAtViolation: false }], processPhases: ['steady'], powerPhases: ['steady'] }],
        stoppedRuns: [{ workload: 'random-9', stepsRun: 3, steps: 41, replay: 'npx durakv check --random-only --seed 9 --runs 1' }],
      }),
    );
    expect(text).toContain('  BGSAVE (bgsave): NOT REACHED: bgsave never visited running.child.rdbChild.renamed\n');
    expect(text).toContain('stopped early without a violation: random-9 ran 3/41 steps (replay: npx durakv check --random-only --seed 9 --runs 1)\n');
    expect(text.endsWith('result: FAIL (2 violations, 1 flow not reached, 1 run stopped early)\n')).toBe(true);
  });
});

describe('the start-up flows and the damaged-AOF check in the summary', () => {
  it('name each start-up flow with its crash states and violations, and the damaged-AOF cases not refused', () => {
    const text = renderSummary(
      report({
        startupFlows: [{ name: 'legacy-upgrade', flow: 'legacy AOF upgrade (RESP)', operations: 21, crashStates: 340, violations: 0 }],
        damagedAof: { cases: 22, failures: 1 },
      }),
    );
    expect(text).toContain('start-up flow legacy AOF upgrade (RESP) (legacy-upgrade): 21 operations, 340 crash states, 0 violations (each restart must load exactly what the disk held)\n');
    expect(text).toContain('damaged AOF check: 22 torn non-last incr files, 1 not refused\n');
  });
});
