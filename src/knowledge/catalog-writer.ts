// Writes an imported catalogue: `<dir>/procedures.jsonl` (one procedure per line, the file loadCatalogue reads)
// and a JSON report beside it. Each file is written to a temporary file in the same directory and renamed
// over the old one, so a reader never sees a half-written catalogue.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CATALOG_FILE } from './loader.ts';
import type { Procedure } from './schema.ts';

export const IMPORT_REPORT_FILE = 'import-report.json';

/** Replaces `path` with `content` in one step (temp file + rename in the same directory). */
export function writeFileAtomic(path: string, content: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, content, 'utf8');
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function toJsonLines(procedures: readonly Procedure[]): string {
  return procedures.map((p) => `${JSON.stringify(p)}\n`).join('');
}

/** Writes the catalogue and its report; returns the two paths. */
export function writeCatalogue(
  dir: string,
  procedures: readonly Procedure[],
  report: unknown,
): { catalogFile: string; reportFile: string } {
  const catalogFile = join(dir, CATALOG_FILE);
  const reportFile = join(dir, IMPORT_REPORT_FILE);
  writeFileAtomic(catalogFile, toJsonLines(procedures));
  writeFileAtomic(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  return { catalogFile, reportFile };
}
