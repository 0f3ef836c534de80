// Searches the learned questions (learned.ts): the question is compared with every question citizens were
// confirmed to mean a procedure by, and each procedure scores its nearest one. Words are weighted by their
// rarity among the learned questions, so "tôi muốn hỏi" weighs nothing and a rare word or word pair weighs
// much. The engine fuses the result after its re-ranking, like dense evidence, so learned questions neither
// inflate how much of a question a procedure's own text covers nor pull unrelated questions by common words.
import type { Learned } from './learned.ts';
import type { Lexicon } from './lexicon.ts';
import { type PreparedQuery, prepareQuery } from './query.ts';

/** Content words and content word pairs of a question (folded), the units of comparison. */
function featuresOf(prepared: PreparedQuery): Set<string> {
  const features = new Set<string>(prepared.contentBigrams);
  prepared.units.forEach((unit, i) => {
    const word = prepared.folded[i];
    if (!unit.filler && word) features.add(word);
  });
  return features;
}

export class LearnedQuestionIndex {
  private readonly postings = new Map<string, number[]>();
  /** Catalogue position of each learned question's procedure. */
  private readonly owners: number[] = [];
  private readonly norms: number[] = [];
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(learned: Learned, positionById: ReadonlyMap<string, number>, lexicon: Lexicon) {
    const questions: Set<string>[] = [];
    for (const [id, texts] of learned) {
      const position = positionById.get(id);
      if (position === undefined) continue;
      for (const text of texts) {
        const features = featuresOf(prepareQuery(text, lexicon));
        if (features.size === 0) continue;
        for (const feature of features) {
          const list = this.postings.get(feature) ?? [];
          list.push(questions.length);
          this.postings.set(feature, list);
        }
        questions.push(features);
        this.owners.push(position);
      }
    }
    const n = questions.length;
    for (const [feature, list] of this.postings)
      this.idf.set(feature, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
    let idfSum = 0;
    for (const value of this.idf.values()) idfSum += value;
    this.unseenIdf = this.idf.size > 0 ? idfSum / this.idf.size : 0;
    for (const features of questions) {
      let sum = 0;
      for (const f of features) sum += (this.idf.get(f) ?? 0) ** 2;
      this.norms.push(Math.sqrt(sum));
    }
  }

  get size(): number {
    return this.owners.length;
  }

  /** Best cosine (rarity-weighted words and word pairs) of each procedure's learned questions, by position. */
  similar(prepared: PreparedQuery): Map<number, number> {
    const best = new Map<number, number>();
    const features = featuresOf(prepared);
    let queryNorm = 0;
    const dots = new Map<number, number>();
    for (const feature of features) {
      const idf = this.idf.get(feature);
      if (idf === undefined) continue;
      queryNorm += idf * idf;
      for (const q of this.postings.get(feature) ?? []) dots.set(q, (dots.get(q) ?? 0) + idf * idf);
    }
    // Words no learned question has still make the question longer (less like any learned one), weighing as
    // much as an average learned word: rarer than that cannot be told from so few questions.
    for (const feature of features) if (!this.idf.has(feature)) queryNorm += this.unseenIdf ** 2;
    if (queryNorm === 0) return best;
    const norm = Math.sqrt(queryNorm);
    for (const [q, dot] of dots) {
      const cosine = dot / (norm * (this.norms[q] as number));
      const owner = this.owners[q] as number;
      if (cosine > (best.get(owner) ?? 0)) best.set(owner, cosine);
    }
    return best;
  }
}
