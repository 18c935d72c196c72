/**
 * Goal: the mutation canary passes only when the mutant that removes the temp file's fsync
 * before the rename is Killed, and fails when it survived, timed out or is missing.
 * Method: the real source of impl/fs/write-file-atomically.ts in hand-made Stryker reports.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MutationReport, canaryFile, checkCanary } from './mutation-canary.ts';

const source = readFileSync(canaryFile, 'utf8');
const line = source.split('\n').findIndex((text) => text.startsWith('async function makeDurable(')) + 1;
const report = (status: string, mutatorName = 'BlockStatement', at = line): MutationReport => ({ files: { [canaryFile]: { source, mutants: [{ mutatorName, status, location: { start: { line: at } } }] } } });

describe('the mutation canary (removing the fsync before the rename must be Killed)', () => {
  it('passes on Killed', () => {
    expect(line).toBeGreaterThan(0);
    expect(checkCanary(report('Killed')).ok).toBe(true);
  });

  it.each(['Survived', 'Timeout', 'NoCoverage', 'RuntimeError'])('fails on %s', (status) => {
    expect(checkCanary(report(status))).toMatchObject({ ok: false, message: expect.stringContaining(`was ${status}, not Killed`) });
  });

  it('fails when the mutant or the file is missing from the report', () => {
    expect(checkCanary(report('Killed', 'StringLiteral')).ok).toBe(false);
    expect(checkCanary(report('Killed', 'BlockStatement', line + 1)).ok).toBe(false);
    expect(checkCanary({ files: {} }).message).toBe(`${canaryFile} was not mutated in this run`);
  });
});
