/**
 * Goal: docs/dataset-json.md cannot drift from the code. Every ```json block in it is read with
 * datasetFromJson: a plain block must be canonical (datasetToJson writes it back unchanged); a
 * block after `<!-- accepted, not canonical -->` must read as the same data as the next json
 * block; a block after `<!-- rejected -->` must fail with exactly the message in the next
 * ```text block (read as "dataset.json").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { datasetFromJson } from './dataset-from-json.ts';
import { DatasetJsonError } from './dataset-json-error.ts';
import { datasetToJson } from './dataset-to-json.ts';

interface Block {
  readonly index: number;
  readonly marker: string | undefined;
  readonly language: string;
  readonly body: string;
}

const docPath = new URL('../../docs/dataset-json.md', import.meta.url);
const markdown = readFileSync(docPath, 'utf8');

function blocksOf(text: string): Block[] {
  const blocks: Block[] = [];
  for (const match of text.matchAll(/(?:<!-- ([^>]*?) -->\n)?^```(\w*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ index: blocks.length, marker: match[1], language: match[2] ?? '', body: match[3] ?? '' });
  }
  return blocks;
}

const blocks = blocksOf(markdown);
const jsonBlocks = blocks.filter((block) => block.language === 'json');
const next = (block: Block, language: string): Block | undefined => blocks.find((candidate) => candidate.index > block.index && candidate.language === language);

describe('docs/dataset-json.md examples', () => {
  it('has json examples of every kind (the block scanner finds them)', () => {
    expect(jsonBlocks.length).toBeGreaterThanOrEqual(6);
    expect(new Set(jsonBlocks.map((block) => block.marker))).toEqual(new Set([undefined, 'accepted, not canonical', 'rejected']));
  });

  it.each(jsonBlocks.map((block) => [block.index, block.marker ?? 'canonical', block] as const))('block %i (%s) reads as documented', (_index, _kind, block) => {
    if (block.marker === 'rejected') {
      const expected = next(block, 'text');
      expect(expected, 'a rejected block is followed by a text block with the error').toBeDefined();
      let error: unknown;
      try {
        datasetFromJson(block.body, 'dataset.json');
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DatasetJsonError);
      expect(`${(error as DatasetJsonError).message}\n`).toBe(expected?.body);
      return;
    }
    const written = datasetToJson(datasetFromJson(block.body, 'docs/dataset-json.md'));
    if (block.marker === 'accepted, not canonical') {
      const canonical = next(block, 'json');
      expect(canonical?.marker, 'an accepted block is followed by its canonical form').toBeUndefined();
      expect(written).toBe(canonical?.body);
    } else {
      expect(block.marker).toBeUndefined();
      expect(written).toBe(block.body);
    }
  });
});
