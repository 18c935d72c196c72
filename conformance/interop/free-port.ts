/**
 * A TCP port on 127.0.0.1 that was free a moment ago: bind port 0, read the port the kernel
 * chose, close. Another process may take it before the caller binds it; redis-server-process.ts
 * retries with a new port when the server reports the address in use.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port from listen(0)')) : resolve(port)));
    });
  });
}
