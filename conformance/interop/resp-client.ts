/**
 * A minimal RESP2 client over node:net, enough to drive a test redis-server: send a command as
 * an array of binary-safe bulk strings, read its reply. Commands may be pipelined; replies are
 * matched to calls in order.
 *
 * Invariants:
 * - Binary-safe both ways: arguments and bulk replies are ByteStrings (latin1, one char per byte).
 * - Reply mapping: simple string → string, bulk → ByteString, null bulk/array → null,
 *   integer → number (asserted safe), array → array; an error reply rejects that call with a
 *   RespError carrying the server's text, and leaves the connection usable.
 * - A socket error or close rejects every pending call; nothing waits forever.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { ByteString } from '../../impl/values/redis-value.ts';

export type RespValue = ByteString | number | null | RespValue[];

export class RespError extends Error {
  override readonly name = 'RespError';
}

interface Pending {
  readonly resolve: (value: RespValue) => void;
  readonly reject: (error: Error) => void;
}

type Parsed = { readonly value: RespValue | RespError; readonly end: number } | undefined;

const crlf = Buffer.from('\r\n');

/** Parses one reply starting at `start`; undefined when the buffer does not hold all of it yet. */
function parseReply(buffer: Buffer, start: number): Parsed {
  const lineEnd = buffer.indexOf(crlf, start);
  if (lineEnd === -1) return undefined;
  const kind = String.fromCharCode(buffer[start] as number);
  const line = buffer.toString('latin1', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (kind) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':': {
      const value = Number(line);
      assert.ok(Number.isSafeInteger(value), `integer reply within ±2^53: ${line}`);
      return { value, end: next };
    }
    case '$': {
      const length = Number(line);
      if (length === -1) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('latin1', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count === -1) return { value: null, end: next };
      const items: RespValue[] = [];
      let position = next;
      for (let index = 0; index < count; index += 1) {
        const item = parseReply(buffer, position);
        if (item === undefined) return undefined;
        if (item.value instanceof RespError) throw new Error(`unexpected error inside an array reply: ${item.value.message}`);
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(`unknown RESP reply type ${JSON.stringify(kind)}`);
  }
}

export function encodeCommand(args: readonly ByteString[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const arg of args) parts.push(Buffer.from(`$${arg.length}\r\n`, 'latin1'), Buffer.from(arg, 'latin1'), crlf);
  return Buffer.concat(parts);
}

export class RespClient {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const onError = (error: Error): void => reject(error);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(new RespClient(socket));
      });
    });
  }

  call(...args: ByteString[]): Promise<RespValue> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(encodeCommand(args));
    });
  }

  /** A call whose reply must be a bulk string (or null). */
  async bulk(...args: ByteString[]): Promise<ByteString | null> {
    const reply = await this.call(...args);
    assert.ok(reply === null || typeof reply === 'string', `${args[0]} replies with a bulk string`);
    return reply;
  }

  async integer(...args: ByteString[]): Promise<number> {
    const reply = await this.call(...args);
    assert.ok(typeof reply === 'number', `${args[0]} replies with an integer`);
    return reply;
  }

  /** A call whose reply must be an array of bulk strings. */
  async strings(...args: ByteString[]): Promise<ByteString[]> {
    const reply = await this.call(...args);
    assert.ok(Array.isArray(reply) && reply.every((item) => typeof item === 'string'), `${args[0]} replies with an array of strings`);
    return reply as ByteString[];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let position = 0;
    while (this.pending.length > 0 && position < this.buffer.length) {
      const parsed = parseReply(this.buffer, position);
      if (parsed === undefined) break;
      position = parsed.end;
      const call = this.pending.shift() as Pending;
      if (parsed.value instanceof RespError) call.reject(parsed.value);
      else call.resolve(parsed.value);
    }
    this.buffer = this.buffer.subarray(position);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const call of this.pending.splice(0)) call.reject(error);
  }
}
