/**
 * Goal: the RESP client maps every RESP2 reply type, is binary-safe, matches pipelined replies to
 * calls in order however the bytes are split into TCP reads, keeps working after an error reply,
 * and rejects pending calls when the connection closes. No redis-server needed: a node:net
 * server plays canned replies.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCommand, RespClient, RespError } from './resp-client.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A server that answers the first command it receives with all of `reply`, split into `pieces` writes. */
async function cannedServer(reply: Buffer, pieces: number, onSocket: (socket: Socket) => void = () => undefined): Promise<number> {
  server = createServer((socket) => {
    onSocket(socket);
    socket.once('data', async () => {
      const size = Math.ceil(reply.length / pieces);
      for (let at = 0; at < reply.length; at += size) {
        socket.write(reply.subarray(at, at + size));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

const replies = Buffer.from('+OK\r\n$3\r\n\xff\x00\r\r\n:-42\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n-ERR wrong\r\n*-1\r\n$0\r\n\r\n', 'latin1');

describe('RespClient', () => {
  it('encodes a command as an array of binary-safe bulk strings', () => {
    expect(encodeCommand(['SET', '\xff', '']).toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n$1\r\n\xff\r\n$0\r\n\r\n');
  });

  it.each([1, 3, replies.length])('maps every reply type and keeps order, replies split into %i reads', async (pieces) => {
    const client = await RespClient.connect(await cannedServer(replies, pieces));
    try {
      const calls = Array.from({ length: 8 }, () => client.call('X').catch((error: unknown) => error));
      const results = await Promise.all(calls);
      expect(results.slice(0, 5)).toEqual(['OK', '\xff\x00\r', -42, null, ['a', [1]]]);
      expect(results[5]).toBeInstanceOf(RespError);
      expect((results[5] as RespError).message).toBe('ERR wrong');
      expect(results.slice(6)).toEqual([null, '']);
    } finally {
      await client.close();
    }
  });

  it('rejects pending calls when the server closes the connection', async () => {
    const port = await cannedServer(Buffer.alloc(0), 1, (socket) => socket.once('data', () => socket.destroy()));
    const client = await RespClient.connect(port);
    await expect(client.call('PING')).rejects.toThrow(/closed|ECONNRESET/);
    await expect(client.call('PING')).rejects.toThrow();
  });
});
