// The operator's own dossier records in SQLite (<DATA_DIR>/dossiers.sqlite, WAL): status fields only,
// keyed by the canonical code, written in one transaction per import, read by the local provider.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { DossierState, DossierStatus } from './types.ts';

export const DOSSIER_DB_FILE = 'dossiers.sqlite';

export function dossierDbPath(dataDir: string): string {
  return join(dataDir, DOSSIER_DB_FILE);
}

const SCHEMA_VERSION = 1;

export interface DossierRow {
  code: string;
  state: DossierState;
  procedure_name: string | null;
  procedure_id: string | null;
  procedure_code: string | null;
  received_on: string | null;
  due_on: string | null;
  returned_on: string | null;
  agency: string | null;
  note: string | null;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** The operator's dossier records: SQLite (DossierStore, below) or PostgreSQL (src/store/postgres/dossiers.ts). */
export interface DossierRecords {
  find(code: string): Promise<DossierStatus | undefined>;
  count(): Promise<number>;
  /** Inserts or replaces every record in one transaction: all of them are written, or none. */
  upsertAll(records: DossierStatus[], importedAt: Date): Promise<UpsertCounts>;
  close(): void | Promise<void>;
}

export class DossierStore implements DossierRecords {
  private constructor(private readonly db: Database.Database) {}

  /** Opens (and creates when missing) the store; the parent directory is created too. */
  static open(file: string): DossierStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new DossierStore(db);
  }

  async find(code: string): Promise<DossierStatus | undefined> {
    const row = this.db.prepare<[string], DossierRow>('SELECT * FROM dossiers WHERE code = ?').get(code);
    return row ? fromRow(row) : undefined;
  }

  async count(): Promise<number> {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM dossiers').get()?.n ?? 0;
  }

  async upsertAll(records: DossierStatus[], importedAt: Date): Promise<UpsertCounts> {
    const exists = this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM dossiers WHERE code = ?');
    const upsert = this.db.prepare(
      `INSERT INTO dossiers (code, state, procedure_name, procedure_id, procedure_code, received_on, due_on,
         returned_on, agency, note, imported_at)
       VALUES (@code, @state, @procedure_name, @procedure_id, @procedure_code, @received_on, @due_on,
         @returned_on, @agency, @note, @imported_at)
       ON CONFLICT(code) DO UPDATE SET state = excluded.state, procedure_name = excluded.procedure_name,
         procedure_id = excluded.procedure_id, procedure_code = excluded.procedure_code,
         received_on = excluded.received_on, due_on = excluded.due_on, returned_on = excluded.returned_on,
         agency = excluded.agency, note = excluded.note, imported_at = excluded.imported_at`,
    );
    const run = this.db.transaction((items: DossierStatus[]) => {
      const counts: UpsertCounts = { inserted: 0, updated: 0 };
      for (const s of items) {
        if (exists.get(s.code)) counts.updated++;
        else counts.inserted++;
        upsert.run({ ...toRow(s), imported_at: importedAt.toISOString() });
      }
      return counts;
    });
    return run(records);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS dossiers (
      code TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      procedure_name TEXT,
      procedure_id TEXT,
      procedure_code TEXT,
      received_on TEXT,
      due_on TEXT,
      returned_on TEXT,
      agency TEXT,
      note TEXT,
      imported_at TEXT NOT NULL
    ) STRICT;
    PRAGMA user_version = ${SCHEMA_VERSION};
  `);
}

export function toRow(s: DossierStatus): DossierRow {
  return {
    code: s.code,
    state: s.state,
    procedure_name: s.procedureName ?? null,
    procedure_id: s.procedureId ?? null,
    procedure_code: s.procedureCode ?? null,
    received_on: s.receivedOn ?? null,
    due_on: s.dueOn ?? null,
    returned_on: s.returnedOn ?? null,
    agency: s.agency ?? null,
    note: s.note ?? null,
  };
}

export function fromRow(row: DossierRow): DossierStatus {
  const status: DossierStatus = { code: row.code, state: row.state };
  if (row.procedure_name !== null) status.procedureName = row.procedure_name;
  if (row.procedure_id !== null) status.procedureId = row.procedure_id;
  if (row.procedure_code !== null) status.procedureCode = row.procedure_code;
  if (row.received_on !== null) status.receivedOn = row.received_on;
  if (row.due_on !== null) status.dueOn = row.due_on;
  if (row.returned_on !== null) status.returnedOn = row.returned_on;
  if (row.agency !== null) status.agency = row.agency;
  if (row.note !== null) status.note = row.note;
  return status;
}
