import { describe, it, expect } from 'vitest';
import { not, or, setup, stateIn, type AnyStateMachine, type AnyStateNode, type AnyTransitionDefinition } from 'xstate';
import { persistenceMachine } from '../model/persistence-machine.ts';
import {
  countStatesAndTransitions,
  escapeMarkdownText,
  formatGuard,
  renderStateMachineMarkdown,
} from './state-machine-markdown.ts';

// Walked here independently of the renderer, so that a node or transition it skips is caught.
function nodesBelow(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).flatMap((child) => [child, ...nodesBelow(child)]);
}
function transitionsFrom(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...node.transitions.values()].flat().concat(node.always ?? []);
}
function transitionsOfMachine(machine: AnyStateMachine): AnyTransitionDefinition[] {
  return [machine.root, ...nodesBelow(machine.root)].flatMap(transitionsFrom);
}

/** The lines of every ```mermaid block, fences excluded. */
function mermaidBlocks(markdown: string): string[][] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((match) => (match[1] ?? '').trimEnd().split('\n'));
}

/** The diagram under each `### ` heading, by heading text. */
function diagramsByHeading(markdown: string): Map<string, string[]> {
  const diagrams = new Map<string, string[]>();
  for (const section of markdown.split(/^### /m).slice(1)) {
    const heading = section.slice(0, section.indexOf('\n'));
    const [block] = mermaidBlocks(section);
    if (block !== undefined) diagrams.set(heading, block);
  }
  return diagrams;
}

/** The body rows of the first table after `## heading`. */
function tableRows(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const lines = markdown.slice(start).split('\n');
  const header = lines.findIndex((line) => line.startsWith('| '));
  const end = lines.findIndex((line, i) => i > header && !line.startsWith('|'));
  return lines.slice(header + 2, end);
}

const ID = '[A-Za-z_][A-Za-z0-9_]*';
const ENDPOINT = `(?:\\[\\*\\]|${ID})`;
const DECLARATION = new RegExp(`^state "[^"#]*" as (${ID})(\\{)?$`);
const EDGE = new RegExp(`^(${ENDPOINT}) --> (${ENDPOINT})(?: : ([^:;#{}"'<>]+))?$`);
const NOTE_START = new RegExp(`^note right of (${ID})$`);

/**
 * Every line of a diagram must be one of the few forms the renderer emits, with identifiers made of
 * [A-Za-z0-9_] only (no `.`, no `#`), and every identifier used must have been declared.
 */
function mermaidProblems(block: string[]): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  const used: string[] = [];
  let inNote = false;
  if (block[0] !== 'stateDiagram-v2') problems.push(`first line is ${JSON.stringify(block[0])}`);
  for (const raw of block.slice(1)) {
    const line = raw.trim();
    if (line.includes('#')) problems.push(`'#' in ${JSON.stringify(raw)}`);
    if (inNote) {
      if (line === 'end note') inNote = false;
      else if (/[:;{}"<>]/.test(line) || line === '') problems.push(`bad note text ${JSON.stringify(raw)}`);
      continue;
    }
    const declaration = DECLARATION.exec(line);
    const edge = EDGE.exec(line);
    const note = NOTE_START.exec(line);
    if (declaration?.[1] !== undefined) {
      if (declared.has(declaration[1])) problems.push(`${declaration[1]} declared twice`);
      declared.add(declaration[1]);
    } else if (edge?.[1] !== undefined && edge[2] !== undefined) {
      used.push(edge[1], edge[2]);
    } else if (note?.[1] !== undefined) {
      used.push(note[1]);
      inNote = true;
    } else if (line !== '--' && line !== '}') {
      problems.push(`unexpected line ${JSON.stringify(raw)}`);
    }
  }
  if (inNote) problems.push('unterminated note');
  for (const id of used) if (id !== '[*]' && !declared.has(id)) problems.push(`${id} used but not declared`);
  return problems;
}

/** The ids and labels as the renderer builds them, for a machine whose paths do not collide. */
const idOf = (node: AnyStateNode): string => `s_${node.path.join('_')}`;
function labelOf(transition: AnyTransitionDefinition): string {
  const guard = formatGuard(transition.guard);
  const event = transition.eventType === '' ? 'always' : transition.eventType;
  return guard === undefined ? event : `${event} [${guard}]`;
}
/** The lines of each note, by the id it is attached to. */
function notes(block: string[]): Map<string, string[]> {
  const byId = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of block.map((raw) => raw.trim())) {
    const start = NOTE_START.exec(line);
    if (start?.[1] !== undefined) byId.set(start[1], (current = []));
    else if (line === 'end note') current = undefined;
    else current?.push(line);
  }
  return byId;
}

describe('renderStateMachineMarkdown(persistenceMachine)', () => {
  const markdown = renderStateMachineMarkdown(persistenceMachine);
  const nodes = nodesBelow(persistenceMachine.root);
  const transitions = transitionsOfMachine(persistenceMachine);

  it('starts with the generated-file header, a title and the root description', () => {
    const [header, , title, , intro] = markdown.split('\n');
    expect(header).toBe('<!-- Generated by npm run docs from model/persistence-machine.ts. Do not edit. -->');
    expect(title).toMatch(/^# /);
    expect(persistenceMachine.root.description).toBeTruthy();
    expect(intro).toBe(escapeMarkdownText(persistenceMachine.root.description ?? ''));
  });

  it('is deterministic', () => {
    expect(renderStateMachineMarkdown(persistenceMachine)).toBe(markdown);
  });

  it('lists every state node by its full path, with its description', () => {
    expect(nodes.length).toBeGreaterThan(0);
    const rows = tableRows(markdown, 'States');
    for (const node of nodes) {
      const path = node.path.join('.');
      const row = rows.find((line) => line.startsWith(`| \`${path}\` |`));
      expect(row, path).toBeDefined();
      expect(node.description, path).toBeTruthy();
      expect(row).toContain(escapeMarkdownText(node.description ?? ''));
    }
    expect(markdown).toContain('`running.eventLoop.serving`');
  });

  it("shows every transition's description", () => {
    const descriptions = transitions.map((transition) => transition.description).filter((d) => d !== undefined);
    expect(descriptions).toHaveLength(transitions.length);
    for (const description of descriptions) expect(markdown).toContain(escapeMarkdownText(description));
  });

  it('escapes what Markdown would take for HTML', () => {
    expect(markdown).toContain('temp-&lt;pid&gt;.rdb');
    expect(markdown).not.toContain('<pid>');
  });

  it('has tables with one row per state node and per transition, as counted', () => {
    const counts = countStatesAndTransitions(persistenceMachine);
    expect(counts.states).toBeGreaterThan(0);
    expect(counts.transitions).toBeGreaterThan(0);
    expect(counts).toEqual({ states: nodes.length, transitions: transitions.length });
    expect(tableRows(markdown, 'States')).toHaveLength(counts.states);
    expect(tableRows(markdown, 'Transitions')).toHaveLength(counts.transitions);
    for (const row of [...tableRows(markdown, 'States'), ...tableRows(markdown, 'Transitions')]) {
      expect(row).toMatch(/^\| `[^`]+` \|.*\|$/);
    }
  });

  it('lists the transitions with source, event, guard, every target and description, in document order', () => {
    const rows = tableRows(markdown, 'Transitions');
    transitions.forEach((transition, i) => {
      const guard = formatGuard(transition.guard);
      const targets = (transition.target ?? []).map((target) => `\`${target.path.join('.')}\``).join(', ');
      expect(rows[i]).toContain(`| \`${transition.source.path.join('.') || persistenceMachine.id}\` | \`${transition.eventType}\` |`);
      expect(rows[i]).toContain(`| ${guard === undefined ? '' : `\`${guard}\``} |`);
      expect(rows[i]).toContain(`| ${targets === '' ? '(stays)' : targets} |`);
    });
    expect(markdown).toContain('`running.eventLoop.serving`, `running.child.rdbChild`');
  });

  it('renders named and combinator guards readably', () => {
    expect(markdown).toContain('WRITE [isWriteDenied]');
    expect(markdown).toContain('CRON [and(inNoChild, isSavePointDue)]');
    expect(markdown).toContain('SET_APPENDONLY [not(isAppendonly)]');
    expect(markdown).toContain('AOF_BASE_RENAMED [inServing]');
    expect(markdown).not.toMatch(/\[object |\bundefined\b|function /);
  });

  it('has an overview and one diagram per state with children, each a stateDiagram-v2', () => {
    const blocks = mermaidBlocks(markdown);
    const withChildren = nodes.filter((node) => Object.keys(node.states).length > 0);
    expect(blocks).toHaveLength(1 + withChildren.length);
    for (const block of blocks) expect(block[0]).toBe('stateDiagram-v2');
    const diagrams = diagramsByHeading(markdown);
    expect([...diagrams.keys()]).toEqual(['Overview', ...withChildren.map((node) => `\`${node.path.join('.')}\``)]);
    for (const key of ['`running.eventLoop`', '`running.child`', '`running.eventLoop.saving`', '`running.eventLoop.rotatingIncr`']) {
      expect(diagrams.has(key), key).toBe(true);
    }
  });

  it('writes only Mermaid lines GitHub parses: sanitized ids, declared, labels without # : ; { } or quotes', () => {
    for (const block of mermaidBlocks(markdown)) expect(mermaidProblems(block), block.join('\n')).toEqual([]);
  });

  it('shows the regions of a parallel state as -- separated sections', () => {
    const running = diagramsByHeading(markdown).get('`running`') ?? [];
    expect(running.map((line) => line.trim())).toEqual([
      'stateDiagram-v2',
      expect.stringMatching(/^state ".*" as s_running\{$/),
      'state "eventLoop (compound)" as s_running_eventLoop',
      '[*] --> s_running_eventLoop',
      '--',
      'state "child (compound)" as s_running_child',
      '[*] --> s_running_child',
      '}',
    ]);
  });

  it("draws each transition in its source's parent diagram: an edge to each target, or a self-transition note", () => {
    const diagrams = diagramsByHeading(markdown);
    let checked = 0;
    for (const transition of transitions) {
      const source = transition.source;
      const parent = source.parent;
      if (parent === undefined || parent.type === 'parallel') continue;
      const block = diagrams.get(parent === persistenceMachine.root ? 'Overview' : `\`${parent.path.join('.')}\``) ?? [];
      const lines = block.map((line) => line.trim());
      const isWithin = (node: AnyStateNode, ancestor: AnyStateNode): boolean =>
        ancestor.path.every((key, i) => node.path[i] === key);
      const selfTargets = (transition.target ?? []).filter((target) => isWithin(target, source));
      if ((transition.target ?? []).length === 0 || selfTargets.length > 0) {
        expect(notes(block).get(idOf(source)) ?? [], `${source.path.join('.')} ${labelOf(transition)}`).toContain(labelOf(transition));
      }
      for (const target of transition.target ?? []) {
        if (isWithin(target, source)) continue;
        const shown = isWithin(target, parent) ? target.path.slice(0, parent.path.length + 1) : target.path;
        expect(lines).toContain(`s_${source.path.join('_')} --> s_${shown.join('_')} : ${labelOf(transition)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    // A two-target transition: one edge per target.
    const rewriteChild = diagramsByHeading(markdown).get("`running.child.rewriteChild`") ?? [];
    expect(rewriteChild).toContain('  s_running_child_rewriteChild_exited --> s_running_eventLoop_finishingRewrite : AOF_BASE_RENAMED [inServing]');
    expect(rewriteChild).toContain('  s_running_child_rewriteChild_exited --> s_running_child_none : AOF_BASE_RENAMED [inServing]');
  });
});

describe('formatGuard', () => {
  it('names string, object, stateIn, combinator and inline guards', () => {
    expect(formatGuard(undefined)).toBeUndefined();
    expect(formatGuard('isAofOn')).toBe('isAofOn');
    expect(formatGuard({ type: 'isAofOn', params: { x: 1 } })).toBe('isAofOn');
    expect(formatGuard(stateIn('#noChild'))).toBe('inNoChild');
    expect(formatGuard(stateIn({ running: { child: 'none' } }))).toBe('in(running.child.none)');
    expect(formatGuard(or(['a', not(stateIn('#x'))]))).toBe('or(a, not(inX))');
    expect(formatGuard(function isLate() { return true; })).toBe('isLate');
  });
});

describe('renderStateMachineMarkdown on edge cases', () => {
  const machine = setup({ guards: { g1: () => true, g2: () => false } }).createMachine({
    id: 'edge',
    description: 'Edge cases: <html> & | pipes.',
    initial: 'a-b',
    states: {
      'a-b': {
        description: 'A key with a dash.',
        on: {
          GO: { target: 'a_b', guard: or(['g1', not('g2')]), description: 'Combinators.' },
          STAY: { guard: { type: 'g1' }, description: 'A parameterized guard, no target.' },
          'ns:EV#1;{x}': { target: 'done', description: 'An event name Mermaid would misread.' },
          'ns:SELF#2': { description: 'Another, in a note.' },
        },
      },
      a_b: {
        description: 'The same Mermaid id as a-b once sanitized.',
        always: { target: 'done', guard: 'g2', description: 'An eventless transition.' },
      },
      done: { type: 'final', description: 'The end.' },
    },
  });
  const markdown = renderStateMachineMarkdown(machine);

  it('keeps ids unique and valid, draws eventless and final transitions', () => {
    const [overview] = mermaidBlocks(markdown);
    expect(overview).toBeDefined();
    expect(mermaidProblems(overview ?? [])).toEqual([]);
    expect(overview).toEqual([
      'stateDiagram-v2',
      '  state "a-b" as s_a_b',
      '  state "a_b" as s_a_b_2',
      '  state "done" as s_done',
      '  [*] --> s_a_b',
      '  s_done --> [*]',
      '  s_a_b --> s_a_b_2 : GO [or(g1, not(g2))]',
      '  s_a_b --> s_done : nsEV1x',
      '  s_a_b_2 --> s_done : always [g2]',
      '  note right of s_a_b',
      'Self-transitions',
      'STAY [g1]',
      'nsSELF2',
      '  end note',
    ]);
  });

  it('escapes descriptions and counts the eventless transition', () => {
    expect(markdown).toContain('Edge cases: &lt;html&gt; &amp; \\| pipes.');
    expect(countStatesAndTransitions(machine)).toEqual({ states: 3, transitions: 5 });
    expect(tableRows(markdown, 'Transitions')).toHaveLength(5);
    expect(markdown).toContain('| `a-b` | `ns:EV#1;{x}` |');
    expect(markdown).toContain('| `a_b` | `always` | `g2` | `done` |');
  });
});
