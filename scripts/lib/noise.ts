// Derives noisy variants of eval questions the way citizens mistype them (no diacritics, a dropped or wrong tone
// mark, Telex/VNI keystrokes left in, a dropped or swapped letter, two words glued), with a fixed seed, so
// `npm run eval:noise` measures the spelling classes on every existing question set without writing a new one.

const TONES = ['\u0301', '\u0300', '\u0309', '\u0303', '\u0323'] as const; // sắc huyền hỏi ngã nặng
const TONE_SET = new Set<string>(TONES);
const TELEX_TONE: Record<string, string> = {
  '\u0301': 's',
  '\u0300': 'f',
  '\u0309': 'r',
  '\u0303': 'x',
  '\u0323': 'j',
};
const VNI_TONE: Record<string, string> = { '\u0301': '1', '\u0300': '2', '\u0309': '3', '\u0303': '4', '\u0323': '5' };
const TELEX_LETTER: Record<string, string> = { â: 'aa', ê: 'ee', ô: 'oo', ă: 'aw', ơ: 'ow', ư: 'uw', đ: 'dd' };
const VNI_LETTER: Record<string, string> = { â: 'a6', ê: 'e6', ô: 'o6', ă: 'a8', ơ: 'o7', ư: 'u7', đ: 'd9' };

export const NOISE_KINDS = [
  'strip',
  'tone-drop',
  'tone-wrong',
  'telex',
  'telex-all',
  'vni',
  'delete',
  'swap',
  'glue',
  'strip+delete',
  'strip+swap',
  'strip+glue',
] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

const WORD = /\p{L}+/gu;

function strip(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFC');
}

/** The word's letters without its tone and the tone (if any). */
function splitTone(word: string): { bare: string; tone: string | undefined } {
  let tone: string | undefined;
  let bare = '';
  for (const ch of word.normalize('NFD')) {
    if (TONE_SET.has(ch)) tone = ch;
    else bare += ch;
  }
  return { bare: bare.normalize('NFC'), tone };
}

function encode(word: string, letters: Record<string, string>, tones: Record<string, string>): string {
  const { bare, tone } = splitTone(word.toLowerCase());
  const body = [...bare].map((ch) => letters[ch] ?? ch).join('');
  return tone ? body + (tones[tone] as string) : body;
}

/** "giấy" → "giaays" (Telex keystrokes, tone key last). */
export function toTelex(word: string): string {
  return encode(word, TELEX_LETTER, TELEX_TONE);
}

/** "giấy" → "gia6y1" (VNI keystrokes, tone digit last). */
export function toVni(word: string): string {
  return encode(word, VNI_LETTER, VNI_TONE);
}

function withTone(word: string, tone: string | undefined): string {
  const { bare } = splitTone(word);
  if (!tone) return bare;
  const chars = [...bare];
  // Put the mark on the last vowel of the first vowel cluster; the normaliser moves it where it belongs anyway.
  const vowel = /[aăâeêioôơuưy]/i;
  let at = chars.findIndex((c) => vowel.test(strip(c)));
  if (at < 0) return bare;
  while (at + 1 < chars.length && vowel.test(strip(chars[at + 1] as string))) at++;
  chars[at] = `${chars[at]}${tone}`.normalize('NFC');
  return chars.join('');
}

interface Span {
  start: number;
  end: number;
  word: string;
}

function words(text: string): Span[] {
  return [...text.matchAll(WORD)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0] }));
}

function pick<T>(items: T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

function replaceSpan(text: string, span: Span, word: string): string {
  return text.slice(0, span.start) + word + text.slice(span.end);
}

/** One word changed by `change`, among the words `eligible` accepts; undefined when none is eligible. */
function oneWord(
  text: string,
  random: () => number,
  eligible: (word: string) => boolean,
  change: (word: string) => string,
): string | undefined {
  const span = pick(
    words(text).filter((s) => eligible(s.word)),
    random,
  );
  return span ? replaceSpan(text, span, change(span.word)) : undefined;
}

const accented = (w: string) => w !== strip(w);
const toned = (w: string) => splitTone(w).tone !== undefined;
const long = (w: string) => [...w].length >= 3;

function deleteLetter(word: string, random: () => number): string {
  const chars = [...word];
  chars.splice(Math.floor(random() * chars.length), 1);
  return chars.join('');
}

function swapLetters(word: string, random: () => number): string {
  const chars = [...word];
  const at = Math.floor(random() * (chars.length - 1));
  [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string];
  return chars.join('');
}

function glue(text: string, random: () => number): string | undefined {
  const spans = words(text);
  const pairs: number[] = [];
  for (let k = 0; k + 1 < spans.length; k++) {
    const [a, b] = [spans[k] as Span, spans[k + 1] as Span];
    if (/^\s+$/.test(text.slice(a.end, b.start))) pairs.push(k);
  }
  const k = pick(pairs, random);
  if (k === undefined) return undefined;
  const [a, b] = [spans[k] as Span, spans[k + 1] as Span];
  return text.slice(0, a.start) + (a.word + b.word).toLowerCase() + text.slice(b.end);
}

/**
 * The question with one kind of noise applied, or undefined when the kind does not apply (no accented word to
 * drop a tone from, no two adjacent words to glue…). `random` decides which word.
 */
export function addNoise(text: string, kind: NoiseKind, random: () => number): string | undefined {
  switch (kind) {
    case 'strip':
      return accented(text) ? strip(text) : undefined;
    case 'tone-drop':
      return oneWord(text, random, toned, (w) => withTone(w, undefined));
    case 'tone-wrong':
      return oneWord(text, random, toned, (w) => {
        const others = TONES.filter((t) => t !== splitTone(w).tone);
        return withTone(w, others[Math.floor(random() * others.length)]);
      });
    case 'telex':
      return oneWord(text, random, accented, toTelex);
    case 'telex-all':
      return accented(text) ? text.replace(WORD, (w) => toTelex(w)) : undefined;
    case 'vni':
      return oneWord(text, random, accented, toVni);
    case 'delete':
      return oneWord(text, random, long, (w) => deleteLetter(w, random));
    case 'swap':
      return oneWord(text, random, long, (w) => swapLetters(w, random));
    case 'glue':
      return glue(text, random);
    case 'strip+delete':
      return oneWord(strip(text), random, long, (w) => deleteLetter(w, random));
    case 'strip+swap':
      return oneWord(strip(text), random, long, (w) => swapLetters(w, random));
    case 'strip+glue':
      return glue(strip(text), random);
  }
}
