// Vietnamese text normalisation, applied identically at index and query time:
// NFC, Ð→Đ, lower case, one canonical tone-mark placement (so "hoà"/"hòa", "thuỷ"/"thủy" and typos like
// "baỏ" meet), accent folding (đ→d), and tokenisation that keeps procedure and dossier codes intact.

const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
const COMBINING = /[\u0300-\u036f]/g;
const ASCII_ONLY = /^[ -~]*$/;
const BASE_VOWELS = 'aăâeêioôơuưy';
const MODIFIED_VOWELS = 'ăâêôơư';

/** NFC, the look-alike Ð (U+00D0) and ð mapped to Đ/đ, lower case. */
export function canonicalCase(input: string): string {
  return input
    .normalize('NFC')
    .replace(/\u00d0/g, 'Đ')
    .replace(/\u00f0/g, 'đ')
    .toLowerCase();
}

/** Removes every diacritic: "Đăng ký" → "dang ky". Input should already be lower case. */
export function foldAccents(input: string): string {
  if (ASCII_ONLY.test(input)) return input;
  return input.normalize('NFD').replace(COMBINING, '').replace(/đ/g, 'd').normalize('NFC');
}

/** True when the text carries at least one Vietnamese diacritic (or đ). */
export function hasDiacritics(input: string): boolean {
  const lower = canonicalCase(input);
  return /đ/.test(lower) || /[\u0300-\u036f]/.test(lower.normalize('NFD'));
}

/** Splits a syllable into its letters without tone and its tone mark (if any). */
function splitTone(syllable: string): { bare: string; tone: string | undefined } {
  let tone: string | undefined;
  let bare = '';
  for (const ch of syllable.normalize('NFD')) {
    if (TONE_MARKS.has(ch)) tone ??= ch;
    else bare += ch;
  }
  return { bare: bare.normalize('NFC'), tone };
}

function isVowel(ch: string): boolean {
  return BASE_VOWELS.includes(foldAccents(ch)) || MODIFIED_VOWELS.includes(ch);
}

/** Index (in `bare`) of the vowel that carries the tone, using the "new style" rule (hoà, thuỷ, khoẻ). */
function tonePosition(bare: string): number {
  let start = 0;
  // "qu" and "gi" (before another vowel) belong to the initial consonant.
  if (bare.startsWith('qu')) start = 2;
  else if (bare.startsWith('gi') && bare.length > 2 && isVowel(bare.charAt(2))) start = 2;
  while (start < bare.length && !isVowel(bare.charAt(start))) start++;
  let end = start;
  while (end < bare.length && isVowel(bare.charAt(end))) end++;
  if (start >= end) {
    // "gi" alone or "gì": the tone goes on the i.
    const i = bare.lastIndexOf('i');
    return i;
  }
  const cluster = bare.slice(start, end);
  // A vowel with a modifier carries the tone; in "ươ" it is the ơ.
  const horn = cluster.indexOf('ơ');
  if (horn >= 0) return start + horn;
  for (let k = 0; k < cluster.length; k++) {
    if (MODIFIED_VOWELS.includes(cluster.charAt(k))) return start + k;
  }
  if (cluster.length === 1) return start;
  const closed = end < bare.length; // followed by a final consonant
  if (closed) return end - 1;
  if (cluster.length === 3) return start + 1;
  if (cluster === 'oa' || cluster === 'oe' || cluster === 'uy') return start + 1;
  return start;
}

/** Puts the tone mark of one lower-case syllable in the canonical place. */
export function canonicalTone(syllable: string): string {
  const { bare, tone } = splitTone(syllable);
  if (!tone) return bare;
  const at = tonePosition(bare);
  if (at < 0) return bare;
  const chars = [...bare];
  const target = chars[at];
  if (target === undefined) return bare;
  chars[at] = (target.normalize('NFD') + tone).normalize('NFC');
  return chars.join('');
}

/** Code-like tokens first (1.001193, 000.00.14.H56-200203-0118, 03706/2026/07906), then words. */
const TOKEN = /\d+(?:[./-][\p{L}\p{N}]+)+|[\p{L}\p{N}]+/gu;

/** A consonant onset (not "gi") followed by a lone final i or y: the two spellings are interchangeable. */
const FINAL_I = /^(qu|[bcdđhklmnprstvx]|ch|gh|kh|ng|ngh|nh|ph|th|tr)([iy])$/;

/**
 * "kí"/"ký", "lí"/"lý", "mĩ"/"mỹ", "qui"/"quy": Vietnamese spells a lone final i after a consonant either way.
 * Both become y (keeping the tone), so "đăng kí" and "li lich" meet "đăng ký" and "lý lịch".
 */
