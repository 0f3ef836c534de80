// Decodes the keystrokes of the two Vietnamese input methods when the keyboard did not turn them into letters:
// Telex ("giaays" = giấy, "ddaats" = đất, "truowngf" = trường) and VNI ("gia6y1" = giấy, "d9a6t1" = đất), and tells
// whether a word has the shape of one Vietnamese syllable. Only the spelling: whether the result is a real word is
// for the caller (src/retrieval/spelling.ts) to check.
import { canonicalTone, foldAccents } from './normalize.ts';

const TELEX_TONE: Record<string, string> = { s: '\u0301', f: '\u0300', r: '\u0309', x: '\u0303', j: '\u0323' };
const VNI_TONE: Record<string, string> = { '1': '\u0301', '2': '\u0300', '3': '\u0309', '4': '\u0303', '5': '\u0323' };
/** Telex letter pairs, longest first: "uow" is ươ, "aa" â, "aw" ă, "dd" đ… */
const TELEX_PAIRS: [string, string][] = [
  ['uow', 'ươ'],
  ['dd', 'đ'],
  ['aa', 'â'],
  ['ee', 'ê'],
  ['oo', 'ô'],
  ['aw', 'ă'],
  ['ow', 'ơ'],
  ['uw', 'ư'],
  ['w', 'ư'],
];
/** VNI modifier digits and the letters they change. */
const VNI_MARKS: Record<string, Record<string, string>> = {
  '6': { a: 'â', e: 'ê', o: 'ô' },
  '7': { o: 'ơ', u: 'ư' },
  '8': { a: 'ă' },
  '9': { d: 'đ' },
};
const VOWELS = /[aăâeêioôơuưy]/;

/** The syllable `letters` with `tone` (a combining mark) put where Vietnamese puts it; undefined without a vowel. */
function withTone(letters: string, tone: string | undefined): string | undefined {
  const at = [...letters].findIndex((c) => VOWELS.test(c));
  if (at < 0) return undefined;
  if (!tone) return letters;
  const chars = [...letters];
  chars[at] = `${chars[at]}${tone}`;
  return canonicalTone(chars.join('').normalize('NFC'));
}

/**
 * "giaays" → "giấy", "ddaats" → "đất", "truowngf" → "trường", "luaatj" → "luật": the word a Telex keyboard would
 * have written, or undefined when `word` (lower-case ASCII letters) holds no Telex key.
 */
export function decodeTelex(word: string): string | undefined {
  if (!/^[a-z]{2,}$/.test(word)) return undefined;
  let body = word;
  let tone: string | undefined;
  const last = word.charAt(word.length - 1);
  // No Vietnamese syllable ends in s, f, r, x or j: a final one is a tone key.
  if (TELEX_TONE[last] && VOWELS.test(word.slice(0, -1))) {
    tone = TELEX_TONE[last];
    body = word.slice(0, -1);
  }
  let letters = '';
  let changed = tone !== undefined;
  for (let k = 0; k < body.length; ) {
    const pair = TELEX_PAIRS.find(([keys]) => body.startsWith(keys, k));
    if (pair && !(pair[0] === 'w' && k === 0)) {
      letters += pair[1];
      k += pair[0].length;
      changed = true;
    } else {
      letters += body.charAt(k);
      k++;
    }
  }
  return changed ? withTone(letters, tone) : undefined;
}

/**
 * "gia6y1" → "giấy", "d9a6t1" → "đất", "giay61" → "giấy" (digits right after the letter or at the end): the word a
 * VNI keyboard would have written, or undefined when `word` holds no VNI digit or one that changes nothing.
 */
export function decodeVni(word: string): string | undefined {
  if (!/^[a-z][a-z1-9]*[1-9][a-z1-9]*$/.test(word)) return undefined;
  const letters: string[] = [];
  let tone: string | undefined;
  for (const ch of word) {
    if (/[a-z]/.test(ch)) {
      letters.push(ch);
      continue;
    }
    if (VNI_TONE[ch]) {
      if (tone) return undefined;
      tone = VNI_TONE[ch];
      continue;
    }
    const marks = VNI_MARKS[ch] as Record<string, string>;
    // The nearest letter before the digit that the digit can change ("uo" + 7 is ươ).
    let at = letters.length - 1;
    while (at >= 0 && !marks[letters[at] as string]) at--;
    if (at < 0) return undefined;
    letters[at] = marks[letters[at] as string] as string;
    if (ch === '7' && letters[at] === 'ơ' && letters[at - 1] === 'u') letters[at - 1] = 'ư';
  }
  if (letters.length < 2) return undefined;
  return withTone(letters.join(''), tone);
}

/** Initial consonant, one to three vowels, final consonant: the shape of every Vietnamese syllable (unaccented). */
const SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?([aeiouy]{1,3})(ng|nh|ch|[cmnpt])?$/;
const STOP_FINAL = /(ch|[cpt])$/;

/** True when an unaccented lower-case word has the shape of one syllable ("ca", "tam", "nghieng"; not "dnag"). */
export function hasSyllableShape(bare: string): boolean {
  return SYLLABLE.test(bare);
}

/** Words already judged by `isSyllable` (a question's words are judged several times, and words repeat). */
const syllables = new Map<string, boolean>();
const SYLLABLE_CACHE_LIMIT = 50_000;

/**
 * True when a lower-case word could be one Vietnamese syllable: an initial, one to three vowels and a final that
 * Vietnamese allows, no â or ă closing an open syllable ("nhậ" is not a word), and a syllable ending in c, ch, p or t
 * with a sắc or nặng tone when it has diacritics. "dnag", "sihn", "dangky" are not syllables.
 */
export function isSyllable(word: string): boolean {
  let known = syllables.get(word);
  if (known === undefined) {
    known = syllableShaped(word);
    if (syllables.size >= SYLLABLE_CACHE_LIMIT) syllables.clear();
    syllables.set(word, known);
  }
  return known;
}

function syllableShaped(word: string): boolean {
  const bare = foldAccents(word);
  const shape = SYLLABLE.exec(bare);
  if (!shape) return false;
  const plain = word
    .normalize('NFD')
    .replace(/[\u0300\u0309\u0303\u0301\u0323]/g, '')
    .normalize('NFC');
  if (!shape[3] && /[âă]$/.test(plain)) return false;
  // c, ch, p, t close only a syllable with a sắc or nặng tone ("thuôc", "tiêp" are slips); unaccented, any.
  if (!STOP_FINAL.test(bare) || bare === word) return true;
  return /[\u0301\u0323]/.test(word.normalize('NFD'));
}
