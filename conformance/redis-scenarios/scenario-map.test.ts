/**
 * Goal: docs/redis-aof-scenarios.md cannot drift from the scenario tests.
 *
 * Invariant: each of the doc's two tables (under "## tests/integration/aof.tcl" and
 * "## tests/integration/aof-multi-part.tcl") has
 * (a) exactly one row per Redis scenario number, 1..40 and 1..35, and no other rows;
 * (b) in its "durakv test" column, only entries of the form `<title>` in [file](path) (several
 *     separated by <br>) or the words `not applicable`. Every cited title is, verbatim, the
 *     title string literal of an `it(` / `test(` call (also `it.each(...)(`, `it.skipIf(...)(`)
 *     in the cited file, which is read as text;
 * (c) every `it` in aof-tcl.test.ts / aof-multi-part-tcl.test.ts whose title starts with
 *     `aof.tcl <n>` / `aof-multi-part.tcl <n>` (or `<n>+<m>`) is cited by the row of each of
 *     its numbers, and a row cites such a test only when that test carries the row's number;
 * (d) a `not applicable` row has a non-empty reason in its notes (and a Redis test name).
 * checkScenarioDoc returns one message per violation. Negative tests feed it broken variants
 * of the doc to show each check can fail.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const docRepoPath = 'docs/redis-aof-scenarios.md';

interface ScenarioTableSpec {
  /** The Tcl file's name, as in the heading "## tests/integration/<tclFile>". */
  readonly tclFile: string;
  readonly count: number;
  /** The port's test file (repo-relative) whose titles start with `<tclFile> <n>`. */
  readonly portFile: string;
}

const tableSpecs: readonly ScenarioTableSpec[] = [
  { tclFile: 'aof.tcl', count: 40, portFile: 'conformance/redis-scenarios/aof-tcl.test.ts' },
  { tclFile: 'aof-multi-part.tcl', count: 35, portFile: 'conformance/redis-scenarios/aof-multi-part-tcl.test.ts' },
];

const expectedHeader = ['#', 'Redis test name', 'durakv test', 'notes'];

interface Citation {
  readonly title: string;
  /** The cited file, repo-relative. */
  readonly file: string;
}

interface Row {
  readonly line: number;
  readonly numberCell: string;
  readonly redisName: string;
  readonly notApplicable: boolean;
  readonly citations: Citation[];
  readonly notes: string;
}

type SourceReader = (repoPath: string) => string | null;

function readRepoFile(repoPath: string): string | null {
  try {
    return readFileSync(posix.join(repoRoot, repoPath), 'utf8');
  } catch {
    return null;
  }
}

/** The cells of a markdown table line; `|` inside a backticked span does not split. */
function cellsOf(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index] as string;
    if (char === '\\' && body[index + 1] === '|') {
      current += '|';
      index += 1;
    } else if (char === '`') {
      inCode = !inCode;
      current += char;
    } else if (char === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  cells.push(current.trim());
  return cells;
}

