// The alias/synonym table (knowledge/aliases.json): citizens' words mapped to official ones, plus filler
// phrases that carry no topic. Data lives in knowledge/; this module validates it and finds phrases in a query.
import { join } from 'node:path';
import { z } from 'zod';
import { readKnowledgeJson } from '../knowledge/loader.ts';
import { loadOutOfScope, NO_OUT_OF_SCOPE, type OutOfScope } from '../knowledge/out-of-scope.ts';
import { foldAccents, hasDiacritics, tokenize } from '../text/normalize.ts';
import {
  type AbbreviationEntry,
  type Abbreviations,
  compileAbbreviations,
  loadAbbreviations,
} from './abbreviations.ts';
import { type ConceptEntry, loadConcepts } from './concepts.ts';
import { bigramKey } from './terms.ts';

const LexiconFile = z.object({
  version: z.number().int(),
  synonyms: z.array(z.object({ when: z.array(z.string().min(1)).min(1), add: z.array(z.string().min(1)).min(1) })),
  filler: z.array(z.string().min(1)),
});

interface Phrase {
  tokens: string[];
  folded: string[];
  /** The phrase was written with diacritics: an accented query must match it accented. */
  accented: boolean;
}

export interface Expansion {
  /** Token positions in the query covered by the matched phrase. */
  start: number;
  end: number;
  /** Official phrases to search beside the query, as canonical tokens. */
  add: string[][];
  /** A spelled-out phrase of an abbreviation: the folded question with the acronym in place. */
  reworded?: string[];
}

export interface Lexicon {
  /**
   * Synonym phrases and abbreviations (both ways) found in the query tokens (accented or folded, see
   * `unaccented`); `acronyms` marks the words typed in upper case.
   */
  expansions(tokens: string[], folded: string[], unaccented: boolean, acronyms?: boolean[]): Expansion[];
  /** Everyday phrases of the concept table found in the query ("giếng khoan" → khai thác nước dưới đất). */
  concepts(tokens: string[], folded: string[], unaccented: boolean): Expansion[];
  /** Marks each query token that belongs to a filler phrase. */
  fillerMask(tokens: string[], folded: string[], unaccented: boolean): boolean[];
  /** Extra token sequences indexed beside a record's text segment (abbreviations in both directions). */
  indexExpansions(tokens: string[]): string[][];
  /** The out-of-scope list (knowledge/out-of-scope.json), shared with the conversation. */
  outOfScope: OutOfScope;
  /**
   * Every word of the tables' phrases, as written and unaccented ("ntn", "ở đâu"), and every pair of words as
   * written ("dưỡng da" of "kem dưỡng da"): the spelling leaves them alone.
   */
  words: ReadonlySet<string>;
}

function toPhrase(text: string): Phrase {
  const tokens = tokenize(text);
  return { tokens, folded: tokens.map(foldAccents), accented: hasDiacritics(text) };
}

/**
 * Phrases looked up by the folded words they start with: a one-word phrase by its word, a longer one by its first two,
 * so a question's common word ("giấy", "mở") only tries the phrases that can start there. Candidates come back in
 * the order they were added.
 */
class PhraseIndex<T> {
  private readonly byWord = new Map<string, PhraseList<T>>();
  private readonly byPair = new Map<string, PhraseList<T>>();
  private added = 0;

  add(folded: string[], item: T): void {
    const [key, map] =
      folded.length === 1 ? [folded[0] as string, this.byWord] : [`${folded[0]} ${folded[1]}`, this.byPair];
    let list = map.get(key);
    if (!list) {
      list = { items: [], orders: [] };
      map.set(key, list);
    }
    list.items.push(item);
    list.orders.push(this.added++);
  }

  /** The phrases that may start at word `i` of the folded question, in the order they were added. */
  at(folded: string[], i: number): readonly T[] {
    const single = this.byWord.get(folded[i] as string);
    const pair = i + 1 < folded.length ? this.byPair.get(`${folded[i]} ${folded[i + 1]}`) : undefined;
    if (!pair) return single?.items ?? [];
    if (!single) return pair.items;
    // Both kinds start here: merged back into table order.
    const merged: T[] = [];
    let a = 0;
    let b = 0;
    while (a < single.items.length || b < pair.items.length) {
      const fromSingle =
        b >= pair.items.length ||
        (a < single.items.length && (single.orders[a] as number) < (pair.orders[b] as number));
      merged.push(fromSingle ? (single.items[a++] as T) : (pair.items[b++] as T));
    }
    return merged;
  }
}

/** Phrases of one key and the order each was added in. */
interface PhraseList<T> {
  items: T[];
  orders: number[];
}

function byFirstFolded(phrases: Phrase[]): PhraseIndex<Phrase> {
  const index = new PhraseIndex<Phrase>();
  for (const phrase of phrases) index.add(phrase.folded, phrase);
  return index;
}

