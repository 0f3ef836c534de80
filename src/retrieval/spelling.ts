// Spelling of a question against the catalogue's own syllables: a word the index has never seen is read as the
// keystrokes of a Telex/VNI keyboard ("giaays" = giấy), as two glued words ("giayphep"), or as a known syllable one
// typing slip away ("dnag" = dang, "nhn" = nhan), preferring what forms a known word pair with its neighbours; and
// a word whose tone marks are missing or doubtful ("giây phép", "đăng ký giay phep") is matched on its unaccented
// form as fully as on its own. Built once from the lexical index; a question costs a few table lookups per word.
import { foldToken, hasDiacritics, type TokenSpan, tokenSpans, unglue } from '../text/normalize.ts';
import { decodeTelex, decodeVni, isSyllable } from '../text/typing.ts';
import type { LexicalIndex } from './lexical-index.ts';
import { bigramKey, foldedKey } from './terms.ts';

/** The question as the engine reads it after spelling. */
export interface Respelling {
  /** The question with misread words rewritten in place (the input itself when none was). */
  text: string;
  /** Per token of `tokenize(text)`: the word was rewritten (decoded keystrokes, a slip fixed, a glued pair split). */
  corrected: boolean[];
  /** Per token: its unaccented form counts as fully as the word (tone marks missing or doubtful). */
  loose: boolean[];
  /** The question as typed carried no diacritic at all (decoded keystrokes do not change that). */
  unaccented: boolean;
  /**
   * Per token of a question typed without accents: the accented spelling its neighbours point to when the unaccented
   * form is ambiguous ("giay phep": giấy phép), searched beside the unaccented form.
   */
  readings: (string | undefined)[];
}

/** Syllables shorter or longer than this are not corrected (or offered as corrections) by one typing slip. */
const MIN_SLIP_LENGTH = 3;
const MAX_SYLLABLE = 8;
/** A glued word the index knows (from page text) is split when the pair is this many times commoner. */
const GLUED_RATIO = 5;
/** How many accented spellings of an unaccented word are weighed against each other (the commonest). */
const MAX_SPELLINGS = 4;
/** An unaccented word is also read with the accents of its commonest pair when that pair is this common… */
const READING_PAIRS = 2;
/** …and this many times commoner than the next reading's. */
const READING_MARGIN = 3;
/** A word is read with another tone only when that spelling forms a pair with a neighbour in this many records. */
const MIN_TONE_PAIRS = 3;

const FOLDED_WORD = /^[a-z]+$/;
const LETTERS = /^\p{L}+$/u;

export class Spelling {
  /** Unaccented syllables of the catalogue and how many records hold each. */
  private readonly folded = new Map<string, number>();
  /** Accented spellings of each unaccented syllable ("giay" → giấy, giày, giây…). */
  private readonly variants = new Map<string, string[]>();
  private sorted = false;
  /** One-letter deletions of the syllables (SymSpell): "dang" → ang, dng, dag, dan. */
  private readonly deletions = new Map<string, string[]>();

  /** `known`: words the alias, abbreviation, filler and concept tables use (as written and unaccented), left alone. */
  constructor(
    private readonly index: LexicalIndex,
    private readonly known: ReadonlySet<string> = new Set(),
  ) {
    for (const [term, count] of index.terms()) {
      if (term.includes(' ')) continue;
      if (term.startsWith('~')) {
        const word = term.slice(1);
        if (!FOLDED_WORD.test(word)) continue;
        this.folded.set(word, count);
        if (word.length < MIN_SLIP_LENGTH - 1 || word.length > MAX_SYLLABLE) continue;
        for (const shorter of deletionsOf(word)) {
          const list = this.deletions.get(shorter);
          if (!list) this.deletions.set(shorter, [word]);
          else if (!list.includes(word)) list.push(word);
        }
      } else if (LETTERS.test(term)) {
        const key = foldToken(term);
        if (key === term) continue;
        const list = this.variants.get(key);
        if (list) list.push(term);
        else this.variants.set(key, [term]);
      }
    }
  }

