// Story questions: citizens often tell what happened before they ask ("Bố tôi mất, để lại căn nhà… Tôi không muốn
// lấy phần của mình. Tôi cần làm giấy tờ gì?"). The request is one or two sentences; the rest is context whose
// words (bố, nhà, nước ngoài, tai nạn…) pull procedures that share them. This module finds the request sentences
// and gives every other word a lower weight; query.ts keeps full weight for context words that the concept table
// recognises as the object of the request ("buôn lợn", "bình gốm cổ").
import { tokenize } from '../text/normalize.ts';

/** Weight of a context word (outside the request) that no concept recognises. */
export const NARRATIVE_WEIGHT = 0.5;
/** A request shorter than this (content words) takes in the sentence before it ("… Giờ tôi phải làm gì?"). */
const MIN_REQUEST_WORDS = 2;
/** Only questions with at least this many content words are stories. */
const MIN_STORY_WORDS = 10;

/** Words that make a sentence a request: a question word, or the citizen saying what they want or need. */
const ACCENTED_MARKERS = new Set(['gì', 'đâu', 'nào', 'sao', 'muốn', 'cần', 'hỏi', 'có phải', 'được không']);
/** The same without diacritics ("can" would also be căn, cán: left out). */
const FOLDED_MARKERS = new Set(['gi', 'dau', 'nao', 'sao', 'muon', 'hoi']);

/** Sentences of the question: text up to . ? ! ; … followed by a space, or a line break. */
function sentences(text: string): { text: string; asks: boolean }[] {
  return text
    .split(/(?<=[.?!;…])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => ({ text: s, asks: s.endsWith('?') }));
}

function isRequest(tokens: string[], folded: string[], unaccented: boolean, asks: boolean): boolean {
  if (asks) return true;
  const last = folded[folded.length - 1];
  if (last === 'khong' || last === 'chua') return true;
  const markers = unaccented ? FOLDED_MARKERS : ACCENTED_MARKERS;
  const words = unaccented ? folded : tokens;
  for (let i = 0; i < words.length; i++) {
    if (markers.has(words[i] as string)) return true;
    if (i + 1 < words.length && markers.has(`${words[i]} ${words[i + 1]}`)) return true;
  }
  return false;
}

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
  if (filler.filter((f) => !f).length < MIN_STORY_WORDS) return undefined;
  const parts = sentences(text);
  if (parts.length < 2) return undefined;
  // Token ranges of each sentence; a tokenisation that does not add up (a code split by a dot) means no focus.
  // (Commas are no boundary: the commas of a quoted procedure name separate no story.)
  const ranges: { start: number; end: number; request: boolean }[] = [];
  let at = 0;
  for (const part of parts) {
    const n = tokenize(part.text).length;
    const start = Math.min(at, tokens.length);
    const end = Math.min(at + n, tokens.length);
    ranges.push({
      start,
      end,
      request: isRequest(tokens.slice(start, end), folded.slice(start, end), unaccented, part.asks),
    });
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
  const mask = tokens.map(() => false);
  for (const r of ranges) if (r.request) for (let i = r.start; i < r.end; i++) mask[i] = true;
  return mask;
}

/**
 * Weight of each token of a story question: 1 in the request and for context words a concept recognises
 * (`recognised` spans), NARRATIVE_WEIGHT for other context words; undefined when the question is not a story.
 */
export function focusWeights(
  text: string,
  tokens: string[],
  folded: string[],
  filler: boolean[],
  unaccented: boolean,
  recognised: { start: number; end: number }[],
): number[] | undefined {
  const mask = requestMask(text, tokens, folded, filler, unaccented);
  if (!mask) return undefined;
  for (const span of recognised) for (let i = span.start; i < span.end; i++) mask[i] = true;
  return mask.map((inRequest) => (inRequest ? 1 : NARRATIVE_WEIGHT));
}
