/**
 * Goal: the manifest is written byte for byte as Redis 7.0 writes it and parsed with Redis's
 * rules and reasons: the manifests of tests/integration/aof-multi-part.tcl (facts §6.2) load or
 * fail as the server does, and format → parse is the identity. Cases marked EMP were checked
 * against redis-server 7.0.15 / redis-check-aof while writing this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParameters } from '../../scripts/testing/property-seed.ts';
import type { AofManifest, AofManifestEntry } from './aof-manifest.ts';
import {
  AofManifestError,
  aofManifestReasons,
  baseFileName,
  formatAofManifest,
  incrFileName,
  manifestFileName,
  manifestNameNeedsQuotes,
  parseAofManifest,
  quoteManifestName,
  splitManifestArgs,
  tempIncrFileName,
  tempManifestFileName,
} from './aof-manifest-codec.ts';

const manifestName = 'appendonly.aof.manifest';
const parse = (text: string) => parseAofManifest(Buffer.from(text, 'latin1'), manifestName);
const format = (manifest: AofManifest) => Buffer.from(formatAofManifest(manifest)).toString('latin1');
const entry = (fileName: string, seq: number, type: AofManifestEntry['type']): AofManifestEntry => ({ fileName, seq, type });

function parseError(text: string): AofManifestError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof AofManifestError) return error;
    throw error;
  }
  throw new Error('expected an AofManifestError');
}

describe('AOF file names (aof.c naming rules)', () => {
  it('derives every name from appendfilename as Redis 7.0 does', () => {
    expect(baseFileName('appendonly.aof', 1, 'rdb')).toBe('appendonly.aof.1.base.rdb');
    expect(baseFileName('appendonly.aof', 2, 'aof')).toBe('appendonly.aof.2.base.aof');
    expect(incrFileName('appendonly.aof', 3)).toBe('appendonly.aof.3.incr.aof');
    expect(manifestFileName('appendonly.aof')).toBe('appendonly.aof.manifest');
    expect(tempManifestFileName('appendonly.aof')).toBe('temp-appendonly.aof.manifest');
    expect(tempIncrFileName('appendonly.aof')).toBe('temp-appendonly.aof.incr');
    expect(incrFileName('appendonly.aof2', 1)).toBe('appendonly.aof2.1.incr.aof');
  });

  it.each([[0], [-1], [1.5]])('refuses the seq %d for a new file', (seq) => {
    expect(() => incrFileName('appendonly.aof', seq)).toThrow(/seq/);
  });
});

describe('formatAofManifest', () => {
  it('EMP: writes the fresh-start manifest exactly', () => {
    const manifest = { base: entry('appendonly.aof.1.base.rdb', 1, 'base'), history: [], incrs: [entry('appendonly.aof.1.incr.aof', 1, 'incr')] };
    expect(format(manifest)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });

  it('writes base, then history in list order, then incrs (the auto-gc test order)', () => {
    const manifest = {
      base: entry('appendonly.aof.7.base.rdb', 7, 'base'),
      history: [entry('appendonly.aof.2.incr.aof', 2, 'history'), entry('appendonly.aof.6.base.rdb', 6, 'history'), entry('appendonly.aof.1.incr.aof', 1, 'history')],
      incrs: [entry('appendonly.aof.3.incr.aof', 3, 'incr')],
    };
    expect(format(manifest).split('\n')).toEqual([
      'file appendonly.aof.7.base.rdb seq 7 type b',
      'file appendonly.aof.2.incr.aof seq 2 type h',
      'file appendonly.aof.6.base.rdb seq 6 type h',
      'file appendonly.aof.1.incr.aof seq 1 type h',
      'file appendonly.aof.3.incr.aof seq 3 type i',
      '',
    ]);
  });

  it('EMP (test 24, whitespace in appendfilename): quotes like sdscatrepr, byte for byte', () => {
    const name = Buffer.from('a\'b c"é\tx.aof.1.base.rdb', 'utf8').toString('latin1');
    expect(format({ base: entry(name, 1, 'base'), history: [], incrs: [] })).toBe('file "a\'b c\\"\\xc3\\xa9\\tx.aof.1.base.rdb" seq 1 type b\n');
    expect(format({ base: entry(' file seq \n\n.aof .2.base.rdb', 2, 'base'), history: [], incrs: [] })).toBe('file " file seq \\n\\n.aof .2.base.rdb" seq 2 type b\n');
  });

  it('EMP: quotes a name with a single quote, which Redis 7.0.15 writes bare and then cannot parse', () => {
    expect(parseError("file a'b.aof.1.base.rdb seq 1 type b\n").reason).toBe(aofManifestReasons.invalidFormat);
    const text = format({ base: entry("a'b.aof.1.base.rdb", 1, 'base'), history: [], incrs: [] });
    expect(text).toBe('file "a\'b.aof.1.base.rdb" seq 1 type b\n');
    expect(parse(text).base?.fileName).toBe("a'b.aof.1.base.rdb");
  });

  it('escapes \\\\, ", \\r, \\a, \\b and non-printable bytes as sdscatrepr does', () => {
    expect(quoteManifestName('a\\b"c\r\x07\b\x00\x7f\xff')).toBe('"a\\\\b\\"c\\r\\a\\b\\x00\\x7f\\xff"');
  });

  it('refuses manifests the parser would reject or misread', () => {
    expect(() => format({ base: entry('dir/x', 1, 'base'), history: [], incrs: [] })).toThrow(/bare name/);
    expect(() => format({ base: entry('x\\y', 1, 'base'), history: [], incrs: [] })).toThrow(/bare name/);
    expect(() => format({ base: entry('x\0y', 1, 'base'), history: [], incrs: [] })).toThrow(/bare name/);
    expect(() => format({ base: entry('x', 0, 'base'), history: [], incrs: [] })).toThrow(/non-zero/);
    expect(() => format({ base: null, history: [], incrs: [entry('a', 2, 'incr'), entry('b', 2, 'incr')] })).toThrow(/strictly increase/);
    expect(() => format({ base: entry('x', 1, 'incr'), history: [], incrs: [] })).toThrow(/base slot/);
    expect(() => format({ base: entry('x'.repeat(1100), 1, 'base'), history: [], incrs: [] })).toThrow(/1024-byte/);
  });
});

describe('parseAofManifest: the aof-multi-part.tcl manifests', () => {
  const base1 = 'file appendonly.aof.1.base.aof seq 1 type b\n';
  const incr1 = 'file appendonly.aof.1.incr.aof seq 1 type i\n';

  it('test 1 (some file missing): the manifest itself parses; existence is the loader\'s check', () => {
    const manifest = parse(`${base1}${incr1}file appendonly.aof.2.incr.aof seq 2 type i\n`);
    expect(manifest.base).toEqual(entry('appendonly.aof.1.base.aof', 1, 'base'));
    expect(manifest.incrs.map((incr) => incr.seq)).toEqual([1, 2]);
  });

  it.each([
    ['test 2, sequence not increasing', 'file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.1.incr.aof seq 1 type i\n', aofManifestReasons.nonMonotonic, 2, 44],
    ['test 3, blank line', `${incr1}\nfile appendonly.aof.3.incr.aof seq 3 type i\n`, aofManifestReasons.invalidFormat, 2, 44],
    ['test 4, duplicate base', `${base1}file appendonly.aof.2.base.aof seq 2 type b\n${incr1}`, aofManifestReasons.duplicateBase, 2, 44],
    ['test 5, type unknown', `file appendonly.aof.1.base.aof seq 1 type x\n${incr1}`, aofManifestReasons.unknownType, 1, 0],
    ['test 6, missing key (filx)', `filx appendonly.aof.1.base.aof seq 1 type b\n${incr1}`, aofManifestReasons.invalidFormat, 1, 0],
    ['test 7, line too short (no seq)', `${base1}file appendonly.aof.1.incr.aof type i\n`, aofManifestReasons.invalidFormat, 2, 44],
    ['test 8, line too long', `${'file appendonly.aof.1.base.aof seq 1 type b '.repeat(47)}\n${incr1}`, aofManifestReasons.tooLongLine, 1, 0],
    ['test 9, odd parameter', `${base1}file appendonly.aof.1.incr.aof seq 1 type i newkey\n`, aofManifestReasons.invalidFormat, 2, 44],
    ['test 10, empty manifest', '', aofManifestReasons.empty, 0, 0],
  ])('%s fails with Redis\'s reason', (_, text, reason, line, offset) => {
    const error = parseError(text);
    expect({ reason: error.reason, line: error.line, offset: error.offset, fileName: error.fileName }).toEqual({ reason, line, offset, fileName: manifestName });
    expect(error.message).toContain(manifestName);
    expect(error.message).toContain(reason);
  });

  it('test 13: a discontinuous incr sequence (1, 3) loads', () => {
    expect(parse(`${base1}${incr1}file appendonly.aof.3.incr.aof seq 3 type i\n`).incrs.map((incr) => incr.seq)).toEqual([1, 3]);
  });

  it('test 14: an unknown key/value pair is ignored', () => {
    const manifest = parse(`file appendonly.aof.1.base.aof seq 1 type b newkey newvalue\n${incr1}file appendonly.aof.3.incr.aof seq 3 type i\n`);
    expect(manifest).toEqual({ base: entry('appendonly.aof.1.base.aof', 1, 'base'), history: [], incrs: [entry('appendonly.aof.1.incr.aof', 1, 'incr'), entry('appendonly.aof.3.incr.aof', 3, 'incr')] });
  });

  it('test 24: quoted names with whitespace, escapes and \\xHH load', () => {
    const manifest = parse('file " file seq \\n\\n.aof .2.base.rdb" seq 2 type b\nfile " file seq \\n\\n.aof .2.incr.aof" seq 2 type i\n');
    expect(manifest.base?.fileName).toBe(' file seq \n\n.aof .2.base.rdb');
    expect(manifest.incrs[0]?.fileName).toBe(' file seq \n\n.aof .2.incr.aof');
  });

  it('reads each C escape of a double-quoted name as sdssplitargs does (\\n \\r \\t \\b \\a)', () => {
    const manifest = parse('file "x\\ny\\rz\\tw\\bv\\au.aof" seq 1 type b\n');
    expect(manifest.base?.fileName).toBe('x\ny\rz\tw\bv\x07u.aof');
  });
});

describe('parseAofManifest: edge rules (EMP against redis-check-aof 7.0.15)', () => {
  it.each([
    ['no final newline', 'file appendonly.aof.1.incr.aof seq 1 type i', aofManifestReasons.tooLongLine, 1],
    ['a 1024-char line + "\\n"', `file a seq 1 type i${' '.repeat(1005)}\n`, aofManifestReasons.tooLongLine, 1],
    ['a comment longer than 1024 bytes (its rest is line 2)', `#${'c'.repeat(1100)}\nfile a seq 1 type i\n`, aofManifestReasons.invalidFormat, 2],
    ['a negative incr seq', 'file appendonly.aof.1.incr.aof seq -3 type i\n', aofManifestReasons.nonMonotonic, 1],
    ['a repeated incr seq', 'file a seq 1 type i\nfile b seq 1 type i\n', aofManifestReasons.nonMonotonic, 2],
    ['an indented "#" line (only column 0 starts a comment)', '  # note\nfile a seq 1 type i\n', aofManifestReasons.invalidFormat, 1],
    ['seq 0', 'file a seq 0 type i\n', aofManifestReasons.invalidFormat, 1],
    ['a non-numeric seq (atoll 0)', 'file a seq x1 type i\n', aofManifestReasons.invalidFormat, 1],
    ['an empty type', 'file a seq 1 type ""\n', aofManifestReasons.invalidFormat, 1],
    ['a backslash in the name', 'file a\\b seq 1 type i\n', aofManifestReasons.path, 1],
    ['a slash, even before a missing seq', 'file dir/a type i x y\n', aofManifestReasons.path, 1],
    ['a closing quote followed by a non-blank', 'file "a"x seq 1 type i\n', aofManifestReasons.invalidFormat, 1],
    ['an unterminated quote', 'file "a seq 1 type i\n', aofManifestReasons.invalidFormat, 1],
    ['a NUL before the newline (strchr stops there)', 'file a seq 1 type i\0\n', aofManifestReasons.tooLongLine, 1],
    ['a seq beyond 2^53 (durakv refuses; Redis saturates)', 'file a seq 99999999999999999999 type i\n', aofManifestReasons.invalidFormat, 1],
  ])('refuses %s', (_, text, reason, line) => {
    expect(parseError(text)).toMatchObject({ reason, line });
  });

  it.each([
    ['a 1023-char line + "\\n" (fits the 1025-byte buffer)', `file a seq 1 type i${' '.repeat(1004)}\n`],
    ['"1abc" as seq (atoll 1)', 'file a seq 1abc type i\n'],
    ['"incr" as type (first byte)', 'file a seq 1 type incr\n'],
    ['upper-case keys', 'FILE a SEQ 1 TYPE i\n'],
    ['leading and trailing blanks and CRLF', '   file a seq 1 type i  \r\n'],
    ['single-quoted names', "file 'a' seq 1 type i\n"],
    ['a comment line', '# written by hand\nfile a seq 1 type i\n'],
  ])('accepts %s', (_, text) => {
    expect(parse(text).incrs).toEqual([entry('a', 1, 'incr')]);
  });

  it('accepts a manifest of comments only as an empty manifest, and an empty quoted name', () => {
    expect(parse('# nothing yet\n')).toEqual({ base: null, history: [], incrs: [] });
    expect(parse('file "" seq 1 type b\n').base).toEqual(entry('', 1, 'base'));
  });

  it('lets a later pair override an earlier one and accepts a negative history seq', () => {
    expect(parse('file x seq 1 type i file a\n').incrs).toEqual([entry('a', 1, 'incr')]);
    expect(parse('file h seq -2 type h\n').history).toEqual([entry('h', -2, 'history')]);
  });

  it('splits arguments like sdssplitargs', () => {
    expect(splitManifestArgs('a "b c" \'d\\\'e\' "\\x41\\x4g\\q"')).toEqual(['a', 'b c', "d'e", 'Ax4gq']);
    expect(splitManifestArgs('a\vb \fc')).toEqual(['a\vb', 'c']);
    expect(splitManifestArgs('ab"cd"')).toEqual(['abcd']);
    expect(splitManifestArgs("'a'b")).toBeUndefined();
  });
});

describe('manifest round trip', () => {
  const nameArbitrary = fc.oneof(
    fc.stringMatching(/^[a-z0-9.]{1,30}$/),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes.filter((byte) => byte !== 0x2f && byte !== 0x5c && byte !== 0)).toString('latin1')),
    fc.constantFrom('', ' ', "'", '"', '#', 'a b', 'x41"', ' file seq \n\n.aof '),
  );
  const seqArbitrary = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }).filter((seq) => seq !== 0));
  const manifestArbitrary = fc
    .record({
      base: fc.option(fc.tuple(nameArbitrary, seqArbitrary), { nil: null }),
      history: fc.array(fc.tuple(nameArbitrary, seqArbitrary), { maxLength: 5 }),
      incrs: fc.uniqueArray(fc.tuple(nameArbitrary, fc.integer({ min: 1, max: 2 ** 53 - 1 })), { maxLength: 5, selector: ([, seq]) => seq }),
    })
    .map(
      ({ base, history, incrs }): AofManifest => ({
        base: base === null ? null : entry(base[0], base[1], 'base'),
        history: history.map(([name, seq]) => entry(name, seq, 'history')),
        incrs: [...incrs].sort((left, right) => left[1] - right[1]).map(([name, seq]) => entry(name, seq, 'incr')),
      }),
    );

  it('parse(format(m)) equals m, and a non-empty manifest ends with exactly one "\\n" per entry (property)', () => {
    fc.assert(
      fc.property(manifestArbitrary, (manifest) => {
        const bytes = formatAofManifest(manifest);
        const count = (manifest.base === null ? 0 : 1) + manifest.history.length + manifest.incrs.length;
        if (count === 0) {
          expect(bytes.length).toBe(0);
          return;
        }
        expect(parseAofManifest(bytes, manifestName)).toEqual(manifest);
        expect(bytes[bytes.length - 1]).toBe(0x0a);
      }),
      propertyParameters('AOF manifest round trip', 500),
    );
  });
});

describe('AofManifestError: what the refusal says', () => {
  it.each([
    ['a blank first line', '\nfile a seq 1 type i\n', 1, 0, 'Invalid AOF manifest file format (blank line)'],
    ['an unterminated quote', 'file a seq 1 type i\nfile "b seq 2 type i\n', 2, 20, 'Invalid AOF manifest file format (unbalanced quotes)'],
    ['4 tokens (too few, even)', 'file a seq 1\n', 1, 0, 'Invalid AOF manifest file format (4 tokens)'],
    ['a line without a type pair', 'file a seq 1 kind i\n', 1, 0, 'Invalid AOF manifest file format (missing file, seq or type)'],
    ['a seq beyond 2^53', 'file a seq 9007199254740993 type i\n', 1, 0, 'Invalid AOF manifest file format (seq 9007199254740992 is beyond 2^53)'],
    ['an incr seq 2 after 5', 'file a seq 5 type i\nfile b seq 2 type i\n', 2, 20, 'Found a non-monotonic sequence number (seq 2 after 5)'],
    ['type "x"', 'file a seq 1 type x\n', 1, 0, 'Unknown AOF file type (type "x")'],
    ['a second base (no detail)', 'file a seq 1 type b\nfile b seq 2 type b\n', 2, 20, 'Found duplicate base file information'],
  ])('names the file, line, offset, Redis\'s reason and the detail for %s', (_, text, line, offset, what) => {
    const error = parseError(text);
    expect(error).toMatchObject({ line, offset });
    expect(String(error)).toBe(`AofManifestError: ${manifestName}: invalid AOF manifest at line ${line} (offset ${offset}): ${what}`);
  });

  it('names the reason alone, without a detail, for an empty file and a too long line', () => {
    expect(String(parseError(''))).toBe(`AofManifestError: ${manifestName}: invalid AOF manifest at line 0 (offset 0): Found an empty AOF manifest`);
    expect(parseError('file a seq 1 type i').message).toBe(`${manifestName}: invalid AOF manifest at line 1 (offset 0): The AOF manifest file contains too long line`);
  });
});

describe('parseAofManifest: lines, blanks and quotes as fgets and sdssplitargs see them', () => {
  it('skips a last comment line that has no final newline (only non-comment lines need one)', () => {
    expect(parse('file a seq 1 type i\n# trailing note, no newline').incrs).toEqual([entry('a', 1, 'incr')]);
  });

  it('refuses a line that starts with a NUL byte as too long (strchr sees an empty string)', () => {
    expect(parseError('file a seq 1 type i\n\0file b seq 2 type i\n')).toMatchObject({ reason: aofManifestReasons.tooLongLine, line: 2, offset: 20 });
  });

  it('reads a name starting with a NUL byte as the empty name (a C string ends at the NUL)', () => {
    expect(parse('file "\\x00tail" seq 1 type b\n').base).toEqual(entry('', 1, 'base'));
  });

  it.each([
    ['tokens separated by a tab', 'file\ta\tseq\t1\ttype\ti\n'],
    ['tokens separated by a carriage return', 'file\ra\rseq\r1\rtype\ri\n'],
    ['tokens separated by runs of tab, VT, FF and CR after a space', 'file \t\t a \v\v seq \f\f 1 \r\r type \t\v\f\r i\n'],
    ['a double-quoted value at the end of the line', 'file a seq 1 type "i"\n'],
    ['a single-quoted value at the end of the line', "file a seq 1 type 'i'\n"],
    ['quoted values followed by tab, VT, FF and CR', 'file "a"\tseq \'1\'\vtype "i"\f\r\n'],
    ['a quoted seq with leading C blanks (atoll skips them)', 'file a seq "\\t\\n\\x0b\\x0c\\r 1" type i\n'],
  ])('accepts %s', (_, text) => {
    expect(parse(text).incrs).toEqual([entry('a', 1, 'incr')]);
  });

  it.each([
    ['double', '"file"a seq 1 type i\n'],
    ['single', "'file'a seq 1 type i\n"],
  ])('refuses a closing %s quote glued to the next token, even when the tokens would pair up', (_, text) => {
    expect(parseError(text)).toMatchObject({ reason: aofManifestReasons.invalidFormat, detail: 'unbalanced quotes' });
  });

  it('keeps a backslash inside single quotes literal, so a single-quoted name with one is a path', () => {
    expect(parseError("file 'a\\b' seq 1 type i\n").reason).toBe(aofManifestReasons.path);
    expect(splitManifestArgs("'a\\b' 'c\\d'")).toEqual(['a\\b', 'c\\d']);
  });

  it('splits on LF between tokens and after a closing quote (splitManifestArgs on an untrimmed line)', () => {
    expect(splitManifestArgs('a\nb \n c "d"\ne')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('reads \\xHH only after a backslash: names with "x" + two hex digits, or an escape + two hex digits, round-trip', () => {
    for (const name of ['my box12.aof.1.base.rdb', 'tab\tff.aof', 'quote"be.aof', 'nl\n00.aof', 'cr\r0a.aof']) {
      const manifest: AofManifest = { base: entry(name, 1, 'base'), history: [], incrs: [] };
      expect(parseAofManifest(formatAofManifest(manifest), manifestName)).toEqual(manifest);
    }
    expect(splitManifestArgs('"axab" "\\nab"')).toEqual(['axab', '\nab']);
  });
});

describe('formatAofManifest: which names are quoted', () => {
  it('writes a name with "~" (printable 0x7e) bare', () => {
    expect(format({ base: entry('backup~.aof.1.base.rdb', 1, 'base'), history: [], incrs: [] })).toBe('file backup~.aof.1.base.rdb seq 1 type b\n');
  });

  it.each([
    ['appendonly.aof.1.base.rdb', false],
    ['a~b', false],
    ['', true],
    ['a b', true],
    ['a\\b', true],
    ['a"b', true],
    ["a'b", true],
    ['a\tb', true],
    ['a\x7fb', true],
    ['a\xe9b', true],
  ])('manifestNameNeedsQuotes(%j) is %s (sdsneedsrepr, plus empty and a single quote)', (name, expected) => {
    expect(manifestNameNeedsQuotes(name)).toBe(expected);
  });
});
