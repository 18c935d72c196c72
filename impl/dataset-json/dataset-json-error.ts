/**
 * DatasetJsonError: the one error datasetFromJson throws, for bad syntax and for well-formed JSON
 * that is not a valid dataset.
 *
 * Invariants:
 * - Names the source (a file name or other label the caller passed), the JSON path of the
 *   offending value (`$["0"]["mykey"].value[3]`: object keys as written in the document, JSON
 *   quoted; the entry properties as `.type`, `.value`, `.expireAtMs`; array indexes) and the
 *   reason. `line` and `column` (1-based, in UTF-16 code units) locate the value in the text.
 * - The message is `<source>:<line>:<column>: <path>: <reason>`.
 */

export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

export class DatasetJsonError extends Error {
  override readonly name = 'DatasetJsonError';
  readonly sourceName: string;
  readonly path: string;
  readonly reason: string;
  readonly line: number;
  readonly column: number;

  constructor(sourceName: string, path: string, reason: string, position: TextPosition) {
    super(`${sourceName}:${position.line}:${position.column}: ${path}: ${reason}`);
    this.sourceName = sourceName;
    this.path = path;
    this.reason = reason;
    this.line = position.line;
    this.column = position.column;
  }
}

/** Line and column (1-based) of a UTF-16 offset in `text`; computed only when reporting. */
export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
