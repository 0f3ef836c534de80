// "How people ask for it": a learned, searchable field of each procedure, built by `npm run kb:learn` from
// confirmed question → procedure pairs (ratings marked helpful by at least two answers and not mostly
// unhelpful, or a maintainer's reviewed question file) and kept in DATA_DIR/learned.json, never in the
// repository. Every question is scrubbed of personal data. The file can be deleted or rebuilt at any time;
// the search index reads it when it is built (server start, reindex).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Procedure } from '../knowledge/schema.ts';
import type { FeedbackEntry } from '../store/types.ts';
import { foldAccents, normalizeText } from '../text/normalize.ts';
import type { DenseCalibration, FusionParameters } from './fusion.ts';

export const LEARNED_FILE = 'learned.json';

/**
 * How a learned question's similarity (rarity-weighted cosine, learned-index.ts) is fused, as dense evidence
 * is: above the floor it adds up to `weight` × a perfect lexical match's score.
 */
export const LEARNED_FUSION: FusionParameters = { weight: 1, floor: 0.4 };

/**
 * How much a learned question near the question vouches for the first answer (combined with the lexical
 * confidence as dense evidence is): a learned question with most of the same rare words (cosine ≥ 0.65) answers.
 */
export const LEARNED_CALIBRATION: DenseCalibration = { weight: 10, bias: -4.5 };

/** Learned questions kept per procedure (the most confirmed first). */
export const MAX_QUESTIONS_PER_PROCEDURE = 40;
/** Distinct helpful answers a feedback pair needs before it is learned. */
export const MIN_HELPFUL = 2;

const LearnedFileSchema = z.object({
  version: z.literal(1),
  builtAt: z.string(),
  /** Procedure UUID → questions (scrubbed). */
  procedures: z.record(z.string(), z.array(z.string())),
});
export type LearnedFile = z.infer<typeof LearnedFileSchema>;

/** Procedure UUID → how citizens asked for it. */
export type Learned = ReadonlyMap<string, readonly string[]>;

export function learnedPath(dataDir: string): string {
  return join(dataDir, LEARNED_FILE);
}

