// Prepares a citizen's question for the lexical index: weighted terms (accented first, folded as a weaker
// signal, folded only when typed without diacritics), synonym expansions beside the original words, filler
// weighed down, and the "units" (one per content word) used to measure how much of the question a match covers.
import { PROCEDURE_CODE_PATTERN } from '../knowledge/schema.ts';
import { acronymMask, analyze, foldToken } from '../text/normalize.ts';
import { type ActionClass, askedActions, questionActionSpans } from './actions.ts';
import type { Lexicon } from './lexicon.ts';
import { focusWeights } from './request-focus.ts';
import type { Spelling } from './spelling.ts';
import { bigramKey, foldedKey } from './terms.ts';

/** Weights of the different kinds of query evidence (shared by all queries). */
const QUERY_WEIGHTS = {
  content: 1,
  filler: 0.12,
  /** A folded term when the question has diacritics (it also matches words with other accents). */
  foldedEcho: 0.3,
  bigram: 1.1,
  expansion: 0.75,
  expansionBigram: 0.9,
  /** Scale of a concept's official words (knowledge/concepts.jsonl): below the question's own words and aliases. */
  concept: 0.8,
  /** Scale of a word read differently from how it was typed (spelling.ts): never above a word typed right. */
  corrected: 0.8,
  /** Share of a word typed without accents given to the accented reading its neighbours point to (spelling.ts). */
  reading: 0.3,
} as const;

/** One word of the question; `terms` are the index terms that count as having matched it. */
export interface QueryUnit {
  terms: string[];
  filler: boolean;
  /** Synonym phrases standing for this word: a document holding a whole phrase covers the word. */
  phrases?: { tokens: string[]; keys: string[] }[];
  /** Share of its weight the word keeps: less for a story's context words (request-focus.ts). */
  weight?: number;
  /** The word belongs to a phrase naming an action ("đóng cửa" = end): a name doing that action covers it. */
  actions?: ActionClass[];
  /** In an accented question, the word's tone marks are missing or doubtful: it is read on its unaccented form. */
  loose?: boolean;
}

export interface PreparedQuery {
  terms: Map<string, number>;
  units: QueryUnit[];
  unaccented: boolean;
  /** Procedure codes typed in the question (e.g. 1.001193). */
  codes: string[];
  /** Number of canonical tokens (0 = nothing searchable). */
  length: number;
  /** Canonical words of the question in order (diacritics kept). */
  tokens: string[];
  /** Folded words of the question in order. */
  folded: string[];
  /** The folded question with one synonym phrase put in place of the words it stands for ("lưu học sinh" → "du học sinh"). */
  variants: string[][];
  /**
   * A story's folded question as names are quoted from it (the re-ranking's phrase runs): `folded` with the words
   * of clauses told as done blanked out (a name quoted there is what happened, not what is asked).
   */
  quotable?: string[];
  /** The actions the question asks for (cấp lại, gia hạn, giải thể…). */
  actions: Set<ActionClass>;
  /** Folded bigram keys of adjacent content (non-filler) words. */
  contentBigrams: string[];
  /** The question tells a story before it asks: its context words weigh less (`QueryUnit.weight`). */
  story: boolean;
  /** Folded word pairs of the concept phrases found in the question (knowledge/concepts.jsonl). */
  conceptBigrams: string[];
  /** The synonym, abbreviation and concept phrases found, for the confidence's word pairs (`ExplainedSpan`). */
  explained: ExplainedSpan[];
}

/**
 * Where a synonym, abbreviation or concept phrase stands in the question. A record holding the phrase (every key of
 * `holds`) also counts the word pairs the phrase forms with the content words beside it (`bridges`), as if the
 * question had been typed with the official words: "cấp gp đi bờ" read as "cấp giấy phép đi bờ". (The phrase's own
 * pairs already count as the question's.)
 */
export interface ExplainedSpan {
  holds: string[];
  bridges: string[];
}

function addTerm(terms: Map<string, number>, key: string, weight: number): void {
  if (weight > (terms.get(key) ?? 0)) terms.set(key, weight);
}

/** Searches a synonym's official phrase beside the question's words (its bigrams count as the question's own). */
function addPhrase(terms: Map<string, number>, phrase: string[], bigrams: Set<string>, scale = 1): void {
  const phraseFolded = phrase.map(foldToken);
  phrase.forEach((token, k) => {
    addTerm(terms, token, QUERY_WEIGHTS.expansion * scale);
    addTerm(terms, foldedKey(phraseFolded[k] as string), QUERY_WEIGHTS.expansion * QUERY_WEIGHTS.foldedEcho * scale);
    if (k + 1 < phrase.length) {
      addTerm(terms, bigramKey(token, phrase[k + 1] as string), QUERY_WEIGHTS.expansionBigram * scale);
      bigrams.add(foldedKey(bigramKey(phraseFolded[k] as string, phraseFolded[k + 1] as string)));
    }
  });
}

