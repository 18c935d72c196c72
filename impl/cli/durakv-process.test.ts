/**
 * Goal: the `durakv` executable (bin/durakv.js → scripts/durakv-cli.ts) wires inspect and write
 * to the process: exit codes reach the shell, output reaches stdout/stderr, and the usage text
 * lists both commands.
 * Method: spawn `node bin/durakv.js` in a temp directory (one write, one inspect of a truncated
 * copy, one help).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetToJson } from '../dataset-json/dataset-to-json.ts';
import { sampleDataset } from './testing/cli-datasets.ts';
import { cliHarness, type CliHarness } from './testing/cli-harness.ts';

const bin = new URL('../../bin/durakv.js', import.meta.url).pathname;

let cli: CliHarness;
beforeEach(async () => {
  cli = await cliHarness();
});
afterEach(async () => {
  await cli.cleanup();
});

function durakv(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: cli.root, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the durakv executable', () => {
  it('writes an RDB from JSON (exit 0), prints it back (exit 0), and fails on a truncated copy (exit 1)', async () => {
    const json = datasetToJson(sampleDataset());
    await cli.put('dataset.json', json);
    expect(durakv('write', 'dump.rdb', '--from', 'dataset.json')).toMatchObject({ status: 0, stderr: '' });
    expect(durakv('inspect', 'dump.rdb', '--json')).toEqual({ status: 0, stdout: json, stderr: '' });
    await cli.put('cut.rdb', (await cli.bytes('dump.rdb')).subarray(0, 30));
    const failed = durakv('inspect', 'cut.rdb');
    expect([failed.status, failed.stdout]).toEqual([1, '']);
    expect(failed.stderr).toMatch(/^durakv inspect: cannot load cut\.rdb: truncated RDB at byte offset \d+: /);
  });

  it('lists inspect and write in the usage text; a usage error exits 2', () => {
    const help = durakv('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/inspect <path> \[--json\]/);
    expect(help.stdout).toMatch(/write <path> --from <dataset\.json>/);
    expect(help.stdout).toMatch(/guarantees \[--markdown\]/);
    expect(durakv('inspect').status).toBe(2);
  });
});
