/**
 * Enforces the import rules: model/ and impl/ never import each other; impl/encoding/ imports
 * only itself, impl/values/ and impl's limits; nothing but conformance/ and scripts/ sees both model and impl.
 * Exits 1 and names each offending import.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    const specifier = match[1] ?? match[2];
    if (specifier !== undefined) specifiers.push(specifier);
  }
  return specifiers;
}

export function layerViolation(fromFile: string, targetFile: string): string | undefined {
  const from = relative(root, fromFile);
  const target = relative(root, targetFile);
  const top = (path: string) => path.split('/')[0];
  if (top(from) === 'model' && top(target) === 'impl') return 'model/ must not import impl/';
  if (top(from) === 'impl' && top(target) === 'model') return 'impl/ must not import model/';
  if ((top(from) === 'model' || top(from) === 'impl') && (top(target) === 'conformance' || top(target) === 'scripts')) {
    if (!from.endsWith('.test.ts')) return `${top(from)}/ must not import ${top(target)}/`;
  }
  const pureTargets = ['impl/encoding/', 'impl/values/', 'impl/impl-limits.ts'];
  const isTest = from.endsWith('.test.ts');
  if (from.startsWith('impl/encoding/') && !isTest && !pureTargets.some((prefix) => target.startsWith(prefix))) {
    return 'impl/encoding/ is pure: it imports only itself, impl/values/ and impl/impl-limits.ts';
  }
  return undefined;
}

async function main(): Promise<number> {
  const problems: string[] = [];
  for (const folder of ['model', 'impl', 'conformance', 'scripts']) {
    for (const file of await sourceFiles(join(root, folder))) {
      for (const specifier of importsOf(await readFile(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const problem = layerViolation(file, resolve(dirname(file), specifier));
        if (problem !== undefined) problems.push(`${relative(root, file)} imports ${specifier}: ${problem}`);
      }
    }
  }
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? 'layers: ok' : `layers: ${problems.length} violation(s)`);
  return problems.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
