// Importing the operator's dossier records from CSV or JSONL: every row validated, rejected rows reported with
// their line number and reason, valid rows upserted by code in one transaction (all or nothing).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CsvError, parseCsv } from './csv.ts';
import type { ProcedureResolver } from './procedure-ref.ts';
import { RECORD_COLUMNS, REQUIRED_COLUMNS, validateRecord } from './record.ts';
import type { DossierRecords, UpsertCounts } from './store.ts';
import type { DossierStatus } from './types.ts';

export type DossierFileFormat = 'csv' | 'jsonl';

export interface RejectedRow {
  /** Line of the file (the CSV header is line 1). */
  line: number;
  reason: string;
}

export interface ParsedDossierFile {
  records: DossierStatus[];
  rejected: RejectedRow[];
  /** Columns or keys present in the file that are not read (personal data is never stored). */
  ignoredColumns: string[];
}

export interface ImportReport extends UpsertCounts {
  rejected: RejectedRow[];
  ignoredColumns: string[];
  /** False for a dry run, or when `strict` refused a file with rejected rows. */
  written: boolean;
}

/** A problem with the whole file: nothing is imported. */
export class DossierImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierImportError';
  }
}

const KNOWN = new Set<string>(RECORD_COLUMNS);

export function formatFromPath(path: string): DossierFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new DossierImportError(`không biết đọc tệp "${ext || path}": dùng .csv hoặc .jsonl`);
}

/** Reads and validates a file; throws DossierImportError when the file as a whole cannot be read. */
export function readDossierFile(path: string, resolveProcedure?: ProcedureResolver): ParsedDossierFile {
  const format = formatFromPath(path);
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DossierImportError(`không đọc được tệp: ${(error as NodeJS.ErrnoException).code ?? 'lỗi'}`);
  }
  return parseDossierText(content, format, resolveProcedure);
}

export function parseDossierText(
  content: string,
  format: DossierFileFormat,
  resolveProcedure?: ProcedureResolver,
): ParsedDossierFile {
  const raw = format === 'csv' ? csvRecords(content) : jsonlRecords(content);
  const records: DossierStatus[] = [];
  const rejected: RejectedRow[] = [...raw.rejected];
  const firstLineOf = new Map<string, number>();
  for (const { line, value } of raw.rows) {
    const result = validateRecord(value, resolveProcedure);
    if (!result.ok) {
      rejected.push({ line, reason: result.reason });
      continue;
    }
    const previous = firstLineOf.get(result.status.code);
    if (previous !== undefined) {
      rejected.push({ line, reason: `mã hồ sơ trùng với dòng ${previous}` });
      continue;
    }
    firstLineOf.set(result.status.code, line);
    records.push(result.status);
  }
  rejected.sort((a, b) => a.line - b.line);
  return { records, rejected, ignoredColumns: raw.ignoredColumns };
}

/** Writes the valid records (unless dry run, or strict with rejected rows) in one transaction. */
export async function importDossierRecords(
  store: DossierRecords,
  parsed: ParsedDossierFile,
  options: { strict?: boolean; dryRun?: boolean; now?: Date } = {},
): Promise<ImportReport> {
  const base = { rejected: parsed.rejected, ignoredColumns: parsed.ignoredColumns };
  if (options.dryRun || (options.strict && parsed.rejected.length > 0)) {
    return { ...base, inserted: 0, updated: 0, written: false };
  }
  const counts = await store.upsertAll(parsed.records, options.now ?? new Date());
  return { ...base, ...counts, written: true };
}

interface RawRows {
  rows: { line: number; value: Record<string, unknown> }[];
  rejected: RejectedRow[];
  ignoredColumns: string[];
}

function csvRecords(content: string): RawRows {
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(content);
  } catch (error) {
    if (error instanceof CsvError) throw new DossierImportError(`CSV hỏng ở ${error.message}`);
    throw error;
  }
  const [header, ...body] = table;
  if (!header) throw new DossierImportError('tệp trống: cần dòng tiêu đề (code,procedure,status,...)');
  const columns = header.cells.map((c) => c.trim().toLowerCase());
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate) throw new DossierImportError(`cột "${duplicate}" xuất hiện hai lần trong dòng tiêu đề`);
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new DossierImportError(
      `thiếu cột bắt buộc: ${missing.join(', ')} (cột hợp lệ: ${RECORD_COLUMNS.join(', ')})`,
    );
  }
  const rows: RawRows['rows'] = [];
  const rejected: RejectedRow[] = [];
  for (const row of body) {
    if (row.cells.length > columns.length) {
      rejected.push({
        line: row.line,
        reason: `có ${row.cells.length} ô nhưng tiêu đề có ${columns.length} cột (ô có dấu phẩy cần đặt trong ngoặc kép)`,
      });
      continue;
    }
    const value: Record<string, unknown> = {};
    columns.forEach((column, i) => {
      if (KNOWN.has(column)) value[column] = row.cells[i] ?? '';
    });
    rows.push({ line: row.line, value });
  }
  return { rows, rejected, ignoredColumns: columns.filter((c) => !KNOWN.has(c)) };
}

function jsonlRecords(content: string): RawRows {
  const rows: RawRows['rows'] = [];
  const rejected: RejectedRow[] = [];
  const ignored = new Set<string>();
  content
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((text, index) => {
      const line = index + 1;
      if (text.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        rejected.push({ line, reason: 'không phải JSON hợp lệ' });
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        rejected.push({ line, reason: 'mỗi dòng phải là một đối tượng JSON {"code": ..., "status": ...}' });
        return;
      }
      const value: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(parsed)) {
        const column = key.trim().toLowerCase();
        if (KNOWN.has(column)) value[column] = field;
        else ignored.add(column);
      }
      rows.push({ line, value });
    });
  if (rows.length === 0 && rejected.length === 0) throw new DossierImportError('tệp trống: không có dòng nào');
  return { rows, rejected, ignoredColumns: [...ignored] };
}
