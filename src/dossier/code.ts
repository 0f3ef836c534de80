// Dossier codes (mã hồ sơ): finding one anywhere in a message, checking its structure, canonical form.
// Structure (Thông tư 01/2018/TT-VPCP): <agency code>-<YYMMDD receipt date>-<4-digit daily sequence>,
// e.g. 000.00.14.H56-200203-0118 or the shortened 38.98.H29-210519-0013. Codes of other systems
// (social insurance 03706/2026/07906, …) are only "maybe": the conversation asks before looking them up.
import { PROCEDURE_CODE_PATTERN, UUID_PATTERN } from '../knowledge/schema.ts';
import { daysInMonth, isRealDate } from './dates.ts';
import type { DossierCodeMatch } from './types.ts';

/** The strict shape of a code once canonical (upper case, no spaces). */
export const DOSSIER_CODE_PATTERN = /^(?:\d{2,3}\.){1,3}[A-Z]\d{2}-\d{6}-\d{4}$/;
const AGENCY_PATTERN = /^(?:\d{2,3}\.){1,3}[A-Z]\d{2}$/;

/** Example shown to citizens when a code looks wrong. */
export const DOSSIER_CODE_EXAMPLE = '000.00.14.H56-200203-0118';

const DASH = '[-\\u2010-\\u2015\\u2212_]';
const DASH_SEP = `\\s*${DASH}\\s*`;
const BEFORE = '(?<![\\p{L}\\p{N}.])';
const AFTER = '(?![\\p{L}\\p{N}])';
/** Dotted digits ending in a letter group (H56, G01), in any case. */
const AGENCY_LOOSE = '(?:\\d{1,4}\\.){1,4}[A-Za-z]{1,2}\\d{1,3}';
/** Dotted digits without the letter: only taken when the rest of the code is exactly right. */
const AGENCY_NO_LETTER = `(?:\\d{1,4}\\.){2,4}\\d{1,4}(?=${DASH_SEP}\\d{6}${DASH_SEP}\\d{4}${AFTER})`;

/** A date or sequence part as typed: starts with a digit, may carry stray letters (O for 0) to report. */
const PART = '\\d[\\p{L}\\p{N}]{0,9}';
/** A code of the family with dashes (spaces around them allowed, as in SMS), parts of any length. */
const DASHED = new RegExp(
  `${BEFORE}(${AGENCY_LOOSE}|${AGENCY_NO_LETTER})${DASH_SEP}(${PART})(?:${DASH_SEP}(${PART}))?${AFTER}`,
  'gu',
);
/** The same family with spaces instead of dashes: only when every part has its exact length. */
const SPACED = new RegExp(`${BEFORE}(${AGENCY_LOOSE})\\s+(\\d{6})\\s+(\\d{4})${AFTER}`, 'gu');

/** Codes of other systems: three or more groups joined by `/`, `.` or `-`, written without spaces. */
const OTHER_SHAPE = /(?<![\p{L}\p{N}./-])[\p{L}\p{N}]+(?:[./-][\p{L}\p{N}]+){2,}(?![\p{L}\p{N}]|[./-][\p{L}\p{N}])/gu;
const URL = /\b(?:https?:\/\/|www\.)\S+/giu;

interface Found {
  index: number;
  match: DossierCodeMatch;
}

/** Finds the first dossier code in a text (a message, a pasted SMS, a URL); undefined when there is none. */
export function detectDossierCode(text: string): DossierCodeMatch | undefined {
  const input = text.normalize('NFC');
  const family = firstFamilyCode(input);
  if (family) return family.match;
  const withoutUrls = input.replace(URL, ' ');
  for (const m of withoutUrls.matchAll(OTHER_SHAPE)) {
    if (looksLikeOtherSystemCode(m[0])) return { kind: 'maybe', candidate: m[0].toUpperCase() };
  }
  return undefined;
}

/**
 * Classifies a string that is meant to be one code as a whole (an API path parameter, an import column).
 * Other shapes are "maybe" when they could be an operator's own code; undefined when they cannot be a code.
 */
export function classifyDossierCode(input: string): DossierCodeMatch | undefined {
  const value = input.normalize('NFC').trim();
  if (value === '') return undefined;
  const family = firstFamilyCode(value);
  if (family && family.length === value.length && family.index === 0) return family.match;
  if (family) return { kind: 'malformed', code: value.toUpperCase(), problem: 'có ký tự thừa ngoài mã hồ sơ' };
  const compact = value.toUpperCase();
  const codeLike = /^[\p{L}\p{N}]+(?:[./_-][\p{L}\p{N}]+)*$/u.test(compact) && /\d/.test(compact);
  if (codeLike && compact.length >= 6 && compact.length <= 64 && !isOtherKindOfNumber(compact)) {
    return { kind: 'maybe', candidate: compact };
  }
  return undefined;
}