/** What a document must hold to contain a phrase: its word, or every pair of adjacent words. */
function phraseKeys(phrase: string[]): string[] {
  if (phrase.length === 1) return [phrase[0] as string];
  const keys: string[] = [];
  for (let k = 0; k + 1 < phrase.length; k++) keys.push(bigramKey(phrase[k] as string, phrase[k + 1] as string));
  return keys;
}

/** The words a synonym or concept stands for are covered when a document holds its whole official phrase. */
function coverWith(units: QueryUnit[], start: number, end: number, phrase: string[]): void {
  for (let u = start; u < end; u++) {
    const unit = units[u];
    if (!unit) continue;
    unit.phrases ??= [];
    unit.phrases.push({ tokens: phrase, keys: phraseKeys(phrase) });
    // A synonym phrase is topic-bearing even when its words are common filler ("làm lại").
    unit.filler = false;
  }
}

/** Words telling an action as done: "đã", "được", "vừa", "từng" (folded). */
const DONE = new Set(['da', 'duoc', 'vua', 'tung']);

/** How many rewordings of the question (one synonym substituted each) are tried against procedure names. */
const MAX_VARIANTS = 6;

/** How many rewordings with an acronym in place of its spelled-out phrase ("bảo hiểm xã hội" → "bhxh") are tried. */
const MAX_RESPELLED = 4;

/** Longest question we read (in tokens); the rest of a 10 kB paste is ignored. */
const MAX_QUERY_TOKENS = 128;

