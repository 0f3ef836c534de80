// Page-text scrapes of the portal's procedure pages (one JSON object per line, keyed by `ma_thu_tuc`) turned into
// clean, search-only text for imported records (schema `IndexExtras`): result names, legal-basis titles,
// conditions, steps and documents. The scrape flattens the page's tables without separators and keeps the page's
// boilerplate ("Không có thông tin", "Chọn cơ quan thực hiện…", "Mã: KQ.…", glued table headers): it is cleaned
// here. No file access: kb:import and the in-memory mirror import read the file (src/knowledge/sources.ts).
import { z } from 'zod';
import { foldToken, tokenize } from '../text/normalize.ts';
import type { IndexExtras } from './schema.ts';

/** One line of the page-text file; only the fields used here are checked. */
export const PageTextLine = z.looseObject({
  ma_thu_tuc: z.string().trim().min(1, 'thiếu mã thủ tục'),
  ten_thu_tuc: z.string().trim().min(1, 'thiếu tên thủ tục'),
  detail_url: z.string().optional(),
  trinh_tu_thuc_hien: z.string().optional(),
  thanh_phan_ho_so: z.string().optional(),
  can_cu_phap_ly: z.string().optional(),
  yeu_cau_dieu_kien: z.string().optional(),
  ket_qua_xu_ly: z.string().optional(),
});
export type PageTextLine = z.infer<typeof PageTextLine>;

/** Longest text kept per part (characters): the index reads at most ~100 words of each, more would cost memory. */
const MAX_PART_CHARS = 1000;

/** Lowest word overlap (Dice, accent-folded words) between the page's name and the record's name. */
export const MIN_NAME_SIMILARITY = 0.6;

const NO_INFO = /Không có thông tin/gu;
/** The submission widget at the end of the result section, and everything after it. */
const SUBMIT_WIDGET = /Chọn cơ quan thực hiện[\s\S]*$/u;
const DOCUMENT_HEADER = /-*\s*Tên giấy tờ\s*Mẫu đơn, tờ khai\s*Số lượng/gu;
const LEGAL_HEADER = /Tên văn bản pháp lý\s*Mã văn bản/gu;
/** "1 bản chính", "0 bản chính,1 bản sao": the count column, which also separates one document from the next. */
const COPIES = /\d+\s*bản\s*(?:chính|sao)(?:\s*,\s*\d+\s*bản\s*(?:chính|sao))*/gu;
/** Attached form files ("NA5.doc", "Mau 05 - Phu luc II_36.2025.TT-BNNMT_02.7.2025.docx"). */
const FORM_FILE = /\S+\.(?:docx?|pdf|xlsx?|rtf|odt)\b/giu;
/** A result's code: "Mã: KQ.G01.000074", "Mã: 000.00.00.G04-KQ3336", "Mã: 78". */
const RESULT_CODE = /Mã:\s*[A-Z0-9.-]*\d/gu;
/** A legal document number with its year: "68/2013/TT-BCA", "02/2011/QH13", "82/2015/NĐ-CP", "1/2020/QĐ-TTg". */
// A part ends in "g" (TTg) or two digits (QH15), never in the first digits of the next number glued to it.
const LEGAL_CODE = /\d{1,4}\/\d{4}\/[A-ZĐ]+(?:g|\d{2}(?!\/))?(?:-[A-ZĐ]+(?:g|\d{2}(?!\/))?)*/gu;

/**
 * Splits words the scrape glued together: a lower-case word running into a capitalised one ("bản chínhQuyết
 * định"), an acronym into a word ("TT-BCALuật"), a number into a word ("QH13Quy định"). Mixed-case names such
 * as "VNeID" or "iPhone" stay whole (one lower-case letter is not a word).
 */
export function splitGluedWords(text: string): string {
  return text
    .replace(/(?<=\p{Ll}{2})(?=\p{Lu})/gu, ' ')
    .replace(/(?<=\p{Lu}{2})(?=\p{Lu}\p{Ll}{2})/gu, ' ')
    .replace(/(?<=\d)(?=\p{Lu}\p{Ll})/gu, ' ');
}

/** NFC, boilerplate removed, glued words split, whitespace collapsed (lines kept); empty → undefined. */
export function cleanPageText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = splitGluedWords(value.normalize('NFC').replace(NO_INFO, '\n'))
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => /\p{L}/u.test(line))
    .join('\n');
  return text || undefined;
}

function lines(text: string | undefined): string[] {
  return text ? text.split('\n') : [];
}

