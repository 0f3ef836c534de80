// Turns match features into a 0..1 confidence and decides when to abstain. A logistic model whose weights
// were fitted on the FAQ dev questions and hand-written colloquial and out-of-scope questions
// (test/fixtures/retrieval); `npm run eval` reports the resulting abstain rates.

export interface MatchFeatures {
  /** Share of the question's content words the top match covers (rarity-weighted). */
  coverage: number;
  /** Rarity-weighted amount of the question the top match covers (sum of IDF). */
  matched: number;
  /** Share of the top match's name (rarity-weighted) that the question mentions. */
  nameCoverage: number;
  /** Adjacent pairs of the question's content words (or of its synonyms' words) found in the top match. */
  bigrams: number;
  /** Top score relative to the best score the question could reach. */
  strength: number;
  /** Relative gap between the first and second family. */
  margin: number;
  /** Best cosine similarity of the top family's members (hybrid path only; see fusion.ts). */
  dense?: number;
}

export interface Calibration {
  bias: number;
  coverage: number;
  nameCoverage: number;
  /** Weight of log(1 + matched). */
  matched: number;
  /** Weight of min(bigrams, 4). */
  bigrams: number;
  strength: number;
  /** Abstain when confidence falls below this… */
  abstainBelow: number;
  /** …unless it is at least this and the match covers most of the question: then offer a menu. */
  menuAbove: number;
  /** The question is ambiguous when the second family scores at least this share of the first. */
  ambiguousWithin: number;
}

export const DEFAULT_CALIBRATION: Calibration = {
  bias: -7.5,
  coverage: 0.6,
  nameCoverage: 1.7,
  matched: 0.8,
  bigrams: 1.8,
  strength: 0.4,
  abstainBelow: 0.4,
  menuAbove: 0.08,
  ambiguousWithin: 0.92,
};

export function confidenceOf(f: MatchFeatures, c: Calibration): number {
  const z =
    c.bias +
    c.coverage * f.coverage +
    c.nameCoverage * f.nameCoverage +
    c.matched * Math.log1p(f.matched) +
    c.bigrams * Math.min(f.bigrams, 4) +
    c.strength * f.strength;
  return 1 / (1 + Math.exp(-z));
}
