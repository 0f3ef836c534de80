// Connections to PostgreSQL (node-postgres): a pool for queries, created so that a server going away is an
// error to report (never an unhandled 'error' event that ends the process), and the advisory-lock keys.
import pg from 'pg';
import type { Logger } from '../../log/logger.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Client = pg.Client;

/**
 * `waitMs`: how long a caller may wait for a free connection (or a new one) before the call fails; the lock
 * pool waits longer, since its connections are held while messages are handled.
 */
export function createPool(
  url: string,
  max: number,
  logger: Logger,
  name: string,
  waitMs = 5_000,
  settings?: Record<string, string>,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: waitMs,
    ...(settings
      ? {
          options: Object.entries(settings)
            .map(([k, v]) => `-c ${k}=${v}`)
            .join(' '),
        }
      : {}),
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: `tro-ly-dvc ${name}`,
  });
  // An idle client whose server went away emits 'error' on the pool: log it; the next query reconnects.
  pool.on('error', (error: Error & { code?: string }) => {
    logger.warn({ pool: name, errCode: error.code, err: error.message }, 'PostgreSQL connection lost');
  });
  return pool;
}

/** A single connection outside the pool (LISTEN, the poller election), with the same error safety. */
export function createClient(url: string, logger: Logger, name: string): pg.Client {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    application_name: `tro-ly-dvc ${name}`,
  });
  client.on('error', (error: Error & { code?: string }) => {
    logger.warn({ connection: name, errCode: error.code, err: error.message }, 'PostgreSQL connection lost');
  });
  return client;
}

/** Advisory-lock keys (64-bit) of this application; conversation locks use hashtextextended() instead. */
export const LOCK_KEYS = {
  migrations: 7_246_300_001n,
  pollers: 7_246_300_002n,
} as const;

/** Closes a client quietly (it may already be broken). */
export async function endQuietly(client: { end(): Promise<void> } | undefined): Promise<void> {
  await client?.end().catch(() => undefined);
}
