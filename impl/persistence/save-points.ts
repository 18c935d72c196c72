/**
 * Save points (`save <seconds> <changes> ...`): their text form as CONFIG SET/GET use it, and
 * the rule serverCron applies to them (Redis 7.0 server.c:serverCron, config.c:
 * setConfigSaveOption). Pure: times are passed in.
 *
 * Invariants:
 * - Parsing follows setConfigSaveOption: the value is split at single spaces (so a leading,
 *   trailing or doubled space makes an empty token, which is invalid); "" means no save points;
 *   an odd count, seconds < 1, changes < 0 or a token strtoll would not consume whole is
 *   "Invalid save parameters". strtoll's leading whitespace (other than space) and '+' are
 *   accepted as Redis accepts them.
 * - formatSavePoints(parseSavePoints(x)) is Redis's CONFIG GET text: "3600 1 300 100", "" if none.
 * - dueSavePoint returns the FIRST point with dirty >= changes, now - lastsave > seconds (strict)
 *   and (now - lastbgsave_try > 5 or the last bgsave succeeded); times are whole Unix seconds.
 */
import assert from 'node:assert/strict';
import { savePointsMax } from '../impl-limits.ts';

export interface SavePoint {
  readonly seconds: number;
  readonly changes: number;
}

/** CONFIG_BGSAVE_RETRY_DELAY: seconds to wait before retrying a failed BGSAVE. */
export const bgsaveRetryDelaySeconds = 5;

export const invalidSaveParameters = 'Invalid save parameters';

/** strtoll(text, &end, 10) consuming all of text, as a safe integer; undefined otherwise. */
function wholeInteger(text: string): number | undefined {
  const match = /^[\t\n\v\f\r ]*([+-]?\d+)$/.exec(text);
  if (match === null || match[1] === undefined) return undefined;
  const value = Number(match[1]);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The save points a CONFIG SET save value describes, or the error Redis gives. */
export function parseSavePoints(value: string): SavePoint[] | { readonly error: string } {
  if (value === '') return [];
  const tokens = value.split(' ');
  if (tokens.length % 2 === 1 || tokens.length / 2 > savePointsMax) return { error: invalidSaveParameters };
  const points: SavePoint[] = [];
  for (let index = 0; index < tokens.length; index += 2) {
    const seconds = wholeInteger(tokens[index] ?? '');
    const changes = wholeInteger(tokens[index + 1] ?? '');
    if (seconds === undefined || changes === undefined || seconds < 1 || changes < 0) return { error: invalidSaveParameters };
    points.push({ seconds, changes });
  }
  return points;
}

export function formatSavePoints(points: readonly SavePoint[]): string {
  return points.map((point) => `${point.seconds} ${point.changes}`).join(' ');
}

export function assertSavePoints(points: readonly SavePoint[]): void {
  assert.ok(points.length <= savePointsMax, `at most ${savePointsMax} save points`);
  for (const point of points) {
    assert.ok(Number.isSafeInteger(point.seconds) && point.seconds >= 1, `save point seconds >= 1: ${point.seconds}`);
    assert.ok(Number.isSafeInteger(point.changes) && point.changes >= 0, `save point changes >= 0: ${point.changes}`);
  }
}

export interface SavePointState {
  readonly dirty: number;
  readonly nowSeconds: number;
  readonly lastSaveSeconds: number;
  readonly lastBgsaveTrySeconds: number;
  readonly lastBgsaveOk: boolean;
}

/** The save point serverCron would fire now, or undefined. */
export function dueSavePoint(points: readonly SavePoint[], state: SavePointState): SavePoint | undefined {
  assert.ok(Number.isSafeInteger(state.nowSeconds) && Number.isSafeInteger(state.lastSaveSeconds));
  assert.ok(state.dirty >= 0);
  const retryAllowed = state.nowSeconds - state.lastBgsaveTrySeconds > bgsaveRetryDelaySeconds || state.lastBgsaveOk;
  if (!retryAllowed) return undefined;
  return points.find((point) => state.dirty >= point.changes && state.nowSeconds - state.lastSaveSeconds > point.seconds);
}
