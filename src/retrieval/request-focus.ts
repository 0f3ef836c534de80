// Story questions: citizens often tell what happened before they ask ("Bố tôi mất, để lại căn nhà… Tôi không muốn
// lấy phần của mình. Tôi cần làm giấy tờ gì?"). The request is one or two sentences; the rest is context whose
// words (bố, nhà, nước ngoài, tai nạn…) pull procedures that share them. This module finds the request sentences
// and gives every other word a lower weight; query.ts keeps full weight for context words that the concept table
// recognises as the object of the request ("buôn lợn", "bình gốm cổ").
import { tokenize } from '../text/normalize.ts';

/** Weight of a context word (outside the request) that no concept recognises. */
export const NARRATIVE_WEIGHT = 0.5;
/**
 * Weight of a word of a context clause told as done ("bà nội đã đăng ký làm người giám hộ", "năm 2023 đăng ký kết
 * hôn bên Nhật"): the procedure it names is what happened, not what is asked; no concept lifts it.
 */
export const DONE_WEIGHT = 0.25;
/** A request shorter than this (content words) takes in the sentence before it ("… Giờ tôi phải làm gì?"). */
const MIN_REQUEST_WORDS = 2;
/** Only questions with at least this many content words are stories. */
const MIN_STORY_WORDS = 10;

/**
 * Words that make a sentence a request: a question word, the citizen saying what they want or need, or what they
 * were told to do ("Người ta bảo phải có giấy của thú y", "Nghe nói người già được nhà nước chi tiền hằng
 * tháng"): a reported instruction names what is asked for, often better than the bare "Cần nộp hồ sơ gì?" after it.
 */
const ACCENTED_MARKERS = new Set([
  'gì',
  'đâu',
  'nào',
  'sao',
  'muốn',
  'cần',
  'hỏi',
  'có phải',
  'được không',
  'nghe nói',
  'nghe bảo',
  'ta bảo',
  'ta nói',
  'bảo phải',
  'bảo là',
  'bảo tôi',
  'khuyên',
]);
/** The same without diacritics ("can" would also be căn, cán: left out). */
const FOLDED_MARKERS = new Set([
  'gi',
  'dau',
  'nao',
  'sao',
  'muon',
  'hoi',
  'nghe noi',
  'nghe bao',
  'ta bao',
  'ta noi',
  'bao phai',
  'bao la',
  'bao toi',
  'khuyen',
]);
/** A concession before the want: "… nhưng muốn …". */
const BUT = 'nhung';

/**
 * Sentence boundaries: . ? ! ; … followed by a space, a line break, and the turn of one sentence from the situation
 * to the request, a comma followed by "giờ", "bây giờ", "hiện giờ", "nay" or "vậy" ("Giấy khai sinh của con tôi bị
 * rách rồi, giờ muốn xin thêm mấy bản sao…"). Other commas are no boundary: a quoted procedure name has commas.
 */
const BOUNDARY = /(?<=[.?!;…])\s+|\n+|(?<=,)\s+(?=(?:giờ|bây giờ|hiện giờ|nay|vậy|gio|bay gio|hien gio)\s)/iu;

/** Sentences of the question, and whether each ends with a question mark. */
function sentences(text: string): { text: string; asks: boolean }[] {
  return text
    .split(BOUNDARY)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => ({ text: s, asks: s.endsWith('?') }));
}

/** Negations that turn a question word into "none" ("không có khoản trợ cấp nào" = no allowance at all). */
const NEGATIONS = new Set(['khong', 'chua', 'chang', 'cha']);
/** Question words that are indefinites after a negation in a sentence that does not ask. */
const INDEFINITES = new Set(['gi', 'nao', 'dau']);
/** "không biết … gì" still asks ("tôi không biết phải làm gì"). */
const WONDER = 'biet';

/**
 * Position of the first word that makes the sentence a request, or -1. In a sentence that does not end with a
 * question mark, a question word after a negation is an indefinite ("nhà không thuộc diện nào", "không họ hàng
 * gì với cháu"): it asks nothing, unless the negation is "không biết" (the citizen does not know what to do).
 */
