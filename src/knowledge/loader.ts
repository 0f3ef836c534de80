// Loads the knowledge base: curated procedures (knowledge/procedures/*.json) and, optionally, an imported
// catalogue (<catalogDir>/procedures.jsonl). Reports every invalid record with file, location and reason,
// refuses duplicate UUIDs within a source, and never returns a half-loaded catalogue.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { type Procedure, ProcedureSchema } from './schema.ts';

export interface KnowledgeProblem {
  file: string;
  /** `line 12` for JSONL, `[3]` (array index) for JSON files. */
  location: string;
  /** Field path inside the record, e.g. `submissionMethods.0.fees.1.amountVnd`. */
  field: string;
  reason: string;
}

export class KnowledgeError extends Error {
  constructor(readonly problems: KnowledgeProblem[]) {
    super(
      `Kho tri thức có ${problems.length} lỗi:\n${problems
        .slice(0, 50)
        .map(formatProblem)
        .join('\n')}${problems.length > 50 ? `\n… và ${problems.length - 50} lỗi khác` : ''}`,
    );
    this.name = 'KnowledgeError';
  }
}

export function formatProblem(p: KnowledgeProblem): string {
  return `${p.file} ${p.location}${p.field ? ` ${p.field}` : ''}: ${p.reason}`;
}

export type Origin = 'curated' | 'imported';

export interface Catalogue {
  /** Short hash of everything loaded; changes whenever any record changes. */
  version: string;
  procedures: Procedure[];
  byId: Map<string, Procedure>;
  /** Where each procedure came from; a curated entry overrides an imported one with the same UUID. */
  origin: Map<string, Origin>;
}

export interface LoadOptions {
  /** Directory holding `procedures/*.json` (curated). */
  knowledgeDir: string;
  /** Directory written by `kb:import` / `kb:sync`, holding `procedures.jsonl`. */
  catalogDir?: string;
}

/** One record as read from a file, before validation. */
export interface RawRecord {
  file: string;
  location: string;
  /** The parsed JSON, or a SyntaxError for a malformed JSONL line. */
  value: unknown;
}

export const CURATED_SUBDIR = 'procedures';
export const CATALOG_FILE = 'procedures.jsonl';

/** Reads and validates all knowledge; throws KnowledgeError listing every problem. */
export function loadCatalogue(options: LoadOptions): Catalogue {
  const problems: KnowledgeProblem[] = [];
  const curatedDir = join(options.knowledgeDir, CURATED_SUBDIR);
  const curated = validateAll(readJsonFiles(curatedDir, problems), problems);
  let imported: Procedure[] = [];
  if (options.catalogDir) {
    const file = join(options.catalogDir, CATALOG_FILE);
    if (!existsSync(file)) {
      problems.push({
        file,
        location: '',
        field: '',
        reason: 'không tìm thấy tệp danh mục (chạy npm run kb:import trước)',
      });
    } else {
      imported = validateAll(readJsonLines(file), problems);
    }
  }
  if (problems.length > 0) throw new KnowledgeError(problems);
  return mergeSources(curated, imported);
}

/** The curated records as written (`procedures/*.json`), with file problems such as broken JSON. */
export function readCuratedRecords(knowledgeDir: string): { records: RawRecord[]; problems: KnowledgeProblem[] } {
  const problems: KnowledgeProblem[] = [];
  const records = readJsonFiles(join(knowledgeDir, CURATED_SUBDIR), problems);
  return { records, problems };
}

/**
 * Curated entries win over imported ones with the same UUID. An imported record is marked as copied by the
 * importer (catalogues imported before that mark existed too), so no card claims a person checked it.
 */
export function mergeSources(curated: Procedure[], imported: Procedure[]): Catalogue {
  const byId = new Map<string, Procedure>();
  const origin = new Map<string, Origin>();
  for (const p of imported) {
    byId.set(p.id, p.source.checkedBy ? p : { ...p, source: { ...p.source, checkedBy: 'importer' } });
    origin.set(p.id, 'imported');
  }
  for (const p of curated) {
    byId.set(p.id, p);
    origin.set(p.id, 'curated');
  }
  const procedures = [...byId.values()];
  const hash = createHash('sha256');
  for (const p of procedures) hash.update(JSON.stringify(p));
  return { version: hash.digest('hex').slice(0, 16), procedures, byId, origin };
}

function readJsonFiles(dir: string, problems: KnowledgeProblem[]): RawRecord[] {
  if (!existsSync(dir)) return [];
  const records: RawRecord[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    const file = relative(process.cwd(), path) || path;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push({ file, location: '', field: '', reason: `JSON không hợp lệ: ${(error as Error).message}` });
      continue;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    for (const [index, value] of items.entries()) records.push({ file, location: `[${index}]`, value });
  }
  return records;
}

function readJsonLines(path: string): RawRecord[] {
  const file = relative(process.cwd(), path) || path;
  const lines = readFileSync(path, 'utf8').split('\n');
  const records: RawRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      value = new SyntaxError((error as Error).message);
    }
    records.push({ file, location: `line ${index + 1}`, value });
  });
  return records;
}

function validateAll(records: RawRecord[], problems: KnowledgeProblem[]): Procedure[] {
  const seen = new Map<string, string>();
  const valid: Procedure[] = [];
  for (const record of records) {
    if (record.value instanceof SyntaxError) {
      problems.push({
        file: record.file,
        location: record.location,
        field: '',
        reason: `JSON không hợp lệ: ${record.value.message}`,
      });
      continue;
    }
    const result = ProcedureSchema.safeParse(record.value);
    if (!result.success) {
      problems.push(...zodProblems(record.file, record.location, result.error));
      continue;
    }
    const previous = seen.get(result.data.id);
    if (previous) {
      problems.push({
        file: record.file,
        location: record.location,
        field: 'id',
        reason: `UUID ${result.data.id} trùng với ${previous}`,
      });
      continue;
    }
    seen.set(result.data.id, `${record.file} ${record.location}`);
    valid.push(result.data);
  }
  return valid;
}

/**
 * Reads and validates one JSON knowledge file (aliases.json, abbreviations.json, out-of-scope.json); undefined when it does not
 * exist. A malformed file throws KnowledgeError naming the file and the field, like a broken procedure does.
 */
export function readKnowledgeJson<T>(path: string, schema: z.ZodType<T>): T | undefined {
  const file = relative(process.cwd(), path) || path;
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new KnowledgeError([
      { file, location: '', field: '', reason: `JSON không hợp lệ: ${(error as Error).message}` },
    ]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new KnowledgeError(zodProblems(file, '', parsed.error));
  return parsed.data;
}

export function zodProblems(file: string, location: string, error: z.ZodError): KnowledgeProblem[] {
  return error.issues.map((issue) => ({
    file,
    location,
    field: issue.path.map(String).join('.'),
    reason: issue.message,
  }));
}
