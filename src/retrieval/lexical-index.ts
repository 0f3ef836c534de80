// A BM25F lexical index with precomputed impacts: for every term, the documents containing it and how much
// the term counts there (field-weighted, length-normalised, saturated). A query is then a weighted sum of
// postings, which keeps a search over the whole national catalogue in the low milliseconds.
// Building streams the documents and interns terms, so the peak memory stays close to the final index.

export interface FieldSpec {
  weight: number;
  /** Length normalisation strength (BM25 b). */
  b: number;
  /**
   * False for a field that scores but does not count as the document holding the word (`documentsWith`): long
   * index-only text would otherwise make its record "cover" almost any question.
   */
  covers?: boolean;
}

/** A document = for each field, its terms (repeats count) and its length in tokens. */
export interface DocumentTerms {
  fields: Record<string, { terms: string[]; length: number }>;
}

export interface Posting {
  docs: Uint32Array;
  impacts: Float32Array;
  /** Documents holding the term in a covering field: `docs` itself unless some hold it only in other fields. */
  covered: Uint32Array;
  idf: number;
  /** `docs` and `covered` as bitsets (one bit per document) when the list is long (`BITSET_SHARE`), else none. */
  docsBits: Uint32Array | undefined;
  coveredBits: Uint32Array | undefined;
}

/**
 * A posting list holding at least this share of the catalogue also gets a bitset, which is then no larger than the
 * list: common words are tested for a candidate in one step instead of a binary search.
 */
const BITSET_SHARE = 1 / 32;

const K1 = 1.2;

export class LexicalIndex {
  private readonly postings = new Map<string, Posting>();
  readonly size: number;
  /** IDF given to a query term the index has never seen. */
  readonly unseenIdf: number;

  constructor(documents: Iterable<DocumentTerms>, specs: Record<string, FieldSpec>) {
    const fieldNames = Object.keys(specs);
    const termIds = new Map<string, number>();
    const termNames: string[] = [];
    // Per document: (termId, field, count) triples and field lengths.
    const entries: Int32Array[] = [];
    const lengths: Float32Array[] = [];
    const totals = new Float64Array(fieldNames.length);
    for (const doc of documents) {
      const triples: number[] = [];
      const docLengths = new Float32Array(fieldNames.length);
      fieldNames.forEach((name, f) => {
        const field = doc.fields[name];
        if (!field || field.terms.length === 0) return;
        docLengths[f] = field.length;
        totals[f] = (totals[f] as number) + field.length;
        const counts = new Map<string, number>();
        for (const term of field.terms) counts.set(term, (counts.get(term) ?? 0) + 1);
        for (const [term, count] of counts) {
          let id = termIds.get(term);
          if (id === undefined) {
            id = termNames.length;
            termIds.set(term, id);
            termNames.push(term);
          }
          triples.push(id, f, count);
        }
      });
      entries.push(Int32Array.from(triples));
      lengths.push(docLengths);
    }
    const n = entries.length;
    this.size = n;
    this.unseenIdf = Math.log(1 + (n + 0.5) / 0.5);
    const averages = Array.from(totals, (t) => Math.max(1, t / Math.max(1, n)));
    const specList = fieldNames.map((name) => specs[name] as FieldSpec);
    const covering = specList.map((spec) => spec.covers !== false);

    // Document frequencies first (a term counted once per document), so postings can be sized exactly and
    // filled in a second pass without keeping per-document weight tables around.
    const df = new Uint32Array(termNames.length);
    const coveredDf = new Uint32Array(termNames.length);
    const lastDoc = new Int32Array(termNames.length).fill(-1);
    const lastCovered = new Int32Array(termNames.length).fill(-1);
    entries.forEach((triples, d) => {
      for (let k = 0; k < triples.length; k += 3) {
        const id = triples[k] as number;
        if (lastDoc[id] !== d) {
          lastDoc[id] = d;
          df[id] = (df[id] as number) + 1;
        }
        if (covering[triples[k + 1] as number] && lastCovered[id] !== d) {
          lastCovered[id] = d;
          coveredDf[id] = (coveredDf[id] as number) + 1;
        }
      }
    });
    const docsOf = Array.from(df, (count) => new Uint32Array(count));
    const impactsOf = Array.from(df, (count) => new Float32Array(count));
    // Only terms that some document holds in non-covering fields alone need a list of their own.
    const coveredOf = Array.from(df, (count, id) =>
      coveredDf[id] === count ? undefined : new Uint32Array(coveredDf[id] as number),
    );
    const fill = new Uint32Array(termNames.length);
    const coveredFill = new Uint32Array(termNames.length);
    const weights = new Map<number, number>();
    const covers = new Set<number>();
    entries.forEach((triples, d) => {
      weights.clear();
      covers.clear();
      for (let k = 0; k < triples.length; k += 3) {
        const id = triples[k] as number;
        const f = triples[k + 1] as number;
        const spec = specList[f] as FieldSpec;
        const norm = 1 - spec.b + spec.b * ((lengths[d]?.[f] ?? 0) / (averages[f] as number));
        weights.set(id, (weights.get(id) ?? 0) + (spec.weight * (triples[k + 2] as number)) / norm);
        if (covering[f]) covers.add(id);
      }
      for (const [id, tf] of weights) {
        const at = fill[id] as number;
        (docsOf[id] as Uint32Array)[at] = d;
        (impactsOf[id] as Float32Array)[at] = tf / (K1 + tf);
        fill[id] = at + 1;
        const covered = coveredOf[id];
        if (covered && covers.has(id)) {
          covered[coveredFill[id] as number] = d;
          coveredFill[id] = (coveredFill[id] as number) + 1;
        }
      }
    });
    const bitsetMin = Math.max(1, Math.ceil(n * BITSET_SHARE));
    termNames.forEach((term, id) => {
      // Rarity is counted on covering fields, so index-only text does not change how rare a word is elsewhere;
      // a word found only in such text is as rare as the documents holding it.
      const count = (coveredDf[id] as number) || (df[id] as number);
      const docs = docsOf[id] as Uint32Array;
      const covered = coveredOf[id] ?? docs;
      const docsBits = bitsetOf(docs, n, bitsetMin);
      this.postings.set(term, {
        docs,
        impacts: impactsOf[id] as Float32Array,
        covered,
        idf: Math.log(1 + (n - count + 0.5) / (count + 0.5)),
        docsBits,
        coveredBits: covered === docs ? docsBits : bitsetOf(covered, n, bitsetMin),
      });
    });
  }

