// Administrative abbreviations (knowledge/abbreviations.json): "bhxh" = "bảo hiểm xã hội". Both spellings are
// made to meet: a record that writes one is also indexed under the other, and a question that types one also
// searches the other (see lexicon.ts), with or without diacritics, and when several acronyms are typed glued
// together ("gcnqsdd"). An acronym that is also a Vietnamese syllable ("ca" = công an) only counts when typed in
// upper case. Entries come from the catalogue's own texts (scripts/abbreviations-mine.ts) and a reviewed hand list.
import { join } from 'node:path';
import { z } from 'zod';
import { readKnowledgeJson } from '../knowledge/loader.ts';
import { foldAccents, foldToken, tokenize } from '../text/normalize.ts';
import { hasSyllableShape } from '../text/typing.ts';

export const ABBREVIATIONS_FILE = 'abbreviations.json';

export const AbbreviationsFile = z.object({
  about: z.string().optional(),
  version: z.number().int(),
  entries: z.array(
    z.object({
      /** The abbreviation as typed, lower case ("hđđt", "kh&cn" is written "khcn"). */
      short: z.string().min(2),
      /** What it stands for; the first is the usual meaning. */
      long: z.array(z.string().min(1)).min(1),
      source: z.enum(['catalogue', 'hand']).default('hand'),
    }),
  ),
});
export type AbbreviationEntry = z.infer<typeof AbbreviationsFile>['entries'][number];

/** An abbreviation or its expansion found in a question (token positions), and what to search beside it. */
export interface AbbreviationMatch {
  start: number;
  end: number;
  /** Phrases to search beside the question's words: what a typed acronym stands for (none for a spelled-out phrase, whose records are already indexed under the acronym). */
  add: string[][];
  /** The question reworded with the acronym in place of a spelled-out phrase, for phrase matches against names. */
  reworded?: string[];
}

export interface Abbreviations {
  entries: AbbreviationEntry[];
  /** Extra token sequences to index beside a text segment: expansions of its acronyms and acronyms of its phrases. */
  expand(tokens: string[]): string[][];
  /**
   * Abbreviations and spelled-out phrases in a question, both ways. `acronyms` marks the words typed in upper
   * case: only they may stand for an entry whose short form is also a Vietnamese syllable.
   */
  inQuestion(tokens: string[], folded: string[], acronyms?: boolean[]): AbbreviationMatch[];
  /** Other spellings of a phrase, one abbreviation written the other way each ("rút bhxh" → "rút bảo hiểm xã hội"). */
  respell(phrase: string): string[];
}

/**
 * A lower-case word shaped like one Vietnamese syllable (onset, vowels, final consonant): "ca", "an", "bo", "tam".
 * An acronym spelled like that must not fire on ordinary text.
 */
export function isSyllableLike(short: string): boolean {
  return hasSyllableShape(foldAccents(short));
}

interface Compiled {
  short: string[];
  long: string[][];
  /** Only an upper-case acronym stands for this entry (its short form is also an ordinary syllable). */
  upperOnly: boolean;
}

/**
 * A question's spelled-out phrase is tried as its acronym from this many words ("bảo hiểm xã hội" → bhxh, "một
 * thành viên" → mtv); two-word ones ("đăng ký" → đk) are everywhere and would crowd out the useful rewordings.
 */
const MIN_SPELLED_WORDS = 3;

/** Glued acronyms are split only into known ones of at least this many letters ("gcn" + "qsdd"). */
const MIN_GLUED_PART = 2;
const MAX_GLUED_LENGTH = 24;
/** Longest ordinary word read before glued acronyms ("nguyen" is 6 letters, "nghieng" 7). */
const MAX_GLUED_WORD = 7;

