// Applies the versioned SQL files of src/store/migrations/postgres (001_init.sql, 002_….sql) in order,
// each in its own transaction, under an advisory lock: instances starting together apply them once.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../log/logger.ts';
import { LOCK_KEYS, type Pool } from './pool.ts';

/** Next to this file in src/; from the compiled dist/src/store/postgres/, the same folder in src/. */
export const MIGRATIONS_DIR = [
  new URL('../migrations/postgres/', import.meta.url),
  new URL('../../../../src/store/migrations/postgres/', import.meta.url),
]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) as string;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d+_.+\.sql$/.test(file))
    .map((file) => ({
      version: Number(file.slice(0, file.indexOf('_'))),
      name: file,
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
}

/** Applies the migrations not applied yet; returns the names applied now. */
export async function migrate(pool: Pool, logger: Logger, migrations = readMigrations()): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.migrations.toString()]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
        applied.push(migration.name);
        logger.info({ migration: migration.name }, 'database migration applied');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEYS.migrations.toString()]);
    }
  } catch (error) {
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
  return applied;
}
