// Fuses dense (embedding) evidence into the lexical ranking, AFTER the lexical re-ranking, so a paraphrase that
// shares no word with the procedure is not penalised for missing words: dense evidence is exempt from the
// word-coverage factors and can put a procedure first on its own. Also the dense part of the confidence.

/** Fusion parameters; tune `weight` and `floor` with `npm run eval -- --dense` on a machine with the model. */
export interface FusionParameters {
  /**
   * What a perfect dense match (cosine 1) adds, as a share of the score of a perfect lexical match (a
   * procedure matching every word of the question at full strength).
   */
  weight: number;
  /** Cosine at or below which a similarity is no evidence at all. */
  floor: number;
}

export const DEFAULT_FUSION: FusionParameters = { weight: 1.5, floor: 0.75 };

/** 0..1: how far a cosine is above the floor (0 at or below it). */
export function denseStrength(similarity: number | undefined, fusion: FusionParameters): number {
  if (similarity === undefined || similarity <= fusion.floor) return 0;
  return Math.min(1, (similarity - fusion.floor) / (1 - fusion.floor));
}

/**
 * Adds each dense candidate's evidence to its (already re-ranked) lexical score, scaled by `scale` (the score a
 * perfect lexical match would get, so both kinds of evidence are on one footing) and by the candidate's prior.
 * Returns the positions that gained, so the caller can rank candidates no word matched.
 */
export function fuseDense(
  scores: Float32Array,
  similarities: ReadonlyMap<number, number>,
  priors: Float32Array,
  scale: number,
  fusion: FusionParameters,
): number[] {
  const gained: number[] = [];
  for (const [position, similarity] of similarities) {
    const strength = denseStrength(similarity, fusion);
    if (strength <= 0) continue;
    scores[position] = (scores[position] as number) + fusion.weight * scale * strength * (priors[position] as number);
    gained.push(position);
  }
  return gained;
}

/**
 * The dense part of the confidence: how likely the first answer is right from its dense strength alone,
 * sigmoid(weight × strength + bias). It is combined with the lexical confidence as independent evidence
 * (either can vouch for the answer), so the lexical path keeps its own calibration untouched.
 */
export interface DenseCalibration {
  weight: number;
  bias: number;
}

/**
 * Fitted with `npm run eval -- --oracle-cosine 0.95 --fit-confidence` on the FAQ dev questions plus the
 * project's colloquial and out-of-scope sets (2026-11-29). The oracle separates gold from the rest better than a
 * real model will: refit with the real model (`--dense --fit-confidence`) before relying on it.
 */
export const DEFAULT_DENSE_CALIBRATION: DenseCalibration = { weight: 23, bias: -15.5 };

/** Confidence from the dense strength alone. */
export function denseConfidence(strength: number, calibration: DenseCalibration): number {
  return 1 / (1 + Math.exp(-(calibration.weight * strength + calibration.bias)));
}

/** The lexical confidence combined with the dense one: right unless both kinds of evidence are wrong. */
export function withDenseEvidence(lexicalConfidence: number, strength: number, calibration: DenseCalibration): number {
  return 1 - (1 - lexicalConfidence) * (1 - denseConfidence(strength, calibration));
}