/** The key a code is stored and looked up under: the canonical code, or an other-shaped code in upper case. */
export function dossierLookupKey(input: string): string | undefined {
  const match = classifyDossierCode(input);
  if (match?.kind === 'valid') return match.code;
  if (match?.kind === 'maybe') return match.candidate;
  return undefined;
}

function firstFamilyCode(input: string): (Found & { length: number }) | undefined {
  let best: (Found & { length: number }) | undefined;
  for (const pattern of [DASHED, SPACED]) {
    pattern.lastIndex = 0;
    const m = pattern.exec(input);
    if (!m || (best && best.index <= m.index)) continue;
    const [, agency = '', date = '', sequence] = m;
    best = { index: m.index, length: m[0].length, match: checkParts(agency, date, sequence) };
  }
  return best;
}

/** Checks each part of a code of the family and says, in Vietnamese, which part looks wrong. */
function checkParts(agencyRaw: string, date: string, sequence: string | undefined): DossierCodeMatch {
  const agency = agencyRaw.toUpperCase();
  const code = [agency, date, sequence].filter((p) => p !== undefined).join('-');
  const problems: string[] = [];
  if (!AGENCY_PATTERN.test(agency)) {
    problems.push(`mã cơ quan ${agency} không đúng dạng (ví dụ 000.00.14.H56 hoặc 38.98.H29)`);
  }
  const dateProblem = checkDate(date);
  if (dateProblem) problems.push(dateProblem);
  if (sequence === undefined) problems.push('thiếu số thứ tự 4 chữ số ở cuối mã');
  else if (!/^\d{4}$/.test(sequence)) problems.push(`số thứ tự phải có 4 chữ số (mã đang có "${sequence}")`);
  if (problems.length > 0) return { kind: 'malformed', code, problem: problems.join('; ') };
  return { kind: 'valid', code };
}

function checkDate(date: string): string | undefined {
  if (!/^\d{6}$/.test(date)) return `ngày tiếp nhận phải có 6 chữ số dạng YYMMDD (mã đang có "${date}")`;
  const year = 2000 + Number(date.slice(0, 2));
  const month = Number(date.slice(2, 4));
  const day = Number(date.slice(4, 6));
  if (isRealDate(year, month, day)) return undefined;
  const why =
    month < 1 || month > 12
      ? `không có tháng ${date.slice(2, 4)}`
      : `tháng ${month}/${year} chỉ có ${daysInMonth(year, month)} ngày`;
  return `ngày ${date} không hợp lệ (dạng YYMMDD: ${why})`;
}

const DATE_LIKE = /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$/;
const MONEY_LIKE = /^\d{1,3}(?:[.,]\d{3})+(?:đ|d|vnđ|vnd)?$/iu;
const IP_LIKE = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const LEGAL_DOCUMENT_NUMBER = /\d{1,5}\/(?:19|20)\d{2}\/\p{L}/u;
const EMBEDDED_DATE = /(?:^|\D)\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}(?:\D|$)/;
const PHONE_DIGITS = /^(?:0|84)\d{8,10}$/;

/** Other-shaped codes worth asking about: three or more groups, enough digits, not another kind of number. */
function looksLikeOtherSystemCode(token: string): boolean {
  const groups = token.split(/[./-]/);
  if (groups.length < 3 || token.replace(/\D/g, '').length < 8) return false;
  if (!/\d/.test(groups.at(-1) ?? '')) return false; // 1234/2024/QĐ-UBND is a document number
  if (LEGAL_DOCUMENT_NUMBER.test(token)) return false; // 38/2009/QH12, 01/2018/TT-VPCP
  if (EMBEDDED_DATE.test(token)) return false; // 02.7.2025.docx
  if (groups.every((g) => /^\d{1,3}$/.test(g))) return false; // lists and grouped numbers: 333-335-337
  return !isOtherKindOfNumber(token);
}

/** Dates, money amounts, phone numbers, IP addresses, procedure codes and UUIDs are not dossier codes. */
function isOtherKindOfNumber(token: string): boolean {
  if (PROCEDURE_CODE_PATTERN.test(token) || UUID_PATTERN.test(token)) return true;
  if (DATE_LIKE.test(token) || MONEY_LIKE.test(token) || IP_LIKE.test(token)) return true;
  return /^[\d./ -]+$/.test(token) && PHONE_DIGITS.test(token.replace(/\D/g, ''));
}