export function prepareQuery(typed: string, lexicon: Lexicon, spelling?: Spelling): PreparedQuery {
  // Misread words rewritten in place (Telex/VNI keystrokes, typing slips, glued pairs), doubtful tones marked.
  const respelt = spelling?.respell(typed);
  const text = respelt?.text ?? typed;
  const analysis = analyze(text);
  const tokens = analysis.tokens.slice(0, MAX_QUERY_TOKENS);
  const folded = analysis.folded.slice(0, MAX_QUERY_TOKENS);
  const unaccented = respelt?.unaccented ?? analysis.unaccented;
  const loose = (i: number) => !unaccented && respelt?.loose[i] === true;
  // The accented spelling of a word typed without accents that its neighbours point to (spelling.ts).
  const readingOf = (i: number) => (unaccented ? respelt?.readings[i] : undefined);
  const scaleOf = (i: number) => (respelt?.corrected[i] ? QUERY_WEIGHTS.corrected : 1);
  const codes = tokens.filter((t) => PROCEDURE_CODE_PATTERN.test(t));
  // An upper-case acronym is never filler, even when it spells a filler word ("mẫu AI" is not "ai").
  const acronyms = acronymMask(text);
  const filler = lexicon.fillerMask(tokens, folded, unaccented).map((f, i) => f && !acronyms[i]);
  const concepts = lexicon.concepts(tokens, folded, unaccented);
  // In a story, the words outside the request weigh less, unless a concept recognises them as its object.
  const focus = focusWeights(text, tokens, folded, filler, unaccented, concepts);
  const focusOf = (i: number) => focus?.weights[i] ?? 1;
  /** Words of a clause told as done or declined (request-focus.ts). */
  const doneAt = (i: number) => focus?.settled[i] === true;
  const quotable = focus ? folded.map((f, i) => (doneAt(i) ? '' : f)) : folded;
  const terms = new Map<string, number>();
  const units: QueryUnit[] = tokens.map((token, i) => {
    const key = foldedKey(folded[i] as string);
    const weight = (filler[i] ? QUERY_WEIGHTS.filler : QUERY_WEIGHTS.content) * focusOf(i) * scaleOf(i);
    // A word typed without accents, or with doubtful ones, is read on its unaccented form alone, like a whole
    // question typed without diacritics.
    const plain = unaccented || loose(i);
    const reading = readingOf(i);
    if (plain && reading !== undefined) {
      // Part of the word's weight goes to the accented reading its neighbours point to (spelling.ts): a record
      // holding the word with other accents keeps most of the match, one holding that reading gets it all.
      addTerm(terms, key, weight * (1 - QUERY_WEIGHTS.reading));
      addTerm(terms, reading, weight * QUERY_WEIGHTS.reading);
    } else if (plain) {
      addTerm(terms, key, weight);
    } else {
      addTerm(terms, token, weight);
      addTerm(terms, key, weight * QUERY_WEIGHTS.foldedEcho);
    }
    const unit: QueryUnit = { terms: plain ? [key] : [token, key], filler: filler[i] as boolean };
    if (focusOf(i) < 1) unit.weight = focusOf(i);
    if (loose(i)) unit.loose = true;
    return unit;
  });
  const contentBigrams: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const foldedBigram = foldedKey(bigramKey(folded[i] as string, folded[i + 1] as string));
    if (!filler[i] && !filler[i + 1]) contentBigrams.push(foldedBigram);
    const weight =
      QUERY_WEIGHTS.bigram *
      (filler[i] || filler[i + 1] ? QUERY_WEIGHTS.filler : 1) *
      Math.min(focusOf(i), focusOf(i + 1)) *
      Math.min(scaleOf(i), scaleOf(i + 1));
    if (unaccented || loose(i) || loose(i + 1)) addTerm(terms, foldedBigram, weight);
    else {
      addTerm(terms, bigramKey(tokens[i] as string, tokens[i + 1] as string), weight);
      addTerm(terms, foldedBigram, weight * QUERY_WEIGHTS.foldedEcho);
    }
  }
  const expansionBigrams = new Set<string>();
  const explained: ExplainedSpan[] = [];
  const pairKey = (a: string, b: string) => foldedKey(bigramKey(a, b));
  const explain = (start: number, end: number, phrase: string[]) => {
    const official = phrase.map(foldToken);
    const first = official[0] as string;
    const last = official[official.length - 1] as string;
    const holds =
      official.length === 1 ? [foldedKey(first)] : official.slice(1).map((w, k) => pairKey(official[k] as string, w));
    const bridges: string[] = [];
    if (start > 0 && !filler[start - 1]) bridges.push(pairKey(folded[start - 1] as string, first));
    if (end < tokens.length && !filler[end]) bridges.push(pairKey(last, folded[end] as string));
    explained.push({ holds, bridges });
  };
  const variants: string[][] = [];
  /** The question with acronyms in place of spelled-out phrases (kept apart so synonyms and concepts come first). */
  const respelled: string[][] = [];
  for (const expansion of lexicon.expansions(tokens, folded, unaccented, acronyms)) {
    // A longer concept phrase over the same words is the more specific reading ("lấy chồng Việt" → nhập quốc
    // tịch, not "lấy chồng" → kết hôn): the shorter alias then weighs as little as a concept.
    const specific = concepts.some(
      (c) => c.start <= expansion.start && c.end >= expansion.end && c.end - c.start > expansion.end - expansion.start,
    );
    const scale = focusOf(expansion.start) * (specific ? QUERY_WEIGHTS.concept / 2 : 1);
    if (expansion.reworded && respelled.length < MAX_RESPELLED) respelled.push(expansion.reworded);
    for (const phrase of expansion.add) {
      addPhrase(terms, phrase, expansionBigrams, scale);
      // A same-length rewording only ("lưu học sinh" → "du học sinh"): a longer official phrase is an elaboration.
      if (!expansion.reworded && variants.length < MAX_VARIANTS && phrase.length <= expansion.end - expansion.start)
        variants.push([
          ...quotable.slice(0, expansion.start),
          ...phrase.map(foldToken),
          ...quotable.slice(expansion.end),
        ]);
      coverWith(units, expansion.start, expansion.end, phrase);
      explain(expansion.start, expansion.end, phrase);
    }
  }
  // Everyday words for an administrative concept (knowledge/concepts.jsonl) search its official words, weaker.
  const conceptBigrams = new Set<string>();
  for (const concept of concepts) {
    for (const phrase of concept.add) {
      // Its word pairs are kept apart from the question's own (the re-ranking's pair share is not diluted).
      addPhrase(terms, phrase, conceptBigrams, QUERY_WEIGHTS.concept);
      // The question reworded with the official phrase in place: a name quoting it gains the phrase bonus.
      if (variants.length < MAX_VARIANTS)
        variants.push([...quotable.slice(0, concept.start), ...phrase.map(foldToken), ...quotable.slice(concept.end)]);
      coverWith(units, concept.start, concept.end, phrase);
      explain(concept.start, concept.end, phrase);
    }
  }
  variants.push(...respelled);
  // What happened in a story, in everyday words ("tàu bị hỏng nặng sau cơn bão"), is not what the citizen asks
  // to have done; an official action word in the context ("công ty đã quyết định giải thể") still sets the topic,
  // unless the story tells it as done ("năm 2010 đã được cấp sổ đỏ", "đã đăng ký kết hôn").
  const spans = questionActionSpans(tokens, folded, unaccented).filter((s) => !s.everyday || focusOf(s.start) === 1);
  const actions = askedActions(
    spans.filter((s) => focusOf(s.start) === 1 || (!doneAt(s.start) && !DONE.has(folded[s.start - 1] as string))),
  );
  for (const span of spans) {
    for (const phrase of span.official) addPhrase(terms, phrase, expansionBigrams, focusOf(span.start));
    for (let u = span.start; u < span.end; u++) {
      const unit = units[u];
      if (unit) unit.actions = span.classes;
    }
  }
  // An expansion stands for the words it replaces: its bigrams count as the question's own.
  return {
    actions,
    terms,
    units,
    unaccented,
    codes,
    tokens,
    folded,
    variants,
    ...(focus ? { quotable } : {}),
    length: tokens.length,
    contentBigrams: [...new Set([...contentBigrams, ...expansionBigrams])],
    story: focus !== undefined,
    conceptBigrams: [...conceptBigrams],
    explained,
  };
}