function requestAt(tokens: string[], folded: string[], unaccented: boolean, asks: boolean): number {
  const markers = unaccented ? FOLDED_MARKERS : ACCENTED_MARKERS;
  const words = unaccented ? folded : tokens;
  let negated = false;
  for (let i = 0; i < words.length; i++) {
    const f = folded[i] as string;
    if (NEGATIONS.has(f)) negated = folded[i + 1] !== WONDER;
    const marker =
      markers.has(words[i] as string) || (i + 1 < words.length && markers.has(`${words[i]} ${words[i + 1]}`));
    // "không muốn kiện ra tòa", "chưa muốn giải thể": a want said with a negation is what the citizen does not want.
    if (marker && declines(tokens, folded, unaccented, i)) continue;
    if (marker && (asks || !negated || !INDEFINITES.has(f))) return i;
  }
  if (asks) return 0;
  const last = folded[folded.length - 1];
  return last === 'khong' || last === 'chua' ? folded.length - 1 : -1;
}

/** Words of wanting or planning ("muốn", "tính", "định"; not "cần": "không cần đăng ký" is often what is asked about). */
const WANTS_ACCENTED = new Set(['muốn', 'tính', 'định']);
const WANTS_FOLDED = new Set(['muon']);

/** Whether word i is a want right after a negation ("không muốn", "chưa tính", "không cần"). */
function declines(tokens: string[], folded: string[], unaccented: boolean, i: number): boolean {
  const want = unaccented ? WANTS_FOLDED.has(folded[i] as string) : WANTS_ACCENTED.has(tokens[i] as string);
  return want && i > 0 && NEGATIONS.has(folded[i - 1] as string);
}

/** Words telling that something is done or settled: "đã", "vừa", "từng", "rồi", "xong" (accented). */
const DONE_ACCENTED = new Set(['đã', 'vừa', 'từng', 'rồi', 'xong']);
/** The same typed without diacritics (vua, tung, roi would also be vua, tung, rơi: left out). */
const DONE_FOLDED = new Set(['da', 'xong']);

/** Whether a clause's words tell it as done or past. */
function toldAsDone(tokens: string[], folded: string[], unaccented: boolean): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (unaccented ? DONE_FOLDED.has(folded[i] as string) : DONE_ACCENTED.has(tokens[i] as string)) return true;
  }
  return false;
}

/** Clause boundaries inside a sentence: commas and a "nhưng" or "mà" that turns it. */
const CLAUSE = /,\s*|\s+(?=(?:nhưng|mà|nhung)\s)/iu;

/**
 * The role of each word of a story: part of the request, context, a context clause told as done, or a clause saying
 * what the citizen does not want ("tôi không muốn kiện ra tòa", "chưa tính nhận làm con nuôi").
 */
export type Role = 'request' | 'context' | 'done' | 'declined';

/**
 * For each token of the question (as `prepareQuery` reads them), whether it belongs to the request; undefined
 * when the question is not a story (one sentence, short, no request sentence, or only requests).
 */
export function requestMask(
  text: string,
  tokens: string[],
  folded: string[],
  filler: boolean[],
  unaccented: boolean,
): boolean[] | undefined {
  return storyRoles(text, tokens, folded, filler, unaccented)?.map((role) => role === 'request');
}

/**
 * The role of each token of the question; undefined when the question is not a story. A context clause (between
 * commas, or before a turning "nhưng"/"mà") that tells something as done is `done`.
 */
