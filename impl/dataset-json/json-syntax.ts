/**
 * A strict RFC 8259 JSON parser that keeps what JSON.parse throws away: every object entry in
 * document order (so duplicate keys can be refused instead of silently dropped), each number's
 * source text, and each value's offset (for line:column in errors).
 *
 * Invariants:
 * - Accepts exactly RFC 8259 JSON: one value, surrounded only by space, tab, CR and LF; no
 *   comments, trailing commas, single quotes, leading zeros, NaN/Infinity or raw control
 *   characters in strings. Anything else is a JsonSyntaxError with the offset of the offending
 *   character and the path of the value being parsed.
 * - Strings are returned as decoded; `\u` escapes may produce lone surrogates (JSON allows
 *   them), which the caller must judge.
 * - Nesting deeper than `maxDepth` is refused, so hostile input cannot overflow the stack.
 */
import type { PathSegment } from './json-path.ts';

export type JsonNode =
  | { readonly kind: 'string'; readonly offset: number; readonly value: string }
  | { readonly kind: 'number'; readonly offset: number; readonly text: string; readonly value: number }
  | { readonly kind: 'boolean'; readonly offset: number; readonly value: boolean }
  | { readonly kind: 'null'; readonly offset: number }
  | { readonly kind: 'array'; readonly offset: number; readonly items: JsonNode[] }
  | { readonly kind: 'object'; readonly offset: number; readonly entries: JsonEntry[] };

export interface JsonEntry {
  readonly key: string;
  readonly keyOffset: number;
  readonly value: JsonNode;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    readonly offset: number,
    readonly path: readonly PathSegment[],
    readonly reason: string,
  ) {
    super(`JSON syntax error at offset ${offset}: ${reason}`);
  }
}

export const defaultMaxDepth = 64;

const numberPattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const hexPattern = /^[0-9a-fA-F]{4}$/;
const simpleEscapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  private at = 0;
  private readonly path: PathSegment[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  parseDocument(): JsonNode {
    this.skipWhitespace();
    const node = this.value();
    this.skipWhitespace();
    if (this.at < this.text.length) this.fail('unexpected text after the JSON value');
    return node;
  }

  private fail(reason: string, offset = this.at): never {
    throw new JsonSyntaxError(offset, [...this.path], reason);
  }

  private describeHere(): string {
    if (this.at >= this.text.length) return 'end of input';
    return `character ${JSON.stringify(this.text[this.at])}`;
  }

  private skipWhitespace(): void {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) this.at += 1;
      else return;
    }
  }

  private value(): JsonNode {
    const offset = this.at;
    switch (this.text[offset]) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return { kind: 'string', offset, value: this.string() };
      case 't':
        return this.literal('true', { kind: 'boolean', offset, value: true });
      case 'f':
        return this.literal('false', { kind: 'boolean', offset, value: false });
      case 'n':
        return this.literal('null', { kind: 'null', offset });
      default:
        return this.number();
    }
  }

  private literal(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.at)) this.fail(`unexpected ${this.describeHere()}, expected a JSON value`);
    this.at += word.length;
    return node;
  }

  private number(): JsonNode {
    const offset = this.at;
    numberPattern.lastIndex = offset;
    const match = numberPattern.exec(this.text);
    if (match === null) this.fail(`unexpected ${this.describeHere()}, expected a JSON value`);
    const text = match[0];
    this.at += text.length;
    const next = this.text[this.at];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail(`malformed number ${JSON.stringify(text + next)}`, offset);
    return { kind: 'number', offset, text, value: Number(text) };
  }

  private string(): string {
    const text = this.text;
    const start = this.at;
    this.at += 1;
    let result = '';
    let runStart = this.at;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (Number.isNaN(code)) this.fail('unterminated string', start);
      if (code === 0x22) {
        result += text.slice(runStart, this.at);
        this.at += 1;
        return result;
      }
      if (code === 0x5c) {
        result += text.slice(runStart, this.at) + this.escape();
        runStart = this.at;
        continue;
      }
      if (code < 0x20) this.fail(`raw control character U+${code.toString(16).padStart(4, '0')} in a string (write it as an escape)`);
      this.at += 1;
    }
  }

  /** At a backslash: returns the escaped text and moves past the escape. */
  private escape(): string {
    const letter = this.text[this.at + 1];
    if (letter === 'u') {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!hexPattern.test(hex)) this.fail('\\u must be followed by four hex digits');
      this.at += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const simple = letter === undefined ? undefined : simpleEscapes[letter];
    if (simple === undefined) this.fail(`invalid escape \\${letter ?? ''}`);
    this.at += 2;
    return simple;
  }

  private enter(): void {
    if (this.path.length >= this.maxDepth) this.fail(`nesting deeper than ${this.maxDepth} levels`);
  }

  private array(): JsonNode {
    const offset = this.at;
    this.enter();
    this.at += 1;
    const items: JsonNode[] = [];
    this.skipWhitespace();
    if (this.text[this.at] === ']') {
      this.at += 1;
      return { kind: 'array', offset, items };
    }
    for (;;) {
      this.path.push(items.length);
      this.skipWhitespace();
      items.push(this.value());
      this.skipWhitespace();
      this.path.pop();
      const next = this.text[this.at];
      this.at += 1;
      if (next === ']') return { kind: 'array', offset, items };
      if (next !== ',') this.fail(`unexpected ${next === undefined ? 'end of input' : JSON.stringify(next)} in an array, expected ',' or ']'`, this.at - 1);
    }
  }

  private object(): JsonNode {
    const offset = this.at;
    this.enter();
    this.at += 1;
    const entries: JsonEntry[] = [];
    this.skipWhitespace();
    if (this.text[this.at] === '}') {
      this.at += 1;
      return { kind: 'object', offset, entries };
    }
    for (;;) {
      this.skipWhitespace();
      const keyOffset = this.at;
      if (this.text[this.at] !== '"') this.fail(`unexpected ${this.describeHere()}, expected a string key`);
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.at] !== ':') this.fail(`unexpected ${this.describeHere()} after key ${JSON.stringify(key)}, expected ':'`);
      this.at += 1;
      this.path.push(key);
      this.skipWhitespace();
      entries.push({ key, keyOffset, value: this.value() });
      this.skipWhitespace();
      this.path.pop();
      const next = this.text[this.at];
      this.at += 1;
      if (next === '}') return { kind: 'object', offset, entries };
      if (next !== ',') this.fail(`unexpected ${next === undefined ? 'end of input' : JSON.stringify(next)} in an object, expected ',' or '}'`, this.at - 1);
    }
  }
}

export function parseJson(text: string, maxDepth = defaultMaxDepth): JsonNode {
  return new Parser(text, maxDepth).parseDocument();
}
