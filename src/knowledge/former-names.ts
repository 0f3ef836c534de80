// Former procedure names (kb:import --former-names): a list of procedures by the name they had on the old portal,
// with their code, in the old portal's CSV shape (`Tên`, `Link` = `…?ma_thu_tuc=<code>`). Citizens and old
// documents still use those names; where one says more than today's name, it becomes search-only text of the
// records with that code (schema `IndexExtras.formerNames`), never shown. No file access: sources.ts reads the file.
import { parse } from 'csv-parse/sync';
import { foldToken, tokenize } from '../text/normalize.ts';

/** One usable row: the code and the name the procedure had. */
export interface FormerName {
  line: number;
  code: string;
  name: string;
}

export interface FormerNameRows {
  rows: FormerName[];
  /** Rows that could not be used, with their line number and reason. */
  malformed: { line: number; reason: string }[];
}

const CODE_IN_LINK = /[?&]ma_thu_tuc=([^&#\s]+)/u;
const NAME_COLUMNS = ['Tên', 'Tên thủ tục', 'ten_thu_tuc', 'name'];
const CODE_COLUMNS = ['Mã', 'Mã thủ tục', 'ma_thu_tuc', 'code'];
const LINK_COLUMNS = ['Link', 'link', 'url'];

function column(record: Record<string, string>, names: string[]): string | undefined {
  for (const name of names) {
    const value = record[name]?.normalize('NFC').replace(/\s+/g, ' ').trim();
    if (value) return value;
  }
  return undefined;
}

/**
 * Reads the CSV text (header row first; a byte-order mark is allowed). The code comes from a code column or from
 * the `ma_thu_tuc` of a procedure link; a row with neither (the list also holds links to FAQ pages), or without a
 * name, is reported and skipped. Throws only when the text is not CSV at all.
 */
export function parseFormerNames(text: string): FormerNameRows {
  const records = parse(text, {
    bom: true,
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  const rows: FormerName[] = [];
  const malformed: FormerNameRows['malformed'] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const name = column(record, NAME_COLUMNS);
    const code = column(record, CODE_COLUMNS) ?? column(record, LINK_COLUMNS)?.match(CODE_IN_LINK)?.[1];
    if (!name) malformed.push({ line, reason: 'thiếu tên thủ tục' });
    else if (!code) malformed.push({ line, reason: 'không có mã thủ tục (liên kết không phải trang thủ tục)' });
    else rows.push({ line, code: decodeURIComponent(code).trim(), name });
  }
  return { rows, malformed };
}

function words(name: string): Set<string> {
  return new Set(tokenize(name.replace(/^\W*thủ tục\s+/iu, '')).map(foldToken));
}

/**
 * Whether a former name says something today's name does not: at least one word today's name lacks, compared
 * without diacritics and without a leading "Thủ tục" (false for the same name written another way).
 */
export function formerNameAdds(current: string, former: string): boolean {
  const now = words(current);
  for (const word of words(former)) if (!now.has(word)) return true;
  return false;
}
