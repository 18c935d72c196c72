/**
 * Goal: every reason in the triage list is still attached to code: its file is mutated by
 * stryker.config.json and its code fragment is still in that file, so a stale reason (its mutant
 * gone or rewritten) fails here instead of lingering in docs/mutation.md.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { triage, triageOf } from './mutation-triage.ts';

const mutated = (JSON.parse(readFileSync('stryker.config.json', 'utf8')) as { mutate: string[] }).mutate.map((pattern) => pattern.replace(/:[\d:-]+$/, ''));

describe('the triage list of surviving mutants', () => {
  it.each(triage.map((entry) => [`${entry.file} ${entry.mutator} ${entry.code}`, entry] as const))('%s is in a mutated file, on a line of it', (_name, entry) => {
    expect(mutated).toContain(entry.file);
    expect(readFileSync(entry.file, 'utf8').split('\n').some((line) => line.includes(entry.code))).toBe(true);
    expect(entry.reason).toMatch(/^(Equivalent|Harmless): /);
  });

  it('matches a mutant by file, mutator, line and replacement', () => {
    const [entry] = triage;
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    expect(triageOf(triage, entry.file, entry.mutator, `  ${entry.code}  `, `x${entry.replacement}x`)).toBe(entry);
    expect(triageOf([{ ...entry, mutator: 'StringLiteral' }], entry.file, 'NoSuchMutator', entry.code, entry.replacement)).toBeUndefined();
  });

  it("matches every mutator of a line with '*'", () => {
    const entry = { file: 'impl/x.ts', mutator: '*', code: 'return -1;', replacement: '', reason: 'Harmless: x' };
    expect(triageOf([entry], 'impl/x.ts', 'EqualityOperator', 'if (a) return -1;', 'a >= b')).toBe(entry);
    expect(triageOf([entry], 'impl/y.ts', 'EqualityOperator', 'if (a) return -1;', 'a >= b')).toBeUndefined();
  });
});
