/**
 * Writes docs/generated/ from the model, so the docs cannot drift from it:
 * - state-machine.md: Mermaid diagrams and tables of every state and transition;
 * - guarantees.md: the guarantee table derived by exploring the model.
 * With `--check`, writes nothing and exits 1 when a committed file differs from what the model
 * generates now.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultExploration, exploreGuarantees, persistenceMachine } from '../model/index.ts';
import { renderGuaranteesMarkdown } from './guarantees-markdown.ts';
import { renderStateMachineMarkdown } from './state-machine-markdown.ts';

const generatedDirectory = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'generated');

let cachedDocs: Map<string, string> | undefined;

/** The generated files by name. Deterministic, so computed once per process. */
export function generatedDocs(): Map<string, string> {
  cachedDocs ??= new Map([
    ['state-machine.md', renderStateMachineMarkdown(persistenceMachine)],
    ['guarantees.md', renderGuaranteesMarkdown(exploreGuarantees(defaultExploration))],
  ]);
  return cachedDocs;
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The names of generated files whose committed text differs from the model's. */
export async function staleDocs(directory = generatedDirectory): Promise<string[]> {
  const stale: string[] = [];
  for (const [name, text] of generatedDocs()) {
    if ((await readIfPresent(join(directory, name))) !== text) stale.push(name);
  }
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--check')) {
    const stale = await staleDocs();
    for (const name of stale) console.error(`docs/generated/${name} differs from the model: run npm run docs`);
    if (stale.length === 0) console.log('docs/generated matches the model');
    return stale.length === 0 ? 0 : 1;
  }
  await mkdir(generatedDirectory, { recursive: true });
  for (const [name, text] of generatedDocs()) {
    await writeFile(join(generatedDirectory, name), text);
    console.log(`wrote docs/generated/${name}`);
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