  respell(text: string): Respelling {
    if (!this.sorted) this.sortVariants();
    const unaccented = !hasDiacritics(text);
    const spans = tokenSpans(text);
    const replaced: { span: TokenSpan; by: string }[] = [];
    spans.forEach((span, i) => {
      const by = this.replacement(spans, i, unaccented);
      if (by !== undefined) replaced.push({ span, by });
    });
    const { text: rewritten, ranges } = rewrite(text, replaced);
    const final = replaced.length > 0 ? tokenSpans(rewritten) : spans;
    const corrected = final.map((s) => ranges.some(([from, to]) => s.start >= from && s.start < to));
    const tokens = final.map((s) => s.token);
    // Whether the citizen left out accents somewhere: a syllable typed bare that the catalogue mostly holds accented.
    const omits = tokens.some(
      (t) =>
        foldToken(t) === t &&
        isSyllable(t) &&
        !this.known.has(t) &&
        this.pairCount(t) * GLUED_RATIO < (this.folded.get(t) ?? 0),
    );
    const loose = unaccented
      ? tokens.map(() => false)
      : tokens.map((_, i) => corrected[i] === true || this.doubtful(tokens, i, omits));
    if (unaccented) {
      const options = tokens.map((t) => (LETTERS.test(t) ? this.spellings(t) : []));
      const readings = this.readings(options, () => true);
      return { text: rewritten, corrected, loose, unaccented, readings };
    }
    // In an accented question, a doubtful word is also rewritten with the accents its neighbours as typed point to
    // ("đõng cửa" → đóng cửa), so that the alias, concept and action tables, which match accented words, find it.
    const options = tokens.map((t, i) => (!LETTERS.test(t) ? [] : loose[i] ? this.spellings(foldToken(t)) : [t]));
    const picks = this.readings(options, (i) => loose[i] === true);
    const accents = final.flatMap((span, i) => {
      const by = picks[i];
      return by !== undefined && by !== span.token ? [{ span, by }] : [];
    });
    const readings = tokens.map(() => undefined);
    if (accents.length === 0) return { text: rewritten, corrected, loose, unaccented, readings };
    return { text: rewrite(rewritten, accents).text, corrected, loose, unaccented, readings };
  }

  /** Each syllable's accented spellings, commonest first (once, on first use). */
  private sortVariants(): void {
    const count = (t: string) => this.index.posting(t)?.docs.length ?? 0;
    for (const list of this.variants.values()) list.sort((a, b) => count(b) - count(a));
    this.sorted = true;
  }

  /**
   * Accented spellings a word typed unaccented may stand for, the commonest MAX_SPELLINGS (a long question stays
   * cheap); a decoded Telex word stands for itself.
   */
  private spellings(token: string): string[] {
    const word = foldToken(token);
    if (token !== word) return this.index.has(token) ? [token] : [];
    const list = (this.variants.get(word) ?? []).slice(0, MAX_SPELLINGS);
    return this.index.has(word) ? [word, ...list] : list;
  }

  /**
   * For each word read unaccented whose unaccented form is ambiguous, the spelling forming by far the commonest
   * accented pairs with its neighbours' spellings (at least READING_PAIRS records, READING_MARGIN times the next).
   */
  private readings(options: string[][], which: (i: number) => boolean): (string | undefined)[] {
    return options.map((own, i) => {
      if (own.length < 2 || !which(i)) return undefined;
      let best: string | undefined;
      let first = 0;
      let second = 0;
      for (const v of own) {
        let score = 0;
        let left = 0;
        for (const u of options[i - 1] ?? []) left = Math.max(left, this.pairCount(bigramKey(u, v)));
        let right = 0;
        for (const u of options[i + 1] ?? []) right = Math.max(right, this.pairCount(bigramKey(v, u)));
        score = left + right;
        if (score > first) {
          second = first;
          first = score;
          best = v;
        } else if (score > second) second = score;
      }
      return first >= READING_PAIRS && first >= second * READING_MARGIN ? best : undefined;
    });
  }

  /**
   * The accented pair two adjacent words typed without accents stand for, when the catalogue holds one by far most
   * often (in at least `min` records, READING_MARGIN times the next): "co quan" is cơ quan.
   */
  pairReading(left: string, right: string, min = READING_PAIRS): [string, string] | undefined {
    if (!this.sorted) this.sortVariants();
    let best: [string, string] | undefined;
    let first = 0;
    let second = 0;
    for (const u of this.spellings(left)) {
      for (const v of this.spellings(right)) {
        const count = this.pairCount(bigramKey(u, v));
        if (count > first) {
          second = first;
          first = count;
          best = [u, v];
        } else if (count > second) second = count;
      }
    }
    return first >= min && first >= second * READING_MARGIN ? best : undefined;
  }