function matchesAt(phrase: Phrase, tokens: string[], folded: string[], at: number, unaccented: boolean): boolean {
  const n = phrase.tokens.length;
  if (at + n > tokens.length) return false;
  // Without diacritics one syllable is too ambiguous ("de" = đẻ / để / đê): only longer phrases, or
  // words that never had diacritics (cccd, gplx), match an unaccented question.
  if (unaccented && n === 1 && phrase.accented) return false;
  for (let k = 0; k < n; k++) {
    const ok =
      unaccented || !phrase.accented ? folded[at + k] === phrase.folded[k] : tokens[at + k] === phrase.tokens[k];
    if (!ok) return false;
  }
  return true;
}

/** Synonym and concept phrases also written with their abbreviations the other way ("rút bhxh" = "rút bảo hiểm xã hội"). */
function respelled<T extends { when: string[] }>(rules: T[], abbreviations: Abbreviations): T[] {
  return rules.map((rule) => ({
    ...rule,
    when: [...new Set([...rule.when, ...rule.when.flatMap((w) => abbreviations.respell(w))])],
  }));
}

type ExpansionFinder = (tokens: string[], folded: string[], unaccented: boolean) => Expansion[];

/**
 * Compiles `when` → `add` rules into a finder of the rules whose phrases occur in a query: each rule once, or at
 * every place one of its phrases occurs (`everywhere`, so each occurrence's words are covered).
 */
function compileRules(source: { when: string[]; add: string[] }[], everywhere = false): ExpansionFinder {
  const rules = source.map((s) => ({
    when: s.when.map(toPhrase).filter((p) => p.tokens.length > 0),
    add: s.add.map((a) => tokenize(a)).filter((t) => t.length > 0),
  }));
  // Index phrases by their first folded words so a query only tries plausible phrases.
  const byFirst = new PhraseIndex<{ phrase: Phrase; rule: number }>();
  rules.forEach((rule, index) => {
    for (const phrase of rule.when) byFirst.add(phrase.folded, { phrase, rule: index });
  });
  return (tokens, folded, unaccented) => {
    const found: Expansion[] = [];
    const seenRules = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      for (const { phrase, rule } of byFirst.at(folded, i)) {
        if ((!everywhere && seenRules.has(rule)) || !matchesAt(phrase, tokens, folded, i, unaccented)) continue;
        seenRules.add(rule);
        found.push({ start: i, end: i + phrase.tokens.length, add: rules[rule]?.add ?? [] });
      }
    }
    return found;
  };
}

export function compileLexicon(
  data: z.infer<typeof LexiconFile>,
  abbreviationEntries: AbbreviationEntry[] = [],
  outOfScope: OutOfScope = NO_OUT_OF_SCOPE,
  conceptEntries: ConceptEntry[] = [],
): Lexicon {
  const abbreviations = compileAbbreviations(abbreviationEntries);
  const synonyms = compileRules(respelled(data.synonyms, abbreviations));
  const concepts = compileRules(respelled(conceptEntries, abbreviations), true);
  const filler = data.filler.map(toPhrase).filter((p) => p.tokens.length > 0);
  const fillerByFirst = byFirstFolded(filler);
  const words = new Set<string>();
  const texts = [
    ...data.synonyms.flatMap((s) => [...s.when, ...s.add]),
    ...data.filler,
    ...abbreviationEntries.flatMap((e) => [e.short, ...e.long]),
    ...conceptEntries.flatMap((c) => c.when),
  ];
  for (const text of texts) {
    const tokens = tokenize(text);
    tokens.forEach((token, i) => {
      words.add(token);
      words.add(foldAccents(token));
      if (i > 0) words.add(bigramKey(tokens[i - 1] as string, token));
    });
  }

  return {
    expansions(tokens, folded, unaccented, acronyms) {
      const found = synonyms(tokens, folded, unaccented);
      for (const match of abbreviations.inQuestion(tokens, folded, acronyms)) found.push(match);
      return found;
    },
    concepts,
    fillerMask(tokens, folded, unaccented) {
      const mask = tokens.map(() => false);
      for (let i = 0; i < tokens.length; i++) {
        for (const phrase of fillerByFirst.at(folded, i)) {
          if (!matchesAt(phrase, tokens, folded, i, unaccented)) continue;
          for (let k = i; k < i + phrase.tokens.length; k++) mask[k] = true;
        }
      }
      return mask;
    },
    indexExpansions: (tokens) => abbreviations.expand(tokens),
    outOfScope,
    words,
  };
}

export const LEXICON_FILE = 'aliases.json';
/**
 * Loads knowledge/aliases.json, knowledge/abbreviations.json, knowledge/out-of-scope.json and
 * knowledge/concepts.jsonl; a missing file gives an empty table, a malformed one throws KnowledgeError naming the
 * file and the field (the line, for concepts).
 */
export function loadLexicon(knowledgeDir: string): Lexicon {
  const abbreviations = loadAbbreviations(knowledgeDir);
  const outOfScope = loadOutOfScope(knowledgeDir);
  const concepts = loadConcepts(knowledgeDir);
  const data = readKnowledgeJson(join(knowledgeDir, LEXICON_FILE), LexiconFile);
  return compileLexicon(data ?? { version: 1, synonyms: [], filler: [] }, abbreviations, outOfScope, concepts);
}
