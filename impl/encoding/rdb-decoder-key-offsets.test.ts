/**
 * Goal: every 'key' item names the file offset of its record's type byte, and with
 * checkDuplicateKeys false the decoder leaves duplicate detection to its caller (emitting both
 * copies) while by default it still refuses the second copy at that same offset.
 * Method: hand-made files (a string, an expiring string, a list read element by element) and
 * the offsets located in their bytes.
 */
import { describe, expect, it } from 'vitest';
import { RdbDecodeError } from './rdb-decode-error.ts';
import { RdbDecoder } from './rdb-decoder.ts';
import { opcode } from './rdb-format.ts';
import { rdbFile } from './testing/rdb-test-file.ts';

const file = rdbFile((writer) => {
  writer.byte(opcode.selectDb).length(0);
  writer.byte(0).string('a').string('one');
  writer.byte(opcode.expireTimeMs).int64le(5n).byte(0).string('b').string('two');
  writer.byte(1).string('l').length(2).string('x').string('y');
  writer.byte(0).string('a').string('again');
});

/** The type byte sits right before the key's length byte, where each marker starts. */
const typeByteOf = (marker: string): number => {
  const at = file.indexOf(marker, 0, 'latin1');
  expect(at).toBeGreaterThan(0);
  return at - 1;
};

describe('RdbDecoder key offsets', () => {
  it('gives each key item the offset of its type byte (string, expiring string, list)', () => {
    const decoder = new RdbDecoder({ fileName: 'f.rdb', checkDuplicateKeys: false });
    const keys = decoder.push(file).flatMap((item) => (item.kind === 'key' ? [[item.key, item.offset]] : []));
    decoder.end();
    expect(keys).toEqual([
      ['a', typeByteOf('\x01a\x03one')],
      ['b', typeByteOf('\x01b\x03two')],
      ['l', typeByteOf('\x01l\x02')],
      ['a', typeByteOf('\x01a\x05again')],
    ]);
  });

  it('refuses the second copy by default, at the offset the key item would have', () => {
    const decoder = new RdbDecoder({ fileName: 'f.rdb' });
    let error: unknown;
    try {
      decoder.push(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RdbDecodeError);
    expect([(error as RdbDecodeError).kind, (error as RdbDecodeError).offset]).toEqual(['corrupt', typeByteOf('\x01a\x05again')]);
  });
});