  /** What to read instead of the word at `i`, when the index does not know it as typed. */
  private replacement(spans: TokenSpan[], i: number, unaccented: boolean): string | undefined {
    const span = spans[i] as TokenSpan;
    const { token, raw } = span;
    // Upper-case acronyms and codes are what they are.
    if (raw.length >= 2 && raw === raw.toUpperCase() && /\p{Lu}/u.test(raw)) return undefined;
    const word = foldToken(token);
    if (this.known.has(word)) return undefined;
    const left = i > 0 ? foldToken((spans[i - 1] as TokenSpan).token) : undefined;
    const right = i + 1 < spans.length ? foldToken((spans[i + 1] as TokenSpan).token) : undefined;
    if (/\d/.test(token)) {
      const decoded = decodeVni(raw.toLowerCase());
      return decoded && this.folded.has(foldToken(decoded)) ? decoded : undefined;
    }
    const count = this.folded.get(word);
    if (count !== undefined) {
      // Some page text glues words too ("dangky"): a pair far commoner than the glued word is what was meant.
      if (!isSyllable(word)) return this.split(raw.toLowerCase().normalize('NFC'), word, count * GLUED_RATIO);
      // Known without its accents but no syllable as typed ("chứng nhậ"): a slip that makes a known pair.
      if (unaccented || token === word || this.index.has(token) || isSyllable(token)) return undefined;
      // …unless the word's own pairs are nearly as common (a wrong tone mark only: "thuôc" is thuốc).
      return this.nearest(word, left, right, spans, i, false, this.pairSupport(word, left, right) * GLUED_RATIO);
    }
    const decoded = /^[a-z]+$/.test(token) ? decodeTelex(token) : undefined;
    if (decoded && this.folded.has(foldToken(decoded))) return decoded;
    return (
      this.split(raw.toLowerCase().normalize('NFC'), word) ?? this.nearest(word, left, right, spans, i, unaccented)
    );
  }

  /** How many records hold the word as an unaccented pair with its left or right neighbour (summed). */
  private pairSupport(word: string, left: string | undefined, right: string | undefined): number {
    let support = 0;
    if (left !== undefined) support += this.pairCount(foldedKey(bigramKey(left, word)));
    if (right !== undefined) support += this.pairCount(foldedKey(bigramKey(word, right)));
    return support;
  }

  /** How many records hold the accented word as a pair with its neighbours as typed (summed). */
  private accentedPairs(word: string, before: string | undefined, after: string | undefined): number {
    return (
      (before === undefined ? 0 : this.pairCount(bigramKey(before, word))) +
      (after === undefined ? 0 : this.pairCount(bigramKey(word, after)))
    );
  }

  private pairCount(key: string): number {
    return this.index.posting(key)?.docs.length ?? 0;
  }

  /**
   * The known syllable one typing slip (a letter dropped, added, changed or two swapped) from `word` that forms a
   * known pair with a neighbour, the commonest among equals; accented when the question is and a spelling of it
   * forms an accented pair with a neighbour as typed.
   */
  private nearest(
    word: string,
    left: string | undefined,
    right: string | undefined,
    spans: TokenSpan[],
    i: number,
    unaccented: boolean,
    floor = 0,
  ): string | undefined {
    if (word.length < MIN_SLIP_LENGTH || word.length > MAX_SYLLABLE + 1 || !FOLDED_WORD.test(word)) return undefined;
    // A word without a vowel is an abbreviation ("ntn", "sdt"): left as typed. One shaped like a syllable may be a
    // word the catalogue does not use ("net", "nhạc"): only a slip that pairs with both neighbours replaces it.
    if (!/[aeiouy]/.test(word)) return undefined;
    const both = isSyllable((spans[i] as TokenSpan).token);
    if (both && (left === undefined || right === undefined)) return undefined;
    let best: string | undefined;
    let bestSupport = floor;
    for (const candidate of this.slips(word)) {
      if (
        both &&
        (this.pairSupport(candidate, left, undefined) === 0 || this.pairSupport(candidate, undefined, right) === 0)
      )
        continue;
      const support = this.pairSupport(candidate, left, right);
      if (support > bestSupport) {
        best = candidate;
        bestSupport = support;
      }
    }
    if (best === undefined || unaccented) return best;
    const before = i > 0 ? (spans[i - 1] as TokenSpan).token : undefined;
    const after = i + 1 < spans.length ? (spans[i + 1] as TokenSpan).token : undefined;
    const spelled = (this.variants.get(best) ?? []).find(
      (v) =>
        (before !== undefined && this.index.has(bigramKey(before, v))) ||
        (after !== undefined && this.index.has(bigramKey(v, after))),
    );
    return spelled ?? best;
  }

  /** Known syllables at one typing slip from `word` (SymSpell lookup, then checked). */
  private slips(word: string): Set<string> {
    const found = new Set<string>();
    for (const longer of this.deletions.get(word) ?? []) found.add(longer);
    for (const shorter of deletionsOf(word)) {
      if (this.folded.has(shorter)) found.add(shorter);
      for (const other of this.deletions.get(shorter) ?? []) if (oneSlip(word, other)) found.add(other);
    }
    found.delete(word);
    return found;
  }