/** Lines, duplicates dropped, cut at MAX_PART_CHARS. */
function capped(parts: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let length = 0;
  for (const part of parts) {
    const text = part.replace(/^[\s+\-*•.,;:]+/u, '').trim();
    if (!/\p{L}/u.test(text) || seen.has(text) || length >= MAX_PART_CHARS) continue;
    seen.add(text);
    const kept = text.slice(0, MAX_PART_CHARS - length);
    out.push(kept);
    length += kept.length;
  }
  return out;
}

/** Result names and keywords; the description and the submission widget are dropped. */
export function pageResults(value: string | undefined): string[] {
  if (!value) return [];
  const section = value.normalize('NFC').replace(SUBMIT_WIDGET, '');
  const [names = '', rest = ''] = section.split(/Từ khóa/u, 2);
  const keywords = rest.split(/Mô tả/u, 1)[0] ?? '';
  return capped(lines(cleanPageText(`${names.replace(RESULT_CODE, '\n')}\n${keywords}`)));
}

/** Titles of the laws, decrees and circulars, each with its number ("Luật Khiếu nại năm 2011 02/2011/QH13"). */
export function pageLegalBasis(value: string | undefined): string[] {
  if (!value) return [];
  const text = splitGluedWords(
    value
      .normalize('NFC')
      .replace(LEGAL_HEADER, '\n')
      // A year glued to the next number ("năm 201102/2011/QH13").
      .replace(/((?:19|20)\d{2})(\d{1,3}\/\d{4}\/)/gu, '$1 $2'),
  );
  const titles: string[] = [];
  let start = 0;
  for (const match of text.matchAll(LEGAL_CODE)) {
    const end = (match.index ?? 0) + match[0].length;
    // A code alone is the number column repeating the title's own number ("Nghị định 05/2012/NĐ-CP").
    const title = text.slice(start, match.index);
    if (/\p{L}/u.test(title)) titles.push(`${title.trimEnd()} ${match[0]}`);
    start = end;
  }
  titles.push(text.slice(start));
  return capped(titles.map((title) => cleanPageText(title)?.replace(/\n/g, ' ') ?? ''));
}

/** Document names (and the case headings between them), without counts, form files or table headers. */
export function pageDocuments(value: string | undefined): string[] {
  if (!value) return [];
  // Words split first, so that a form file glued to a document's name ("rừngMau01.docx") leaves the name whole.
  const text = splitGluedWords(value.normalize('NFC').replace(DOCUMENT_HEADER, '\n'))
    .replace(COPIES, '\n')
    .replace(FORM_FILE, '\n');
  return capped(lines(cleanPageText(text)));
}

/** Prose sections (steps, conditions): cleaned lines. */
export function pageProse(value: string | undefined): string[] {
  return capped(lines(cleanPageText(value)));
}

function nameWords(name: string): Set<string> {
  return new Set(tokenize(name.replace(/^\W*thủ tục\s+/iu, '')).map(foldToken));
}

/** Word overlap of two procedure names (Dice on accent-folded words; "Thủ tục" and punctuation ignored). */
export function nameSimilarity(a: string, b: string): number {
  const left = nameWords(a);
  const right = nameWords(b);
  if (left.size + right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return (2 * shared) / (left.size + right.size);
}

/** What a record lacks, which decides what of the page text it gets. */
export interface MissingParts {
  results: boolean;
  legalBasis: boolean;
  conditions: boolean;
  steps: boolean;
  documents: boolean;
}

/** The cleaned index-only text of one page for a record missing `missing`; undefined when nothing is left. */
export function pageTextExtras(line: PageTextLine, missing: MissingParts): IndexExtras | undefined {
  const conditions = missing.conditions ? pageProse(line.yeu_cau_dieu_kien).join('\n') : '';
  const extras: IndexExtras = {
    results: missing.results ? pageResults(line.ket_qua_xu_ly) : [],
    legalBasis: missing.legalBasis ? pageLegalBasis(line.can_cu_phap_ly) : [],
    ...(conditions ? { conditions } : {}),
    steps: missing.steps ? pageProse(line.trinh_tu_thuc_hien) : [],
    documents: missing.documents ? pageDocuments(line.thanh_phan_ho_so) : [],
  };
  const empty =
    !extras.conditions &&
    extras.results.length + extras.legalBasis.length + extras.steps.length + extras.documents.length === 0;
  return empty ? undefined : extras;
}
