// Fits the dense part of the confidence (fusion.ts `DenseCalibration`) on evaluated questions: maximum
// likelihood of "the first answer is right" under the combined confidence, over a grid of weights and biases,
// with a small penalty on large weights. Out-of-scope questions are negatives.
// Used by `npm run eval -- --fit-confidence`.
import { type DenseCalibration, withDenseEvidence } from './fusion.ts';

export interface DenseSample {
  /** Lexical confidence of the first answer (0..1). */
  lexical: number;
  /** Dense strength of the first answer's family (0..1). */
  strength: number;
  /** The first answer is right (false for every out-of-scope question). */
  correct: boolean;
}

/** Penalty per unit of weight²: an oracle separates perfectly, and the weight must not run away. */
const RIDGE = 0.01;

export function fitDenseCalibration(samples: readonly DenseSample[]): DenseCalibration {
  let best: DenseCalibration = { weight: 0, bias: -20 };
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let weight = 0; weight <= 40; weight += 0.5) {
    for (let bias = -40; bias <= 0; bias += 0.5) {
      const calibration = { weight, bias };
      let loss = RIDGE * weight * weight;
      for (const s of samples) {
        const p = Math.min(1 - 1e-9, Math.max(1e-9, withDenseEvidence(s.lexical, s.strength, calibration)));
        loss -= Math.log(s.correct ? p : 1 - p);
      }
      if (loss < bestLoss) {
        bestLoss = loss;
        best = calibration;
      }
    }
  }
  return best;
}
