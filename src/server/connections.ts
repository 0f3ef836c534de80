// Slow and idle connections cannot starve real users: the HTTP timeouts the server runs with, and a guard
// on the listening socket that closes connections which never sent a request, and — when the connection
// cap is reached — closes the longest-idle connection to make room for the new one (an attacker's idle
// sockets go first; connections serving a request are never touched).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** The whole request line and headers must arrive within this (slow-header clients get 408 and are closed). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A kept-alive connection with no new request is closed after this. */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** A connection with no traffic at all in either direction is closed after this (longer than any answer takes). */
export const SOCKET_IDLE_TIMEOUT_MS = 60_000;
/** Requests served on one kept-alive connection before it is closed. */
export const MAX_REQUESTS_PER_SOCKET = 1_000;
/** How often expired connections are looked for. */
export const CHECK_INTERVAL_MS = 1_000;

/** Default connection cap: 1000, or less when the process may open fewer files (ulimit -n) — 100 are kept spare. */
export function defaultMaxConnections(): number {
  const files = openFileLimit();
  return files === undefined ? 1_000 : Math.max(64, Math.min(1_000, files - 100));
}

/** The soft limit on open files (Linux), or undefined when it cannot be read or is unlimited. */
function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

interface Tracked {
  /** Requests in flight on this connection. */
  busy: number;
  /** Whether it has sent a complete request head yet. */
  served: boolean;
  /** When it last became idle (connected, or answered its last request). */
  idleSince: number;
}

export interface ConnectionGuardOptions {
  maxConnections: number;
  /** A connection that has not sent a whole request head after this long is closed. */
  firstRequestTimeoutMs?: number;
  checkIntervalMs?: number;
  onEvict?: (reason: 'cap' | 'no_request') => void;
}

export interface ConnectionGuard {
  /** Open connections (for /metrics and tests). */
  readonly size: number;
  stop(): void;
}

/** Watches `server`'s connections; call before or after listen(). */
export function guardConnections(server: Server, options: ConnectionGuardOptions): ConnectionGuard {
  const tracked = new Map<Socket, Tracked>();
  const firstRequestTimeoutMs = options.firstRequestTimeoutMs ?? HEADERS_TIMEOUT_MS;
  // The kernel-level backstop; the guard below keeps the count under it by evicting idle connections first.
  server.maxConnections = options.maxConnections + 16;

  const evict = (socket: Socket, reason: 'cap' | 'no_request') => {
    tracked.delete(socket);
    socket.destroy();
    options.onEvict?.(reason);
  };

  const longestIdle = (): Socket | undefined => {
    let oldest: Socket | undefined;
    let oldestSince = Number.POSITIVE_INFINITY;
    for (const [socket, state] of tracked) {
      if (state.busy === 0 && state.idleSince < oldestSince) {
        oldest = socket;
        oldestSince = state.idleSince;
      }
    }
    return oldest;
  };

  const onConnection = (socket: Socket) => {
    if (tracked.size >= options.maxConnections) {
      const victim = longestIdle();
      if (!victim) {
        // Every connection is serving a request: the newcomer waits for none of them.
        socket.destroy();
        options.onEvict?.('cap');
        return;
      }
      evict(victim, 'cap');
    }
    tracked.set(socket, { busy: 0, served: false, idleSince: Date.now() });
    socket.once('close', () => tracked.delete(socket));
  };

  const onRequest = (request: { socket: Socket }, response: { once(event: 'close', cb: () => void): unknown }) => {
    const state = tracked.get(request.socket);
    if (!state) return;
    state.busy++;
    state.served = true;
    response.once('close', () => {
      state.busy = Math.max(0, state.busy - 1);
      state.idleSince = Date.now();
    });
  };

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [socket, state] of tracked) {
      if (!state.served && state.busy === 0 && now - state.idleSince > firstRequestTimeoutMs)
        evict(socket, 'no_request');
    }
  }, options.checkIntervalMs ?? CHECK_INTERVAL_MS);
  timer.unref();

  server.on('connection', onConnection);
  server.on('request', onRequest);
  return {
    get size() {
      return tracked.size;
    },
    stop() {
      clearInterval(timer);
      server.off('connection', onConnection);
      server.off('request', onRequest);
    },
  };
}