/** Reads a learned file; a missing file is no learning, a damaged one is an error the caller reports. */
export function readLearned(path: string): Learned {
  if (!existsSync(path)) return new Map();
  const parsed = LearnedFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues[0]?.message ?? 'không hợp lệ'}`);
  return new Map(Object.entries(parsed.data.procedures));
}

/** Writes the learned file atomically (readable by the owner only: it holds citizens' questions). */
export function writeLearned(path: string, learned: Learned, now = new Date()): void {
  const file: LearnedFile = {
    version: 1,
    builtAt: now.toISOString(),
    procedures: Object.fromEntries([...learned].map(([id, questions]) => [id, [...questions]])),
  };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Removes personal data from a question (the conversation's scrubber, as for the feedback log). */
export type Scrub = (question: string) => string;

/** One question → procedure pair, wherever it came from. */
export interface LearnedPair {
  question: string;
  procedureId: string;
  /** How strongly it is confirmed (helpful answers, or 1 for a reviewed line); orders what is kept. */
  weight: number;
}

const wordingKey = (question: string) => foldAccents(normalizeText(question));

/**
 * Pairs confirmed by feedback: the same wording (ignoring case and diacritics) answered with the same procedure
 * and marked helpful on at least `minHelpful` distinct answers, and not marked unhelpful more often than
 * helpful. A single rating is never enough.
 */
export function confirmedFeedbackPairs(
  ratings: readonly FeedbackEntry[],
  scrub: Scrub,
  minHelpful = MIN_HELPFUL,
): LearnedPair[] {
  const byPair = new Map<
    string,
    { question: string; procedureId: string; helpful: Set<string>; unhelpful: Set<string> }
  >();
  for (const r of ratings) {
    const question = scrub(r.question);
    if (!question) continue;
    const key = `${r.procedureId}\u0000${wordingKey(question)}`;
    const pair = byPair.get(key) ?? { question, procedureId: r.procedureId, helpful: new Set(), unhelpful: new Set() };
    (r.helpful ? pair.helpful : pair.unhelpful).add(r.answerId);
    byPair.set(key, pair);
  }
  return [...byPair.values()]
    .filter((p) => p.helpful.size >= Math.max(2, minHelpful) && p.unhelpful.size <= p.helpful.size)
    .map((p) => ({ question: p.question, procedureId: p.procedureId, weight: p.helpful.size }));
}

/** Pairs from a maintainer's reviewed question file: each question with every procedure of its gold codes. */
export function reviewedPairs(
  questions: readonly { question: string; gold: readonly string[] }[],
  procedures: readonly Procedure[],
  scrub: Scrub,
): { pairs: LearnedPair[]; unknownCodes: string[] } {
  const byCode = new Map<string, string[]>();
  for (const p of procedures) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p.id]);
  const pairs: LearnedPair[] = [];
  const unknown = new Set<string>();
  for (const q of questions) {
    const question = scrub(q.question);
    if (!question) continue;
    for (const code of q.gold) {
      const ids = byCode.get(code);
      if (!ids) unknown.add(code);
      for (const procedureId of ids ?? []) pairs.push({ question, procedureId, weight: 1 });
    }
  }
  return { pairs, unknownCodes: [...unknown] };
}

/** Groups pairs by procedure: distinct wordings, the most confirmed first, at most a bounded number each. */
export function buildLearned(
  pairs: readonly LearnedPair[],
  known: (procedureId: string) => boolean,
): Map<string, string[]> {
  const byProcedure = new Map<string, Map<string, LearnedPair>>();
  for (const pair of pairs) {
    if (!known(pair.procedureId)) continue;
    const wordings = byProcedure.get(pair.procedureId) ?? new Map<string, LearnedPair>();
    const key = wordingKey(pair.question);
    const existing = wordings.get(key);
    wordings.set(key, existing ? { ...existing, weight: existing.weight + pair.weight } : pair);
    byProcedure.set(pair.procedureId, wordings);
  }
  const learned = new Map<string, string[]>();
  for (const [procedureId, wordings] of [...byProcedure].sort(([a], [b]) => a.localeCompare(b))) {
    const kept = [...wordings.values()]
      .sort((a, b) => b.weight - a.weight || a.question.localeCompare(b.question))
      .slice(0, MAX_QUESTIONS_PER_PROCEDURE)
      .map((p) => p.question);
    learned.set(procedureId, kept);
  }
  return learned;
}

export type SplitBy = 'procedure' | 'question';
export type Half = 'learn' | 'eval';

function hashHalf(key: string): Half {
  return (createHash('sha256').update(key).digest()[0] as number) % 2 === 0 ? 'learn' : 'eval';
}

/**
 * Deterministic learning / evaluation halves of a question file, so learning can be measured on questions it
 * never saw. By procedure (default): a question belongs to a half when all its gold codes hash to that half
 * (questions whose codes fall in both halves are in neither). By question: by the hash of its id or text.
 */
export function halfOf(
  question: { id?: string | undefined; question: string; gold: readonly string[] },
  by: SplitBy,
): Half | undefined {
  if (by === 'question') return hashHalf(question.id ?? question.question);
  const halves = new Set(question.gold.map(hashHalf));
  return halves.size === 1 ? [...halves][0] : undefined;
}

/**
 * The learned questions of DATA_DIR for the search index. A damaged file must not keep the assistant from
 * starting: it is reported through `warn` and the index is built without learning.
 */
export function loadLearned(dataDir: string, warn: (message: string) => void): Learned {
  try {
    return readLearned(learnedPath(dataDir));
  } catch (error) {
    warn(`learned questions ignored (${(error as Error).message}); rebuild with npm run kb:learn or delete the file`);
    return new Map();
  }
}