  get termCount(): number {
    return this.postings.size;
  }

  idf(term: string): number {
    return this.postings.get(term)?.idf ?? this.unseenIdf;
  }

  /** Everything the index holds for `term` (its documents, impacts and IDF), or nothing. */
  posting(term: string): Readonly<Posting> | undefined {
    return this.postings.get(term);
  }

  /** Every term the index holds with the number of documents holding it (anywhere). */
  *terms(): IterableIterator<[string, number]> {
    for (const [term, posting] of this.postings) yield [term, posting.docs.length];
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** Documents containing `term` (sorted), or none; with `anyField`, also those holding it only in non-covering fields. */
  documentsWith(term: string, anyField = false): Uint32Array | undefined {
    const posting = this.postings.get(term);
    return anyField ? posting?.docs : posting?.covered;
  }

  /**
   * Adds weight × idf × impact of each query term to `scores` (one slot per document). Returns the score a
   * document would get if it held every known query term at full impact (for normalisation).
   */
  accumulate(terms: Map<string, number>, scores: Float32Array): number {
    let achievable = 0;
    for (const [term, weight] of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      achievable += weight * posting.idf;
      const factor = weight * posting.idf;
      const { docs, impacts } = posting;
      for (let k = 0; k < docs.length; k++) {
        const d = docs[k] as number;
        scores[d] = (scores[d] as number) + factor * (impacts[k] as number);
      }
    }
    return achievable;
  }

  /**
   * True when `term` occurs in document `doc` in a covering field; with `anyField`, also when it occurs only in a
   * non-covering one (binary search in the sorted posting list).
   */
  contains(term: string, doc: number, anyField = false): boolean {
    const posting = this.postings.get(term);
    return anyField
      ? holdsIn(posting?.docs, posting?.docsBits, doc)
      : holdsIn(posting?.covered, posting?.coveredBits, doc);
  }
}

/** The sorted documents `docs` as a bitset over `n` documents, when there are at least `min` of them. */
function bitsetOf(docs: Uint32Array, n: number, min: number): Uint32Array | undefined {
  if (docs.length < min) return undefined;
  const bits = new Uint32Array((n + 31) >>> 5);
  for (let k = 0; k < docs.length; k++) {
    const d = docs[k] as number;
    bits[d >>> 5] = (bits[d >>> 5] as number) | (1 << (d & 31));
  }
  return bits;
}

/** True when document `doc` is among `docs`, read from their bitset `bits` when the list has one. */
export function holdsIn(docs: Uint32Array | undefined, bits: Uint32Array | undefined, doc: number): boolean {
  if (bits) return (((bits[doc >>> 5] ?? 0) >>> (doc & 31)) & 1) === 1;
  return postingHolds(docs, doc);
}

/** True when the sorted posting list `docs` holds document `doc` (binary search; none holds nothing). */
export function postingHolds(docs: Uint32Array | undefined, doc: number): boolean {
  if (!docs) return false;
  let lo = 0;
  let hi = docs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = docs[mid] as number;
    if (value === doc) return true;
    if (value < doc) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Positions per packed key (see `topIndices`): a key holds a score's bits and its position in 16 bits. */
const POSITION_SLOTS = 65536;

/** A positive score's float bits shifted by this give its bucket (exponent and 3 bits of mantissa), in score order. */
const BUCKET_SHIFT = 20;
/** How many positive scores fall in each bucket (reused by every call; `topIndices` is synchronous). */
const bucketCounts = new Uint32Array((0xffffffff >>> BUCKET_SHIFT) + 1);

/**
 * The lowest bucket (see `BUCKET_SHIFT`) that can hold one of the `k` highest positive scores: the buckets from it up
 * hold at least k of them, those below it none of the best k. 0 when there are at most k positive scores.
 */
function thresholdBucket(scores: Float32Array, bits: Uint32Array, k: number): number {
  bucketCounts.fill(0);
  let positive = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] as number) <= 0) continue;
    const bucket = (bits[i] as number) >>> BUCKET_SHIFT;
    bucketCounts[bucket] = (bucketCounts[bucket] as number) + 1;
    positive++;
  }
  if (positive <= k) return 0;
  let seen = 0;
  for (let bucket = bucketCounts.length - 1; bucket > 0; bucket--) {
    seen += bucketCounts[bucket] as number;
    if (seen >= k) return bucket;
  }
  return 0;
}

