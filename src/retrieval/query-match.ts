// The re-ranking's per-candidate tests with everything that depends only on the question resolved once per search:
// each question word's rarity weight and posting lists, its synonym phrases' and content pairs' posting lists, and
// the question's words as integer ids for phrase runs against names. The ranking decisions stay in
// search-engine.ts; this only answers "does candidate d hold term t" and "longest shared run" without hashing a
// string or allocating per candidate.
import { holdsIn, type LexicalIndex } from './lexical-index.ts';
import type { PreparedQuery, QueryUnit } from './query.ts';

/** Folded words as small integers (names and aliases intern theirs; a question's unknown words are -1). */
export class WordIds {
  private readonly ids = new Map<string, number>();

  /** Ids of `words`, giving new words new ids. */
  intern(words: readonly string[]): Int32Array {
    const out = new Int32Array(words.length);
    words.forEach((word, k) => {
      let id = this.ids.get(word);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(word, id);
      }
      out[k] = id;
    });
    return out;
  }

  /** How many distinct words have an id (ids run from 0 to size - 1). */
  get size(): number {
    return this.ids.size;
  }

  /** Ids of `words`; a word no name or alias holds is -1 (it can match nothing). */
  lookup(words: readonly string[]): Int32Array {
    const out = new Int32Array(words.length);
    for (let k = 0; k < words.length; k++) out[k] = this.ids.get(words[k] as string) ?? -1;
    return out;
  }
}

/**
 * Word sequences (the catalogue's names) packed one after another: each word's id and weight in two large arrays,
 * sequence p spanning [start(p), end(p)), instead of two small arrays per name.
 */
export class PackedSequences {
  readonly ids: Int32Array;
  readonly weights: Float64Array;
  private readonly starts: Uint32Array;
  /** Per word id, the stamp of the last `holdsAllOf` that saw it. */
  private readonly marks: Uint32Array;
  private stamp = 0;

  constructor(sequences: readonly string[][], words: WordIds, weightOf: (word: string) => number) {
    this.starts = new Uint32Array(sequences.length + 1);
    let total = 0;
    sequences.forEach((sequence, p) => {
      total += sequence.length;
      this.starts[p + 1] = total;
    });
    this.ids = new Int32Array(total);
    this.weights = new Float64Array(total);
    // Names repeat their words endlessly: each distinct word's weight is asked once.
    const weightById: number[] = [];
    sequences.forEach((sequence, p) => {
      const from = this.starts[p] as number;
      const ids = words.intern(sequence);
      this.ids.set(ids, from);
      ids.forEach((id, k) => {
        let weight = weightById[id];
        if (weight === undefined) {
          weight = weightOf(sequence[k] as string);
          weightById[id] = weight;
        }
        this.weights[from + k] = weight;
      });
    });
    this.marks = new Uint32Array(words.size);
  }

  start(p: number): number {
    return this.starts[p] as number;
  }

  /** True when sequence `outer` holds every word of sequence `inner` (in any order). */
  holdsAllOf(outer: number, inner: number): boolean {
    // Words of `outer` are marked with a fresh stamp: no clearing between calls.
    this.stamp++;
    for (let j = this.start(outer); j < this.end(outer); j++) this.marks[this.ids[j] as number] = this.stamp;
    for (let j = this.start(inner); j < this.end(inner); j++) {
      if (this.marks[this.ids[j] as number] !== this.stamp) return false;
    }
    return true;
  }

  end(p: number): number {
    return this.starts[p + 1] as number;
  }
}

/** A run of consecutive words shared by a question and a name: where it starts in the name, and its length. */
export interface Run {
  start: number;
  length: number;
}

/**
 * A question's word sequence indexed for longest-common-run tests against many names: the positions of each word
 * and a stamped column buffer, so one test costs the name's length plus its matches.
 */
export class RunSequence {
  /** Open-addressed table of the sequence's word ids (-1 = empty slot) and each one's last position… */
  private readonly slots: Int32Array;
  private readonly lastAt: Int32Array;
  private readonly shift: number;
  /** …earlier positions of the same word through `previous` (-1 = none). */
  private readonly previous: Int32Array;
  /** Run length ending at each sequence position for the name column `stamp` names. */
  private readonly column: Int32Array;
  private readonly stamp: Int32Array;
  private base = 2;