export function storyRoles(
  text: string,
  tokens: string[],
  folded: string[],
  filler: boolean[],
  unaccented: boolean,
): Role[] | undefined {
  if (filler.filter((f) => !f).length < MIN_STORY_WORDS) return undefined;
  const parts = sentences(text);
  if (parts.length < 2) return undefined;
  // Token ranges of each sentence; a tokenisation that does not add up (a code split by a dot) means no focus.
  // (Commas are no boundary: the commas of a quoted procedure name separate no story.)
  const ranges: { start: number; end: number; request: boolean }[] = [];
  /** Token ranges of the clauses of every sentence. */
  const clauses: { start: number; end: number }[] = [];
  let at = 0;
  for (const part of parts) {
    const n = tokenize(part.text).length;
    let clauseAt = at;
    for (const clause of part.text.split(CLAUSE)) {
      const length = tokenize(clause).length;
      if (length > 0) clauses.push({ start: clauseAt, end: Math.min(clauseAt + length, tokens.length) });
      clauseAt += length;
    }
    const start = Math.min(at, tokens.length);
    const end = Math.min(at + n, tokens.length);
    const marker = requestAt(tokens.slice(start, end), folded.slice(start, end), unaccented, part.asks);
    // "…, chưa tính nhận con nuôi nhưng muốn đón cháu về chăm sóc": what comes before "nhưng" is a concession,
    // context of the want that follows it.
    const but = marker > 0 ? folded.slice(start, start + marker).lastIndexOf(BUT) : -1;
    if (but > 0) ranges.push({ start, end: start + but, request: false });
    ranges.push({ start: but > 0 ? start + but : start, end, request: marker >= 0 });
    at += n;
  }
  if (at !== tokenize(text).length) return undefined;
  const requests = ranges.filter((r) => r.request);
  if (requests.length === 0 || requests.length === ranges.length) return undefined;
  const contentOf = (r: { start: number; end: number }) => filler.slice(r.start, r.end).filter((f) => !f).length;
  let words = requests.reduce((sum, r) => sum + contentOf(r), 0);
  // A bare "Phải làm gì?" asks about the sentence before it.
  for (let k = ranges.indexOf(requests[requests.length - 1] as (typeof ranges)[number]) - 1; k >= 0; k--) {
    if (words >= MIN_REQUEST_WORDS) break;
    const range = ranges[k] as (typeof ranges)[number];
    if (range.request) continue;
    range.request = true;
    words += contentOf(range);
  }
  const roles: Role[] = tokens.map(() => 'context');
  for (const r of ranges) if (r.request) for (let i = r.start; i < r.end; i++) roles[i] = 'request';
  for (const c of clauses) {
    if (c.start >= c.end) continue;
    const [clauseTokens, clauseFolded] = [tokens.slice(c.start, c.end), folded.slice(c.start, c.end)];
    if (clauseTokens.some((_, k) => declines(clauseTokens, clauseFolded, unaccented, k)))
      for (let i = c.start; i < c.end; i++) roles[i] = 'declined';
    else if (roles[c.start] === 'context' && toldAsDone(clauseTokens, clauseFolded, unaccented))
      for (let i = c.start; i < c.end; i++) if (roles[i] === 'context') roles[i] = 'done';
  }
  return roles;
}

/** How a story's words are read: each one's weight, and whether it tells what is settled (done or declined). */
export interface Focus {
  weights: number[];
  /** The word belongs to a clause told as done or declined: an action in it is not asked, a name in it not quoted. */
  settled: boolean[];
}

/**
 * Weight of each token of a story question: 1 in the request and for context words a concept recognises
 * (`recognised` spans), NARRATIVE_WEIGHT for other context words and what the citizen declines, DONE_WEIGHT for a
 * clause told as done (no concept lifts it); undefined when the question is not a story.
 */
export function focusWeights(
  text: string,
  tokens: string[],
  folded: string[],
  filler: boolean[],
  unaccented: boolean,
  recognised: { start: number; end: number }[],
): Focus | undefined {
  const roles = storyRoles(text, tokens, folded, filler, unaccented);
  if (!roles) return undefined;
  for (const span of recognised)
    for (let i = span.start; i < span.end; i++)
      if (roles[i] === 'context' || roles[i] === 'declined') roles[i] = 'request';
  return {
    weights: roles.map((role) => (role === 'request' ? 1 : role === 'done' ? DONE_WEIGHT : NARRATIVE_WEIGHT)),
    settled: roles.map((role) => role === 'done' || role === 'declined'),
  };
}
