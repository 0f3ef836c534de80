// The server as `npm start` runs it, in its own process (`node --import tsx src/main.ts`) on a free port,
// for tests that need real processes: several instances on one database, kill -9, rolling restarts.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL (a crash), then waits for it to exit. */
  kill(): Promise<void>;
}

/** Starts the server and resolves once it answers /healthz (any status: a degraded server is up too). */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 90_000): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.slice(-2000)}`);
    const up = await fetch(`${url}/healthz`).then(
      () => true,
      () => false,
    );
    if (up) return { url, child, output: () => output, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
    await new Promise((r) => setTimeout(r, 200));
  }
  await end('SIGKILL');
  throw new Error(`server did not start: ${output.slice(-2000)}`);
}