const citationPattern = /^`([^`]+)` in \[([^\]]+)\]\(([^)\s]+)\)$/;

/** Reads the two scenario tables: rows per Tcl file, plus format problems. */
function parseScenarioDoc(text: string): { tables: Map<string, Row[]>; problems: string[] } {
  const problems: string[] = [];
  const tables = new Map<string, Row[]>();
  const lines = text.split('\n');
  let section: string | null = null;
  let tablesInSection = 0;
  let inTable = false;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const lineNumber = index + 1;
    const heading = /^(#+)\s+(.*)$/.exec(line);
    if (heading !== null) {
      const named = /^tests\/integration\/(\S+\.tcl)\b/.exec(heading[2] ?? '');
      const spec = tableSpecs.find((candidate) => candidate.tclFile === named?.[1]);
      section = spec === undefined ? null : spec.tclFile;
      if (section !== null && tables.has(section)) problems.push(`line ${lineNumber}: a second section for ${section}`);
      tablesInSection = 0;
      inTable = false;
      continue;
    }
    if (!line.trimStart().startsWith('|')) {
      inTable = false;
      continue;
    }
    if (section === null) continue;
    if (!inTable) {
      inTable = true;
      tablesInSection += 1;
      if (tablesInSection > 1) {
        problems.push(`line ${lineNumber}: a second table under the ${section} heading`);
        continue;
      }
      const header = cellsOf(line);
      if (header.join('|') !== expectedHeader.join('|')) problems.push(`line ${lineNumber}: the ${section} table's header is | ${header.join(' | ')} |, not | ${expectedHeader.join(' | ')} |`);
      tables.set(section, []);
      const separator = lines[index + 1] ?? '';
      if (!/^\|(\s*:?-+:?\s*\|)+\s*$/.test(separator.trim())) problems.push(`line ${lineNumber + 1}: the ${section} table has no separator row`);
      else index += 1;
      continue;
    }
    if (tablesInSection > 1) continue;
    const cells = cellsOf(line);
    if (cells.length !== expectedHeader.length) {
      problems.push(`line ${lineNumber} (${section}): ${cells.length} cells, not ${expectedHeader.length}`);
      continue;
    }
    const [numberCell, redisName, testCell, notes] = cells as [string, string, string, string];
    const citations: Citation[] = [];
    const notApplicable = testCell === 'not applicable';
    if (!notApplicable) {
      const entries = testCell.split('<br>').map((entry) => entry.trim());
      for (const entry of entries) {
        const match = citationPattern.exec(entry);
        if (match === null) {
          problems.push(`line ${lineNumber} (${section} ${numberCell}): the durakv test entry "${entry}" is neither \`<title>\` in [file](path) nor "not applicable"`);
          continue;
        }
        const [, title, linkText, link] = match as unknown as [string, string, string, string];
        const file = posix.normalize(posix.join(posix.dirname(docRepoPath), link));
        if (file.startsWith('../') || posix.isAbsolute(file)) problems.push(`line ${lineNumber} (${section} ${numberCell}): the link ${link} leaves the repository`);
        if (posix.basename(file) !== linkText) problems.push(`line ${lineNumber} (${section} ${numberCell}): the link text ${linkText} does not name ${file}`);
        citations.push({ title, file });
      }
    }
    tables.get(section)?.push({ line: lineNumber, numberCell, redisName, notApplicable, citations, notes });
  }
  for (const spec of tableSpecs) {
    if (!tables.has(spec.tclFile)) problems.push(`no table under a "## tests/integration/${spec.tclFile}" heading`);
  }
  return { tables, problems };
}

/** Reads one string literal ('...', "..." or `...`) starting at `start`; escapes decoded. */
function stringLiteralAt(source: string, start: number): string | null {
  const quote = source[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  let value = '';
  for (let index = start + 1; index < source.length; index += 1) {
    const char = source[index] as string;
    if (char === quote) return value;
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      value += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[next] ?? next;
      index += 1;
    } else {
      if ((char === '\n' || char === '\r') && quote !== '`') return null;
      value += char;
    }
  }
  return null;
}

