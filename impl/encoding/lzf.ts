/**
 * LZF compression (the format of liblzf, which Redis uses for RDB strings): a stream of
 * literal runs (`ctrl < 32`: copy ctrl+1 bytes) and back-references (`len = ctrl >> 5`, 7 means
 * "add the next byte"; distance = ((ctrl & 31) << 8 | next) + 1; copy len+2 bytes).
 *
 * Invariants:
 * - `lzfDecompress(lzfCompress(x, limit)!, x.length)` equals x whenever compression succeeds.
 * - The compressor never emits more than `maxOutput` bytes; if it cannot, it returns undefined.
 * - Output is deterministic: the hash table is tagged with a per-call generation, so entries left
 *   by earlier calls are never used.
 * - The decompressor never reads outside its input nor writes outside `outputLength`, and any
 *   malformed stream (overrun, reference before the start, wrong total) is a BlobFormatError.
 */
import assert from 'node:assert/strict';
import { BlobFormatError } from './rdb-decode-error.ts';

const hashBits = 16;
const maxLiteralRun = 32;
const maxDistance = 8192;
const maxMatchLength = 264;

/** Hash table slots hold `generationBase + position + 1`; anything below the base is stale. */
const table = new Float64Array(1 << hashBits);
let generationBase = 0;

function hashAt(input: Uint8Array, at: number): number {
  const value = ((input[at] as number) << 16) | ((input[at + 1] as number) << 8) | (input[at + 2] as number);
  return (Math.imul(value, 0x9e3779b1) >>> (32 - hashBits)) & ((1 << hashBits) - 1);
}

/** The compressor's work buffer, reused across calls; a success returns a copy of its prefix. */
let scratch = new Uint8Array(4096);

function scratchOutput(length: number): Uint8Array {
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
  return scratch;
}

/** Compresses `input` into at most `maxOutput` bytes, or returns undefined if it does not fit. */
export function lzfCompress(input: Uint8Array, maxOutput: number): Uint8Array | undefined {
  if (input.length === 0) return undefined;
  if (generationBase > 2 ** 50) {
    table.fill(0);
    generationBase = 0;
  }
  const base = generationBase;
  generationBase += input.length + 1;
  const output = scratchOutput(input.length + Math.ceil(input.length / maxLiteralRun) + 1);
  let out = 1; // output[0] is the control byte of the first literal run
  let literal = 0;
  let at = 0;
  while (at + 2 < input.length) {
    const slot = hashAt(input, at);
    const stored = table[slot] as number;
    table[slot] = base + at + 1;
    const reference = stored > base ? stored - base - 1 : -1;
    const distance = at - reference;
    if (
      reference >= 0 &&
      distance <= maxDistance &&
      input[reference] === input[at] &&
      input[reference + 1] === input[at + 1] &&
      input[reference + 2] === input[at + 2]
    ) {
      const longest = Math.min(maxMatchLength, input.length - at);
      let length = 3;
      while (length < longest && input[reference + length] === input[at + length]) length += 1;
      if (literal > 0) output[out - literal - 1] = literal - 1;
      else out -= 1; // drop the reserved, unused control byte
      const code = length - 2;
      const offset = distance - 1;
      if (code < 7) output[out++] = (code << 5) | (offset >> 8);
      else {
        output[out++] = (7 << 5) | (offset >> 8);
        output[out++] = code - 7;
      }
      output[out++] = offset & 0xff;
      out += 1; // reserve the next literal control byte
      literal = 0;
      for (let skipped = at + 1; skipped < at + length && skipped + 2 < input.length; skipped += 1) {
        table[hashAt(input, skipped)] = base + skipped + 1;
      }
      at += length;
    } else {
      output[out++] = input[at++] as number;
      literal += 1;
      if (literal === maxLiteralRun) {
        output[out - literal - 1] = literal - 1;
        literal = 0;
        out += 1;
      }
    }
    if (out > maxOutput + 1) return undefined;
  }
  while (at < input.length) {
    output[out++] = input[at++] as number;
    literal += 1;
    if (literal === maxLiteralRun) {
      output[out - literal - 1] = literal - 1;
      literal = 0;
      out += 1;
    }
  }
  if (literal > 0) output[out - literal - 1] = literal - 1;
  else out -= 1;
  if (out > maxOutput) return undefined;
  assert.ok(out <= input.length + Math.ceil(input.length / maxLiteralRun) + 1, 'LZF output stays inside its worst-case bound');
  return output.slice(0, out);
}

function lzfFault(at: number, detail: string): never {
  throw new BlobFormatError('LZF string', at, detail);
}

/** Decompresses an LZF stream that must produce exactly `outputLength` bytes. */
export function lzfDecompress(input: Uint8Array, outputLength: number): Uint8Array {
  const output = new Uint8Array(outputLength);
  let at = 0;
  let out = 0;
  while (at < input.length) {
    const control = input[at++] as number;
    if (control < maxLiteralRun) {
      const run = control + 1;
      if (at + run > input.length) lzfFault(at, 'literal run overruns the compressed input');
      if (out + run > outputLength) lzfFault(at, 'literal run overruns the declared length');
      output.set(input.subarray(at, at + run), out);
      at += run;
      out += run;
      continue;
    }
    let length = control >> 5;
    if (length === 7) {
      if (at >= input.length) lzfFault(at, 'back-reference length byte missing');
      length += input[at++] as number;
    }
    if (at >= input.length) lzfFault(at, 'back-reference offset byte missing');
    const distance = (((control & 0x1f) << 8) | (input[at++] as number)) + 1;
    length += 2;
    if (distance > out) lzfFault(at, `back-reference ${distance} bytes before the start`);
    if (out + length > outputLength) lzfFault(at, 'back-reference overruns the declared length');
    for (let index = 0; index < length; index += 1, out += 1) output[out] = output[out - distance] as number;
  }
  if (out !== outputLength) lzfFault(at, `decompressed to ${out} bytes, declared ${outputLength}`);
  return output;
}