  constructor(readonly ids: Int32Array) {
    this.previous = new Int32Array(ids.length).fill(-1);
    this.column = new Int32Array(ids.length);
    this.stamp = new Int32Array(ids.length);
    let bits = 3;
    while (1 << bits < 2 * ids.length) bits++;
    this.shift = 32 - bits;
    this.slots = new Int32Array(1 << bits).fill(-1);
    this.lastAt = new Int32Array(1 << bits);
    ids.forEach((id, i) => {
      if (id < 0) return;
      const slot = this.slotOf(id);
      if (this.slots[slot] === id) this.previous[i] = this.lastAt[slot] as number;
      this.slots[slot] = id;
      this.lastAt[slot] = i;
    });
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  private slotOf(id: number): number {
    const mask = this.slots.length - 1;
    let slot = Math.imul(id, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const held = this.slots[slot] as number;
      if (held === id || held === -1) return slot;
      slot = (slot + 1) & mask;
    }
  }

  get length(): number {
    return this.ids.length;
  }

  /**
   * Longest run of consecutive words of the name `name[from..to)` (interned ids) that also appears consecutively in
   * this sequence; `start` counts from `from`. Ties go to the run ending first in the sequence, then first in the
   * name (as a row-by-row dynamic programme finds them).
   */
  longestRun(name: Int32Array, from = 0, to = name.length): Run {
    const base = this.base - from;
    this.base += to - from + 1;
    let bestLength = 0;
    let bestI = 0;
    let bestJ = 0;
    for (let j = from; j < to; j++) {
      const id = name[j] as number;
      const slot = this.slotOf(id);
      let i = this.slots[slot] === id ? (this.lastAt[slot] as number) : -1;
      // Positions in descending order, so the previous column's value at i - 1 is read before it is overwritten.
      while (i >= 0) {
        const length = i > 0 && this.stamp[i - 1] === base + j - 1 ? (this.column[i - 1] as number) + 1 : 1;
        this.column[i] = length;
        this.stamp[i] = base + j;
        if (length > bestLength || (length === bestLength && (i < bestI || (i === bestI && j < bestJ)))) {
          bestLength = length;
          bestI = i;
          bestJ = j;
        }
        i = this.previous[i] as number;
      }
    }
    return bestLength === 0 ? { start: 0, length: 0 } : { start: bestJ - from - bestLength + 1, length: bestLength };
  }
}

/** Rewordings beyond this many are always tried against every name (`QueryMatch.rewordingsFor`). */
const MAX_MASKED = 16;

/**
 * Where `variant` differs from `question`: the positions of `variant` between the words both start with and the
 * words both end with.
 */
function rewordedPart(question: Int32Array, variant: Int32Array): { from: number; to: number } {
  const shorter = Math.min(question.length, variant.length);
  let from = 0;
  while (from < shorter && question[from] === variant[from]) from++;
  let end = 0;
  while (end < shorter - from && question[question.length - 1 - end] === variant[variant.length - 1 - end]) end++;
  return { from, to: variant.length - end };
}

/** One content word of the question with its index lookups resolved. */
export interface ResolvedUnit {
  unit: QueryUnit;
  /** Rarity weight of the word: the larger IDF of its accented and folded terms (times `unit.weight`). */
  weight: number;
  /** IDF of each of `unit.terms` (an unseen term gets the index's unseen IDF). */
  idfs: number[];
  /** Posting list of each of `unit.terms` (undefined: no document holds it). */
  postings: (Uint32Array | undefined)[];
  /** The same, with documents holding the term only in index-only page text (`covers: false` fields). */
  anywhere: (Uint32Array | undefined)[];
  /** For each synonym phrase, the posting list of each of its keys. */
  phrases: (Uint32Array | undefined)[][];
  /** Bitsets of the long lists among `postings`, `anywhere` and `phrases` (see `holdsIn`). */
  bits: (Uint32Array | undefined)[];
  anywhereBits: (Uint32Array | undefined)[];
  phraseBits: (Uint32Array | undefined)[][];
}

/** A question resolved against the lexical index and the engine's word ids. */
export class QueryMatch {
  /** The question's words in order; each unit's `unit` is the prepared one. */
  readonly units: ResolvedUnit[];
  /** Sum of the content (non-filler) words' weights. */
  readonly contentWeight: number;
  /** Posting lists of the question's content word pairs (`prepared.contentBigrams`). */
  private readonly bigrams: (Uint32Array | undefined)[];
  private readonly bigramBits: (Uint32Array | undefined)[];
  /** The folded question as names are quoted from it, then each synonym rewording, as run sequences. */
  readonly sequences: RunSequence[];
  /**
   * For each word id, a bit per rewording (bit v - 1 for `sequences[v]`) whose reworded part holds the word; a
   * rewording whose reworded part is empty has its bit on `alwaysTried`.
   */
  private readonly novel: Uint16Array;
  private readonly alwaysTried: number;

