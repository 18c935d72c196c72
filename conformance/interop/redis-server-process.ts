/**
 * Starts and stops a real redis-server for a test: on 127.0.0.1, a port found free by binding
 * port 0, `--dir <dir> --dbfilename dump.rdb --save '' --appendonly no --daemonize no`, so it
 * loads <dir>/dump.rdb if present and never saves on its own (nor on SIGTERM, having no save
 * points). `extraArgs` come after those and override them (redis-server keeps the last value
 * of a directive): `--appendonly yes` makes it load and keep <dir>/appendonlydir instead.
 *
 * Invariants:
 * - `startRedisServer` resolves only once the server answers PING with PONG (it has finished
 *   loading); if the server exits or does not answer within the timeout, it is stopped and the
 *   call rejects with the server's log. A port taken in the meantime is retried with a new one.
 * - `stop` ends the process by its PID: SIGTERM, then SIGKILL if it has not exited after the
 *   grace period; it resolves once the process has exited, and is idempotent. Tests call it in
 *   finally/afterAll; as a last resort every server still running when this process exits is
 *   SIGKILLed by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';
import { RespClient } from './resp-client.ts';

export interface RedisServer {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** Everything the server printed so far (its log goes to stdout). */
  log(): string;
  /** A new client connection. */
  connect(): Promise<RespClient>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  readonly dir: string;
  /** More `--name value` arguments, after (and so overriding) the defaults above. */
  readonly extraArgs?: readonly string[];
  readonly startTimeoutMs?: number;
  readonly stopGraceMs?: number;
}

const running = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopProcess(child: ChildProcess, pid: number, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // exited between the check and the signal
    }
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    if ((await Promise.race([done.then(() => 'exited' as const), timer])) === 'timeout') {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited just now
      }
    }
  }
  await done;
  running.delete(pid);
}

async function pingUntilReady(port: number, child: ChildProcess, deadline: number): Promise<'ready' | 'exited' | 'timeout'> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    try {
      const client = await RespClient.connect(port);
      try {
        if ((await client.call('PING')) === 'PONG') return 'ready';
      } catch {
        // LOADING: not ready yet
      } finally {
        await client.close();
      }
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  return 'timeout';
}

async function startOnce(options: RedisServerOptions): Promise<RedisServer | 'port-in-use'> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', options.dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', '', ...(options.extraArgs ?? [])];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const spawned = await new Promise<number | Error>((resolve) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) => resolve(error));
  });
  if (spawned instanceof Error) throw new Error(`cannot start redis-server: ${spawned.message}`);
  const pid = spawned;
  running.add(pid);
  installExitHook();
  const graceMs = options.stopGraceMs ?? 5_000;
  const server: RedisServer = {
    port,
    pid,
    dir: options.dir,
    log: () => output,
    connect: () => RespClient.connect(port),
    stop: () => stopProcess(child, pid, graceMs),
  };
  const state = await pingUntilReady(port, child, Date.now() + (options.startTimeoutMs ?? 15_000));
  if (state === 'ready') return server;
  await server.stop();
  if (/Address already in use/i.test(output)) return 'port-in-use';
  throw new Error(`redis-server (pid ${pid}, port ${port}) did not answer PING (${state}); its log:\n${output}`);
}

export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const started = await startOnce(options);
    if (started !== 'port-in-use') return started;
  }
  throw new Error('redis-server: the chosen port was taken three times in a row');
}

/** Runs `body` with a server on `dir`, stopping it afterwards whatever happens. */
export async function withRedisServer<T>(dir: string, body: (server: RedisServer) => Promise<T>, extraArgs: readonly string[] = []): Promise<T> {
  const server = await startRedisServer({ dir, extraArgs });
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}