function canonicalFinalI(syllable: string): string {
  const { bare, tone } = splitTone(syllable);
  const match = FINAL_I.exec(bare);
  if (!match) return syllable;
  return `${match[1]}${`y${tone ?? ''}`.normalize('NFC')}`;
}

/** Syllables seen so far and their canonical form (the vocabulary is small; this makes indexing fast). */
const canonicalCache = new Map<string, string>();
const CACHE_LIMIT = 200_000;

function canonicalToken(raw: string): string {
  let canonical = canonicalCache.get(raw);
  if (canonical === undefined) {
    // Plain numbers lose leading zeros ("mức độ 02" meets "mức 2"); codes keep their dots and zeros.
    if (/^\d+$/.test(raw)) canonical = raw.replace(/^0+(?=\d)/, '');
    else canonical = canonicalFinalI(/[\u0300-\u036f]/.test(raw.normalize('NFD')) ? canonicalTone(raw) : raw);
    if (canonicalCache.size >= CACHE_LIMIT) canonicalCache.clear();
    canonicalCache.set(raw, canonical);
  }
  return canonical;
}

/** A lower-case letter glued to an upper-case acronym ("sangGCNKNCM"): the two are separate words. */
const GLUED_ACRONYM = /(\p{Ll})(\p{Lu}{2,})/gu;

/**
 * `compute` remembering its last few results: a question's text goes through several steps (spelling, analysis,
 * acronyms, story sentences) that each normalise it the same way.
 */
function recent<T>(compute: (input: string) => T, size = 4): (input: string) => T {
  const inputs: (string | undefined)[] = new Array(size);
  const outputs: T[] = new Array(size);
  let next = 0;
  return (input) => {
    for (let k = 0; k < size; k++) if (inputs[k] === input) return outputs[k] as T;
    const output = compute(input);
    inputs[next] = input;
    outputs[next] = output;
    next = (next + 1) % size;
    return output;
  };
}

/** The input as `tokenSpans` positions refer to it: NFC, an upper-case acronym split from the word before it. */
export const unglue: (input: string) => string = recent((input) =>
  input.normalize('NFC').replace(GLUED_ACRONYM, '$1 $2'),
);

const recentTokens = recent((input) => (canonicalCase(unglue(input)).match(TOKEN) ?? []).map(canonicalToken));

/** Canonical lower-case tokens with diacritics kept (tone placement normalised). */
export function tokenize(input: string): string[] {
  return recentTokens(input).slice();
}

/** One token of `tokenize(input)` and where it was typed in `unglue(input)` (case and accents as typed). */
export interface TokenSpan {
  token: string;
  raw: string;
  start: number;
  end: number;
}

/** The tokens of `tokenize(input)` with their place in `unglue(input)`, so a token can be rewritten in place. */
export function tokenSpans(input: string): TokenSpan[] {
  const text = unglue(input);
  const spans: TokenSpan[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    spans.push({ token: canonicalToken(canonicalCase(raw)), raw, start: match.index, end: match.index + raw.length });
  }
  return spans;
}

/**
 * For each token of `tokenize(input)`, whether it was typed as an upper-case acronym of two letters or more
 * ("C/O mẫu AI": "AI" is a form's name, not the filler word "ai").
 */
export function acronymMask(input: string): boolean[] {
  const raw =
    unglue(input)
      .replace(/\u00d0/g, 'Đ')
      .match(TOKEN) ?? [];
  return raw.map((t) => t.length >= 2 && /\p{Lu}/u.test(t) && t === t.toUpperCase() && !/^\d/.test(t));
}

/** The text as canonical tokens joined by single spaces. */
export function normalizeText(input: string): string {
  return tokenize(input).join(' ');
}

/** Canonical tokens and their accent-folded twins, computed once. */
export interface AnalyzedText {
  tokens: string[];
  folded: string[];
  /** True when the input had no diacritics at all: score it against folded forms only. */
  unaccented: boolean;
}

const foldCache = new Map<string, string>();

/** foldAccents for one token, memoised (tokens repeat endlessly across the catalogue). */
export function foldToken(token: string): string {
  let folded = foldCache.get(token);
  if (folded === undefined) {
    folded = foldAccents(token);
    if (foldCache.size >= CACHE_LIMIT) foldCache.clear();
    foldCache.set(token, folded);
  }
  return folded;
}

export function analyze(input: string): AnalyzedText {
  const tokens = tokenize(input);
  const folded = tokens.map(foldToken);
  const unaccented = tokens.every((t, i) => t === folded[i]);
  return { tokens, folded, unaccented };
}