  /** Two glued syllables ("giayphep", "dangky") that the catalogue holds as a pair: the commonest such split. */
  private split(raw: string, word: string, atLeast = 0): string | undefined {
    if (word.length < 4 || !FOLDED_WORD.test(word)) return undefined;
    let best: number | undefined;
    let bestCount = atLeast;
    for (let k = 1; k < word.length; k++) {
      const [a, b] = [word.slice(0, k), word.slice(k)];
      if (!this.folded.has(a) || !this.folded.has(b)) continue;
      const count = this.index.posting(foldedKey(bigramKey(a, b)))?.docs.length ?? 0;
      if (count > bestCount) {
        best = k;
        bestCount = count;
      }
    }
    if (best === undefined) return undefined;
    // Accented letters fold one to one, so the typed word splits at the same place.
    const chars = [...raw];
    const source = chars.length === word.length ? chars : [...word];
    return `${source.slice(0, best).join('')} ${source.slice(best).join('')}`;
  }

  /**
   * In an accented question, a word whose tone marks are missing or doubtful: the index does not know it as typed,
   * or it forms no accented pair with its neighbours while its unaccented form does with an unaccented neighbour, or
   * another accented spelling does with a neighbour as typed ("giây phép": giấy phép).
   */
  private doubtful(tokens: string[], i: number, omits: boolean): boolean {
    const token = tokens[i] as string;
    // A word the tables use as typed is no slip ("ở đâu" is no "đấu giá", whatever the catalogue's pairs say).
    if (!LETTERS.test(token) || (token !== foldToken(token) && this.known.has(token))) return false;
    const word = foldToken(token);
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    // Nor is a word the tables use as typed next to its neighbour ("kem dưỡng da từ Nhật": da, not "đã từ").
    if (
      (before !== undefined && this.known.has(bigramKey(before, token))) ||
      (after !== undefined && this.known.has(bigramKey(token, after)))
    )
      return false;
    const left = before === undefined ? undefined : foldToken(before);
    const right = after === undefined ? undefined : foldToken(after);
    // Not a word of the catalogue as typed: doubtful when its unaccented form pairs with a neighbour's.
    if (!this.index.has(token)) return token === word || this.pairSupport(word, left, right) > 0;
    const pairs = (w: string) =>
      (before !== undefined && this.index.has(bigramKey(before, w))) ||
      (after !== undefined && this.index.has(bigramKey(w, after)));
    if (pairs(token)) return false;
    const bare = (t: string | undefined) => t !== undefined && foldToken(t) === t;
    // A word that has no accents ("ho", "cho") is doubtful only in a question that left accents out elsewhere.
    if (omits && (token === word || bare(before) || bare(after))) {
      const leftBare = token === word || bare(before) ? left : undefined;
      const rightBare = token === word || bare(after) ? right : undefined;
      if (this.pairSupport(word, leftBare, rightBare) > 0) return true;
    }
    // Another spelling that forms a pair with a neighbour as typed, far commoner than the word itself ("giây phép").
    const own = this.index.posting(token)?.docs.length ?? 0;
    return (this.variants.get(word) ?? [])
      .slice(0, MAX_SPELLINGS)
      .some((v) => v !== token && this.accentedPairs(v, before, after) >= Math.max(MIN_TONE_PAIRS, own * GLUED_RATIO));
  }
}

/** `text` with each span replaced (spans in order), and where each replacement stands in the result. */
function rewrite(
  text: string,
  replaced: { span: TokenSpan; by: string }[],
): { text: string; ranges: [number, number][] } {
  const ranges: [number, number][] = [];
  if (replaced.length === 0) return { text, ranges };
  const source = unglue(text);
  let out = '';
  let at = 0;
  for (const { span, by } of replaced) {
    out += source.slice(at, span.start);
    ranges.push([out.length, out.length + by.length]);
    out += by;
    at = span.end;
  }
  return { text: out + source.slice(at), ranges };
}

/** Every string one letter shorter than `word`. */
function deletionsOf(word: string): Set<string> {
  const out = new Set<string>();
  for (let k = 0; k < word.length; k++) out.add(word.slice(0, k) + word.slice(k + 1));
  return out;
}

/** True when `a` and `b` (same length) differ by one letter or by two adjacent letters swapped. */
function oneSlip(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) diff.push(k);
  if (diff.length === 1) return true;
  if (diff.length !== 2) return false;
  const [x, y] = diff as [number, number];
  return y === x + 1 && a[x] === b[y] && a[y] === b[x];
}