/** The index just after the parenthesised group opening at `open` (strings skipped), or -1. */
function afterParens(source: string, open: number): number {
  let depth = 0;
  for (let index = open; index < source.length; index += 1) {
    const char = source[index] as string;
    if (char === "'" || char === '"' || char === '`') {
      let end = index + 1;
      while (end < source.length && source[end] !== char) end += source[end] === '\\' ? 2 : 1;
      index = end;
    } else if (char === '(') depth += 1;
    else if (char === ')') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

const modifiersWithArguments = new Set(['each', 'for', 'skipIf', 'runIf']);

/**
 * The titles of the test calls in a source text: the string literal that is the first argument
 * of `it(`, `test(`, `it.only(`, `it.skip(`, ..., and of `it.each(...)(` / `it.skipIf(...)(`.
 */
function testTitlesOf(source: string): string[] {
  const titles: string[] = [];
  for (const match of source.matchAll(/(?<![\w$.])(?:it|test)\b/g)) {
    let index = match.index + match[0].length;
    let ok = true;
    for (let modifier = /^\.(\w+)/.exec(source.slice(index)); modifier !== null; modifier = /^\.(\w+)/.exec(source.slice(index))) {
      index += modifier[0].length;
      if (modifiersWithArguments.has(modifier[1] ?? '')) {
        if (source[index] !== '(') {
          ok = false;
          break;
        }
        index = afterParens(source, index);
        if (index < 0) {
          ok = false;
          break;
        }
      }
    }
    if (!ok || source[index] !== '(') continue;
    index += 1;
    while (/\s/.test(source[index] ?? '')) index += 1;
    const title = stringLiteralAt(source, index);
    if (title !== null) titles.push(title);
  }
  return titles;
}

/** The scenario numbers a port title carries: `aof.tcl 7: ...` → [7], `aof.tcl 25+26 (...)` → [25, 26]. */
function scenarioNumbersOf(title: string, tclFile: string): number[] | null {
  const match = new RegExp(`^${tclFile.replace(/[.]/g, '\\.')} (\\d+(?:\\+\\d+)*)(?=[:\\s(]|$)`).exec(title);
  return match === null ? null : (match[1] ?? '').split('+').map(Number);
}

/** Every violation of the invariant in the header, one message each ([] when the doc is consistent). */
function checkScenarioDoc(text: string, readSource: SourceReader = readRepoFile): string[] {
  const { tables, problems } = parseScenarioDoc(text);
  const titleCache = new Map<string, string[] | null>();
  const titlesIn = (file: string): string[] | null => {
    if (!titleCache.has(file)) {
      const source = readSource(file);
      titleCache.set(file, source === null ? null : testTitlesOf(source));
    }
    return titleCache.get(file) ?? null;
  };

  for (const spec of tableSpecs) {
    const rows = tables.get(spec.tclFile);
    if (rows === undefined) continue;
    const rowsByNumber = new Map<number, Row[]>();
    for (const row of rows) {
      const number = /^\d+$/.test(row.numberCell) ? Number(row.numberCell) : NaN;
      if (!Number.isInteger(number) || number < 1 || number > spec.count) {
        problems.push(`line ${row.line}: ${spec.tclFile} row number "${row.numberCell}" is not a scenario number 1..${spec.count}`);
        continue;
      }
      rowsByNumber.set(number, [...(rowsByNumber.get(number) ?? []), row]);
      const label = `${spec.tclFile} ${number} (line ${row.line})`;
      // (d)
      if (row.redisName === '') problems.push(`${label}: no Redis test name`);
      if (row.notApplicable && row.notes.replace(/[-–—.\s]/g, '') === '') problems.push(`${label}: "not applicable" without a reason in the notes`);
      if (!row.notApplicable && row.citations.length === 0) problems.push(`${label}: cites no durakv test and does not say "not applicable"`);
      // (b), and the row side of (c)
      for (const citation of row.citations) {
        const titles = titlesIn(citation.file);
        if (titles === null) {
          problems.push(`${label}: cites ${citation.file}, which cannot be read`);
          continue;
        }
        if (!titles.includes(citation.title)) problems.push(`${label}: "${citation.title}" is not the title of an it( in ${citation.file}`);
        if (citation.file === spec.portFile) {
          const numbers = scenarioNumbersOf(citation.title, spec.tclFile);
          if (numbers !== null && !numbers.includes(number)) problems.push(`${label}: cites "${citation.title}", a test of scenario ${numbers.join('+')}`);
        }
      }
    }
    // (a)
    for (let number = 1; number <= spec.count; number += 1) {
      const found = rowsByNumber.get(number)?.length ?? 0;
      if (found === 0) problems.push(`${spec.tclFile}: no row for scenario ${number}`);
      if (found > 1) problems.push(`${spec.tclFile}: ${found} rows for scenario ${number} (lines ${(rowsByNumber.get(number) ?? []).map((row) => row.line).join(', ')})`);
    }
    // (c): every port test is cited by the row of each of its numbers.
    const portTitles = titlesIn(spec.portFile);
    if (portTitles === null) {
      problems.push(`${spec.portFile} cannot be read`);
      continue;
    }
    for (const title of portTitles) {
      const numbers = scenarioNumbersOf(title, spec.tclFile);
      if (numbers === null) continue;
      for (const number of numbers) {
        if (number < 1 || number > spec.count) {
          problems.push(`${spec.portFile}: "${title}" names scenario ${number}, outside 1..${spec.count}`);
          continue;
        }
        const cited = (rowsByNumber.get(number) ?? []).some((row) => row.citations.some((citation) => citation.file === spec.portFile && citation.title === title));
        if (!cited) problems.push(`${spec.tclFile} ${number}: the row does not cite "${title}" (${spec.portFile})`);
      }
    }
  }
  return problems;
}

const doc = readRepoFile(docRepoPath) ?? '';

/** The doc with the first line containing `containing` replaced by `replacement` (which must exist). */
function withLineReplaced(containing: string, replacement: (line: string) => string | null): string {
  const lines = doc.split('\n');
  const index = lines.findIndex((line) => line.includes(containing));
  expect(index, `the doc has a line containing ${containing}`).toBeGreaterThanOrEqual(0);
  const replaced = replacement(lines[index] as string);
  if (replaced === null) lines.splice(index, 1);
  else lines[index] = replaced;
  return lines.join('\n');
}

describe('docs/redis-aof-scenarios.md maps every Redis AOF scenario to its durakv test', () => {
  it('has one row per scenario in both tables, cites only existing it titles, cites every port test, and gives a reason for each not-applicable row', () => {
    expect(doc, `${docRepoPath} is readable`).not.toBe('');
    expect(checkScenarioDoc(doc)).toEqual([]);
  });

  it('parses both tables with 40 and 35 rows (the checker sees the doc)', () => {
    const { tables, problems } = parseScenarioDoc(doc);
    expect(problems).toEqual([]);
    expect(tables.get('aof.tcl')?.length).toBe(40);
    expect(tables.get('aof-multi-part.tcl')?.length).toBe(35);
    expect(tables.get('aof.tcl')?.some((row) => row.notApplicable)).toBe(true);
  });

  it('finds the port tests by title in the scenario files (the checker sees the tests)', () => {
    const titles = testTitlesOf(readRepoFile('conformance/redis-scenarios/aof-tcl.test.ts') ?? '');
    expect(titles.filter((title) => title.startsWith('aof.tcl ')).length).toBeGreaterThanOrEqual(30);
    const multiPart = testTitlesOf(readRepoFile('conformance/redis-scenarios/aof-multi-part-tcl.test.ts') ?? '');
    expect(multiPart.filter((title) => title.startsWith('aof-multi-part.tcl ')).length).toBeGreaterThanOrEqual(30);
  });
});

describe('the scenario-map checker reports a drifted doc', () => {
  it('reports a missing row, and the port test that row should cite', () => {
    const broken = withLineReplaced('| 17 | AOF+SPOP', () => null);
    expect(checkScenarioDoc(broken)).toEqual(['aof.tcl: no row for scenario 17', 'aof.tcl 17: the row does not cite "aof.tcl 17: AOF+SPOP: Server should have been started (SPOP with count)" (conformance/redis-scenarios/aof-tcl.test.ts)']);
  });

  it('reports a duplicated row', () => {
    const broken = withLineReplaced('| 3 | Multi Part AOF', (line) => `${line}\n${line}`);
    expect(checkScenarioDoc(broken)).toEqual([expect.stringMatching(/^aof-multi-part\.tcl: 2 rows for scenario 3 \(lines \d+, \d+\)$/)]);
  });

  it('reports a cited title that is not an it( in the cited file, and the port test left uncited', () => {
    const broken = withLineReplaced('`aof.tcl 3: Truncated AOF loaded', (line) => line.replace('equal to 5`', 'equal to five`'));
    expect(checkScenarioDoc(broken)).toEqual([
      expect.stringMatching(/^aof\.tcl 3 \(line \d+\): "aof\.tcl 3: Truncated AOF loaded: we expect foo to be equal to five" is not the title of an it\( in conformance\/redis-scenarios\/aof-tcl\.test\.ts$/),
      'aof.tcl 3: the row does not cite "aof.tcl 3: Truncated AOF loaded: we expect foo to be equal to 5" (conformance/redis-scenarios/aof-tcl.test.ts)',
    ]);
  });

  it('reports a not-applicable row without a reason', () => {
    const broken = withLineReplaced('| 33 | EVAL can process', (line) => line.replace(/\| not applicable \|.*\|$/, '| not applicable |  |'));
    expect(checkScenarioDoc(broken)).toEqual([expect.stringMatching(/^aof\.tcl 33 \(line \d+\): "not applicable" without a reason in the notes$/)]);
  });

  it('reports a row citing the port test of another scenario number', () => {
    const sixth = "aof-multi-part.tcl 6: Multi Part AOF can't load data when the manifest format is wrong (missing key)";
    const broken = withLineReplaced('| 5 | Multi Part AOF', (line) => line.replace(/`aof-multi-part\.tcl 5: [^`]*`/, `\`${sixth}\``));
    expect(checkScenarioDoc(broken)).toEqual([
      expect.stringMatching(/^aof-multi-part\.tcl 5 \(line \d+\): cites "aof-multi-part\.tcl 6: [^"]*", a test of scenario 6$/),
      'aof-multi-part.tcl 5: the row does not cite "aof-multi-part.tcl 5: Multi Part AOF can\'t load data when the manifest format is wrong (type unknown)" (conformance/redis-scenarios/aof-multi-part-tcl.test.ts)',
    ]);
  });

  it('reads it titles in single quotes, double quotes and backticks, after it(, test(, it.each(...)( and it.skipIf(...)(, and no other calls', () => {
    const source = [
      "it('single \\'quoted\\'', () => {});",
      'it("double, can\'t", async () => {});',
      'test(`backticked`, () => {});',
      "it.each([['a (b)', 1]])('each %s', () => {});",
      "it.skipIf(!gate.run)('skipped if', () => {});",
      "it.only(\n  'on the next line', () => {});",
      "split('not a test'); audit('nor this'); describe('nor a describe', () => {});",
    ].join('\n');
    expect(testTitlesOf(source)).toEqual(["single 'quoted'", "double, can't", 'backticked', 'each %s', 'skipped if', 'on the next line']);
  });
});