  constructor(
    readonly prepared: PreparedQuery,
    index: LexicalIndex,
    words: WordIds,
  ) {
    this.units = prepared.units.map((unit) => {
      const found = unit.terms.map((t) => index.posting(t));
      const idfs = found.map((posting) => posting?.idf ?? index.unseenIdf);
      const phrases = (unit.phrases ?? []).map((phrase) => phrase.keys.map((key) => index.posting(key)));
      return {
        unit,
        // A story's context words count less (request-focus.ts).
        weight: Math.max(...idfs.slice(0, 2)) * (unit.weight ?? 1),
        idfs,
        postings: found.map((posting) => posting?.covered),
        anywhere: found.map((posting) => posting?.docs),
        phrases: phrases.map((keys) => keys.map((posting) => posting?.covered)),
        bits: found.map((posting) => posting?.coveredBits),
        anywhereBits: found.map((posting) => posting?.docsBits),
        phraseBits: phrases.map((keys) => keys.map((posting) => posting?.coveredBits)),
      };
    });
    let total = 0;
    for (const u of this.units) if (!u.unit.filler) total += u.weight;
    this.contentWeight = total;
    const bigrams = prepared.contentBigrams.map((key) => index.posting(key));
    this.bigrams = bigrams.map((posting) => posting?.covered);
    this.bigramBits = bigrams.map((posting) => posting?.coveredBits);
    this.sequences = [prepared.quotable ?? prepared.folded, ...prepared.variants].map(
      (s) => new RunSequence(words.lookup(s)),
    );
    this.novel = new Uint16Array(words.size);
    let always = 0;
    const question = (this.sequences[0] as RunSequence).ids;
    this.sequences.slice(1, MAX_MASKED + 1).forEach((variant, v) => {
      const { from, to } = rewordedPart(question, variant.ids);
      if (from === to) always |= 1 << v;
      for (let k = from; k < to; k++) {
        const id = variant.ids[k] as number;
        if (id >= 0) this.novel[id] = (this.novel[id] as number) | (1 << v);
      }
    });
    // Rewordings beyond what the mask can mark are always tried.
    for (let v = MAX_MASKED; v + 1 < this.sequences.length; v++) always |= 1 << v;
    this.alwaysTried = always;
  }

  /**
   * The rewordings (bit v - 1 for `sequences[v]`) whose longest run with the name `ids[from..to)` may be longer than
   * the question's own: a run that holds no word of a rewording's reworded part lies within the words it shares with
   * the question on one side, so it is a run of the question too. The others need no test.
   */
  rewordingsFor(ids: Int32Array, from: number, to: number): number {
    let mask = this.alwaysTried;
    for (let j = from; j < to; j++) {
      const id = ids[j] as number;
      if (id >= 0 && id < this.novel.length) mask |= this.novel[id] as number;
    }
    return mask;
  }

  /** True when document `doc` holds term `k` of unit `u`. */
  holds(u: ResolvedUnit, k: number, doc: number): boolean {
    return holdsIn(u.postings[k], u.bits[k], doc);
  }

  /** True when document `doc` holds term `k` of unit `u`, if only in its index-only page text. */
  holdsAnywhere(u: ResolvedUnit, k: number, doc: number): boolean {
    return holdsIn(u.anywhere[k], u.anywhereBits[k], doc);
  }

  /** True when document `doc` holds every key of synonym phrase `p` of unit `u`. */
  holdsPhrase(u: ResolvedUnit, p: number, doc: number): boolean {
    const keys = u.phrases[p] ?? [];
    const bits = u.phraseBits[p] ?? [];
    for (let k = 0; k < keys.length; k++) if (!holdsIn(keys[k], bits[k], doc)) return false;
    return true;
  }

  /** How many of the question's content word pairs document `doc` holds. */
  bigramsIn(doc: number): number {
    let pairs = 0;
    for (let k = 0; k < this.bigrams.length; k++) if (holdsIn(this.bigrams[k], this.bigramBits[k], doc)) pairs++;
    return pairs;
  }
}