export function compileAbbreviations(entries: AbbreviationEntry[]): Abbreviations {
  const byShort = new Map<string, Compiled>();
  /** Spelled-out phrases by their first folded word (question side, with or without diacritics). */
  const byFirstFolded = new Map<string, { phrase: string[]; folded: string[]; short: string[] }[]>();
  /** Spelled-out phrases by their first word (index side: catalogue texts carry diacritics). */
  const byFirst = new Map<string, { phrase: string[]; short: string[] }[]>();
  /** First words of two-word abbreviations ("kh" of "kh&cn"): only there is a word pair looked up. */
  const pairStarts = new Set<string>();
  for (const entry of entries) {
    const short = tokenize(entry.short);
    if (short.length === 0) continue;
    const long = entry.long.map((l) => tokenize(l)).filter((l) => l.length > 0);
    const key = short.map(foldToken).join(' ');
    if (short.length > 1) pairStarts.add(foldToken(short[0] as string));
    const upperOnly = short.length === 1 && isSyllableLike(short[0] as string);
    const existing = byShort.get(key);
    if (existing) existing.long.push(...long);
    else byShort.set(key, { short, long, upperOnly });
    // A syllable-like acronym is neither indexed nor searched for its phrase: it would match ordinary words. A
    // one-word meaning ("nc" = nước) is only expanded, never abbreviated (every record would carry "nc").
    if (upperOnly) continue;
    for (const phrase of long.filter((l) => l.length >= 2)) {
      const first = phrase[0] as string;
      byFirst.set(first, [...(byFirst.get(first) ?? []), { phrase, short }]);
      const folded = phrase.map(foldToken);
      const firstFolded = folded[0] as string;
      byFirstFolded.set(firstFolded, [...(byFirstFolded.get(firstFolded) ?? []), { phrase, folded, short }]);
    }
  }

  /** A single-word entry for a folded token, unless it is syllable-like and was not typed in upper case. */
  function single(foldedToken: string, upper: boolean): Compiled | undefined {
    const found = byShort.get(foldedToken);
    return found && (!found.upperOnly || upper) ? found : undefined;
  }

  /** Known acronyms a glued token is made of ("gcnqsdd" → gcn + qsdđ), fewest parts first; undefined if none. */
  function acronymsIn(folded: string): Compiled[] | undefined {
    const n = folded.length;
    // best[i]: fewest parts covering the first i letters.
    const best: (Compiled[] | undefined)[] = [[]];
    for (let i = 1; i <= n; i++) {
      for (let j = Math.max(0, i - 10); j <= i - MIN_GLUED_PART; j++) {
        const before = best[j];
        const part = before && byShort.get(folded.slice(j, i));
        if (!before || !part || part.upperOnly || part.short.length > 1) continue;
        const current = best[i];
        if (!current || before.length + 1 < current.length) best[i] = [...before, part];
      }
    }
    return best[n];
  }

  /**
   * A token that is no word but known acronyms glued together ("gcnqsdd"), or a word glued to them ("thebhyt" =
   * thẻ + bhyt, "lamcccd"): the acronyms and the length of the leading word (0 when none).
   */
  function unglue(folded: string): { word: number; parts: Compiled[] } | undefined {
    const n = folded.length;
    if (n < 2 * MIN_GLUED_PART || n > MAX_GLUED_LENGTH || !/^[a-z]+$/.test(folded)) return undefined;
    if (byShort.has(folded) || isSyllableLike(folded)) return undefined;
    const parts = acronymsIn(folded);
    if (parts && parts.length >= 2) return { word: 0, parts };
    for (let word = Math.min(MAX_GLUED_WORD, n - 3); word >= 2; word--) {
      if (!isSyllableLike(folded.slice(0, word))) continue;
      const rest = acronymsIn(folded.slice(word));
      if (rest?.some((p) => (p.short[0] as string).length >= 3)) return { word, parts: rest };
    }
    return undefined;
  }

  return {
    entries,
    expand(tokens) {
      const extra: string[][] = [];
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as string;
        const found = byShort.get(foldToken(token));
        if (found && !found.upperOnly) extra.push(...found.long);
        const next = tokens[i + 1];
        if (next !== undefined && pairStarts.has(foldToken(token))) {
          const pair = byShort.get(`${foldToken(token)} ${foldToken(next)}`);
          if (pair) extra.push(...pair.long);
        }
        for (const { phrase, short } of byFirst.get(token) ?? []) {
          if (phrase.every((t, k) => tokens[i + k] === t)) extra.push(short);
        }
      }
      return extra;
    },
    respell(text) {
      const tokens = tokenize(text);
      const others: string[] = [];
      const put = (i: number, end: number, by: string[]) =>
        others.push([...tokens.slice(0, i), ...by, ...tokens.slice(end)].join(' '));
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i] as string;
        const entry = byShort.get(foldToken(token));
        if (entry && !entry.upperOnly) for (const long of entry.long) put(i, i + 1, long);
        // The acronym as typed with or without diacritics ("xklđ", "xkld").
        for (const { phrase, short } of byFirst.get(token) ?? [])
          if (phrase.every((t, k) => tokens[i + k] === t))
            for (const form of new Set([short, short.map(foldToken)].map((f) => f.join(' '))))
              put(i, i + phrase.length, form.split(' '));
      }
      return others;
    },
    inQuestion(tokens, folded, acronyms = []) {
      const found: AbbreviationMatch[] = [];
      /** Spelled-out phrases and their acronyms: [start, end, acronym]. */
      const spelledOut: [number, number, string[]][] = [];
      for (let i = 0; i < tokens.length; i++) {
        const word = folded[i] as string;
        const next = folded[i + 1];
        // A two-word abbreviation ("gcn qsdđ", "kh cn" for "KH&CN") before the single words it is made of.
        const pair = next !== undefined && pairStarts.has(word) ? byShort.get(`${word} ${next}`) : undefined;
        if (pair) {
          found.push({ start: i, end: i + 2, add: pair.long });
          i++;
          continue;
        }
        const entry = single(word, acronyms[i] === true);
        if (entry) {
          found.push({ start: i, end: i + 1, add: entry.long });
          continue;
        }
        const glued = unglue(word);
        if (glued) {
          const add = glued.parts.flatMap((p) => [p.short, ...p.long]);
          // The leading word as typed (NFC: one character per letter, accented or not).
          if (glued.word > 0) add.unshift([[...(tokens[i] as string)].slice(0, glued.word).join('')]);
          found.push({ start: i, end: i + 1, add });
          continue;
        }
        // A spelled-out phrase (the longest): the acronym a name may use instead ("bảo hiểm xã hội" → BHXH).
        let spelled: { folded: string[]; short: string[] } | undefined;
        for (const candidate of byFirstFolded.get(word) ?? []) {
          if (candidate.folded.length < MIN_SPELLED_WORDS) continue;
          if (!candidate.folded.every((t, k) => folded[i + k] === t)) continue;
          if (!spelled || candidate.folded.length > spelled.folded.length) spelled = candidate;
        }
        if (spelled) {
          spelledOut.push([i, i + spelled.folded.length, spelled.short.map(foldToken)]);
          i += spelled.folded.length - 1;
        }
      }
      // The question with the acronym in place of a spelled-out phrase (all of them at once when there are
      // several): a name written with the acronym then gains the phrase bonus. The other way round, an acronym
      // reworded into its phrase, was tried and not kept: the longer phrase run favoured short sibling names
      // ("cấp lại cchn dược" → "Cấp lại chứng chỉ hành nghề đấu giá").
      const reword = (spans: [number, number, string[]][]) => {
        const words: string[] = [];
        let at = 0;
        for (const [start, end, short] of spans) {
          words.push(...folded.slice(at, start), ...short);
          at = end;
        }
        return [...words, ...folded.slice(at)];
      };
      if (spelledOut.length >= 2) found.push({ start: 0, end: 0, add: [], reworded: reword(spelledOut) });
      for (const span of spelledOut) found.push({ start: span[0], end: span[1], add: [], reworded: reword([span]) });
      return found;
    },
  };
}

/** Reads knowledge/abbreviations.json; a missing file means no abbreviations, a malformed one throws KnowledgeError. */
export function loadAbbreviations(knowledgeDir: string): AbbreviationEntry[] {
  return readKnowledgeJson(join(knowledgeDir, ABBREVIATIONS_FILE), AbbreviationsFile)?.entries ?? [];
}
