/**
 * Goal: the main job is wired to the process: `npm start` runs `durakv check`; the executable's
 * usage lists `check` beside `guarantees`; `durakv check --json` through a pipe writes exactly one
 * JSON object to stdout (the progress, in its non-terminal form, goes to stderr) and its exit code
 * reaches the shell; a usage error exits 2.
 * Method: read package.json; spawn `node bin/durakv.js` (one small check: one catalogue workload).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const bin = new URL('../bin/durakv.js', import.meta.url).pathname;

function durakv(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the durakv command line', () => {
  it('makes `npm start` the main job, durakv check', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toBe('node bin/durakv.js check');
  });

  it('lists check and guarantees in its usage', () => {
    const help = durakv('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}check \[--seed <n>\]/m);
    expect(help.stdout).toMatch(/^ {2}guarantees \[--markdown\]/m);
  });

  it('runs check --json through a pipe: one JSON object on stdout, progress lines on stderr, exit 0', () => {
    const result = durakv('check', '--workload', 'save-points', '--json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { crashStatesChecked: number; violations: number; rows: unknown[] };
    expect(report.crashStatesChecked).toBeGreaterThan(0);
    expect(report.violations).toBe(0);
    expect(report.rows).toHaveLength(8);
    expect(result.stderr).toMatch(/^durakv check: 100% {2}1 workload, /m);
    expect(result.stderr).not.toContain('\r');
  });

  it('exits 2 on a usage error of check', () => {
    const result = durakv('check', '--runs', 'lots');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^durakv check: --runs needs a whole number/);
  });
});