/**
 * Positions of the `k` highest positive scores, best first, equal scores in position order. Each positive score
 * becomes one number, its float bits (ordered like the scores themselves) above the position's complement, so one
 * comparison orders by score then position; a heap of k keeps the best so far, then the k keys are sorted natively.
 * A first pass counts the scores per range of values, so that only the ranges that can hold the best k (usually a
 * few hundred of the catalogue's thousands of matching records) reach the heap.
 */
export function topIndices(scores: Float32Array, k: number): number[] {
  if (scores.length > POSITION_SLOTS) return topIndicesByComparison(scores, k);
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const floor = thresholdBucket(scores, bits, k);
  const last = POSITION_SLOTS - 1;
  const heap = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    if ((scores[i] as number) <= 0 || (bits[i] as number) >>> BUCKET_SHIFT < floor) continue;
    const key = (bits[i] as number) * POSITION_SLOTS + (last - i);
    if (size < k) {
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if ((heap[parent] as number) <= key) break;
        heap[at] = heap[parent] as number;
        at = parent;
      }
      heap[at] = key;
      continue;
    }
    // The root is the weakest kept: a later position with the same score is weaker still.
    if (key <= (heap[0] as number)) continue;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= k) break;
      const right = left + 1;
      const child = right < k && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= key) break;
      heap[at] = heap[child] as number;
      at = child;
    }
    heap[at] = key;
  }
  const keys = heap.subarray(0, size).sort();
  const best: number[] = new Array(size);
  for (let j = 0; j < size; j++) best[j] = last - ((keys[size - 1 - j] as number) % POSITION_SLOTS);
  return best;
}

/**
 * Sorts `positions` in place by score, best first, equal scores keeping their order: the same as a stable
 * `sort((a, b) => scores[b] - scores[a])`, through packed keys (score bits above the complement of the place in the
 * list) sorted natively. Lists it cannot pack (a score that is not positive and finite, or more than 65,536
 * positions) are sorted with the comparison.
 */
export function sortByScore(positions: number[], scores: Float32Array): void {
  const n = positions.length;
  const byComparison = () => positions.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  if (n > POSITION_SLOTS) return void byComparison();
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  const last = POSITION_SLOTS - 1;
  const keys = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const position = positions[j] as number;
    const score = scores[position] as number;
    if (!(score > 0 && score < Number.POSITIVE_INFINITY)) return void byComparison();
    keys[j] = (bits[position] as number) * POSITION_SLOTS + (last - j);
  }
  keys.sort();
  const order = positions.slice();
  for (let j = 0; j < n; j++) positions[j] = order[last - ((keys[n - 1 - j] as number) % POSITION_SLOTS)] as number;
}

/** `topIndices` for a catalogue too large to pack positions in 16 bits: a full sort of the positive scores. */
function topIndicesByComparison(scores: Float32Array, k: number): number[] {
  const positive: number[] = [];
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > 0) positive.push(i);
  return positive.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b).slice(0, k);
}
