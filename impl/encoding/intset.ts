/**
 * Intset blobs (intset.h): `u32le width` (2, 4 or 8 bytes per member), `u32le count`, then the
 * members as signed little-endian integers of that width, strictly ascending.
 *
 * Invariants:
 * - The encoder picks the smallest width that holds every member and sorts them ascending.
 * - The decoder rejects (BlobFormatError) an unknown width, a blob size other than
 *   8 + count * width, and members that are not strictly ascending (unsorted or duplicate).
 *   It accepts a wider-than-needed width, as Redis does.
 */
import assert from 'node:assert/strict';
import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { compareIntegers, fitsSigned, type IntegerValue } from './canonical-integer.ts';

const headerSize = 8;

export function intsetWidth(members: readonly IntegerValue[]): 2 | 4 | 8 {
  let width: 2 | 4 | 8 = 2;
  for (const member of members) {
    if (!fitsSigned(member, 32)) return 8;
    if (!fitsSigned(member, 16)) width = 4;
  }
  return width;
}

export function encodeIntset(members: readonly IntegerValue[]): Uint8Array {
  const sorted = [...members].sort(compareIntegers);
  const width = intsetWidth(sorted);
  const writer = new ByteWriter(headerSize + sorted.length * width);
  writer.u32le(width);
  writer.u32le(sorted.length);
  for (let index = 0; index < sorted.length; index += 1) {
    const member = sorted[index] as IntegerValue;
    if (index > 0) assert.ok(compareIntegers(sorted[index - 1] as IntegerValue, member) < 0, 'intset members are distinct');
    if (width === 8) writer.i64le(BigInt(member));
    else writer.intLE(Number(member), width);
  }
  const blob = writer.take();
  assert.equal(blob.length, headerSize + sorted.length * width);
  return blob;
}

/** The members as decimal text, ascending. */
export function decodeIntset(blob: Uint8Array): string[] {
  const reader = ByteReader.forBlob(blob, 'intset');
  const width = reader.u32le();
  const count = reader.u32le();
  if (width !== 2 && width !== 4 && width !== 8) return reader.fail(`invalid width ${width}`, 0);
  if (blob.length !== headerSize + count * width) reader.fail(`${count} members of ${width} bytes need ${headerSize + count * width} bytes, blob has ${blob.length}`, 4);
  const members: string[] = [];
  let previous: IntegerValue | undefined;
  for (let index = 0; index < count; index += 1) {
    const at = reader.position;
    const member: IntegerValue = width === 8 ? reader.i64le() : reader.intLE(width);
    if (previous !== undefined && compareIntegers(previous, member) >= 0) {
      reader.fail(`member ${member} is not above the previous member ${previous}`, at);
    }
    previous = member;
    members.push(member.toString());
  }
  assert.equal(reader.remaining, 0, 'an intset blob ends after its last member');
  return members;
}
