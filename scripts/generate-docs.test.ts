/**
 * Goal: the committed docs/generated files are exactly what the model generates, and the check
 * notices when they are not. Method: run the real `--check` code path on the repository, and on a
 * temporary copy with one file altered.
 */
import { cp, mkdtemp, appendFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocs, staleDocs } from './generate-docs.ts';

describe('generate-docs', () => {
  it('finds the committed generated docs up to date with the model', async () => {
    expect(await staleDocs()).toEqual([]);
  });

  it('reports a generated doc that was edited by hand', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'durakv-docs-'));
    try {
      await cp(join(import.meta.dirname, '..', 'docs', 'generated'), directory, { recursive: true });
      await appendFile(join(directory, 'guarantees.md'), '\nhand edit\n');
      expect(await staleDocs(directory)).toEqual(['guarantees.md']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('derives a guarantee table in which appendfsync always loses no acknowledged write', () => {
    const guarantees = generatedDocs().get('guarantees.md') ?? '';
    const alwaysSteady = guarantees.split('\n').filter((line) => line.startsWith('| yes | always |') && line.includes('| steady |'));
    expect(alwaysSteady).toHaveLength(2);
    for (const line of alwaysSteady) expect(line).toContain('| none |');
  });
});
