// Measures retrieval quality on a question file, the way a citizen experiences it: an abstained answer shows
// nothing, so it is a miss at every rank. A hit is counted per name family (how the conversation presents
// results) and, beside it, per exact record (a family can hide the wrong twin). Also MRR@10, abstain recall on
// out-of-scope questions, false abstains and latency. A figure a set cannot measure is null (printed n/a).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { MatchFeatures } from './confidence.ts';
import type { Retriever, SearchResult } from './types.ts';

export const EvalQuestion = z.object({
  id: z.string().optional(),
  question: z.string(),
  gold: z.array(z.string().trim()),
  /** How the question is written (keyword, colloquial, nodiacritics, abbrev, scenario, oos…), for a breakdown. */
  style: z.string().optional(),
});
export type EvalQuestion = z.infer<typeof EvalQuestion>;

/** The raw FAQ export (`questions_gold_codes.jsonl`): same content under other keys. */
const FaqQuestion = z
  .object({ faq_id: z.union([z.number(), z.string()]), question: z.string(), gold_ma_thu_tuc: z.array(z.string()) })
  .transform((q) => ({ id: `faq-${q.faq_id}`, question: q.question, gold: q.gold_ma_thu_tuc.map((c) => c.trim()) }));

const QuestionLine = z.union([EvalQuestion, FaqQuestion]);

export interface EvalReport {
  /** Distinct questions measured (a repeated id is counted once). */
  n: number;
  in_scope: number;
  out_of_scope: number;
  /** Lines skipped because their id was already seen. */
  duplicates: number;
  /** Per family, answered (not abstained). Null when the set has no in-scope question. */
  hit1: number | null;
  hit3: number | null;
  hit5: number | null;
  mrr10: number | null;
  /** Rank 1 is the exact gold record (the representative shown first), answered. */
  hit1_record: number | null;
  hit3_record: number | null;
  /** Per family at rank 1 ignoring the abstain decision: what ranking alone would give. */
  hit1_ranked: number | null;
  /** Share of out-of-scope questions abstained on; null when the set has none. */
  oos_recall: number | null;
  /** Share of in-scope questions abstained on; null when the set has none. */
  false_abstain: number | null;
  p50_ms: number;
  p95_ms: number;
}

export interface QuestionOutcome {
  question: EvalQuestion;
  /** 1-based rank of the first family holding a gold code, or undefined (abstain not applied). */
  rank: number | undefined;
  /** 1-based rank of the first shown record (family representative) that is a gold code. */
  recordRank: number | undefined;
  abstained: boolean;
  confidence: number;
  features?: MatchFeatures | undefined;
  top: string[];
}

/**
 * Reads a JSONL question file (eval format, or the raw FAQ export); malformed lines are reported with their line
 * number. A repeated id keeps its first occurrence: `duplicates` says how many lines were dropped.
 */
export function readQuestionFile(path: string): { questions: EvalQuestion[]; duplicates: number } {
  const questions: EvalQuestion[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`${path} dòng ${index + 1}: JSON không hợp lệ`);
      }
      const result = QuestionLine.safeParse(parsed);
      if (!result.success) throw new Error(`${path} dòng ${index + 1}: ${result.error.issues[0]?.message}`);
      const question = result.data;
      if (question.id !== undefined) {
        if (seen.has(question.id)) {
          duplicates++;
          return;
        }
        seen.add(question.id);
      }
      questions.push(question);
    });
  return { questions, duplicates };
}

/** The questions of a file, each id once. */
export function readQuestions(path: string): EvalQuestion[] {
  return readQuestionFile(path).questions;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** 1-based rank of the first family holding a gold code, and of the first shown record that is one. */
function ranksOf(result: SearchResult, gold: Set<string>, codeOf: (id: string) => string | undefined) {
  const family = result.groups.findIndex((g) => g.ids.some((id) => gold.has(codeOf(id) ?? '')));
  const record = result.hits.findIndex((h) => gold.has(h.code));
  return { rank: family >= 0 ? family + 1 : undefined, recordRank: record >= 0 ? record + 1 : undefined };
}

export async function evaluate(
  retriever: Retriever,
  questions: EvalQuestion[],
  codeOf: (id: string) => string | undefined,
  options: { duplicates?: number } = {},
): Promise<{ report: EvalReport; outcomes: QuestionOutcome[] }> {
  const outcomes: QuestionOutcome[] = [];
  const latencies: number[] = [];
  const seen = new Set<string>();
  let duplicates = options.duplicates ?? 0;
  for (const question of questions) {
    if (question.id !== undefined) {
      if (seen.has(question.id)) {
        duplicates++;
        continue;
      }
      seen.add(question.id);
    }
    const started = performance.now();
    const result = await retriever.search(question.question, { limit: 10 });
    latencies.push(performance.now() - started);
    outcomes.push({
      question,
      ...ranksOf(result, new Set(question.gold), codeOf),
      abstained: result.abstain,
      confidence: result.confidence,
      features: result.features,
      top: result.hits.slice(0, 3).map((h) => `${h.code} ${h.name}`),
    });
  }
  const inScope = outcomes.filter((o) => o.question.gold.length > 0);
  const outOfScope = outcomes.filter((o) => o.question.gold.length === 0);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const share = (list: QuestionOutcome[], test: (o: QuestionOutcome) => boolean) =>
    list.length === 0 ? null : round(list.filter(test).length / list.length);
  /** What the citizen sees: nothing when the engine abstained. */
  const shown = (rank: number | undefined, abstained: boolean) => (abstained ? undefined : rank);
  const within = (k: number) => (o: QuestionOutcome) => (shown(o.rank, o.abstained) ?? Infinity) <= k;
  const recordWithin = (k: number) => (o: QuestionOutcome) => (shown(o.recordRank, o.abstained) ?? Infinity) <= k;
  return {
    outcomes,
    report: {
      n: outcomes.length,
      in_scope: inScope.length,
      out_of_scope: outOfScope.length,
      duplicates,
      hit1: share(inScope, within(1)),
      hit3: share(inScope, within(3)),
      hit5: share(inScope, within(5)),
      mrr10:
        inScope.length === 0
          ? null
          : round(
              inScope.reduce((sum, o) => {
                const rank = shown(o.rank, o.abstained);
                return sum + (rank !== undefined && rank <= 10 ? 1 / rank : 0);
              }, 0) / inScope.length,
            ),
      hit1_record: share(inScope, recordWithin(1)),
      hit3_record: share(inScope, recordWithin(3)),
      hit1_ranked: share(inScope, (o) => o.rank === 1),
      oos_recall: share(outOfScope, (o) => o.abstained),
      false_abstain: share(inScope, (o) => o.abstained),
      p50_ms: round(percentile(latencies, 50)),
      p95_ms: round(percentile(latencies, 95)),
    },
  };
}

/** The figures of one slice of the questions (a style, curated or imported gold). */
export interface SliceReport {
  n: number;
  hit1: number | null;
  hit3: number | null;
  false_abstain: number | null;
  oos_recall: number | null;
}

/** Splits the outcomes by a key (none = left out) and measures each slice the way `evaluate` does. */
export function breakdown(
  outcomes: QuestionOutcome[],
  keyOf: (o: QuestionOutcome) => string | undefined,
): Record<string, SliceReport> {
  const slices = new Map<string, QuestionOutcome[]>();
  for (const o of outcomes) {
    const key = keyOf(o);
    if (key === undefined) continue;
    slices.set(key, [...(slices.get(key) ?? []), o]);
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const share = (list: QuestionOutcome[], test: (o: QuestionOutcome) => boolean) =>
    list.length === 0 ? null : round(list.filter(test).length / list.length);
  const answeredWithin = (k: number) => (o: QuestionOutcome) => !o.abstained && (o.rank ?? Infinity) <= k;
  const result: Record<string, SliceReport> = {};
  for (const [key, list] of [...slices].sort(([a], [b]) => a.localeCompare(b))) {
    const inScope = list.filter((o) => o.question.gold.length > 0);
    const outOfScope = list.filter((o) => o.question.gold.length === 0);
    result[key] = {
      n: list.length,
      hit1: share(inScope, answeredWithin(1)),
      hit3: share(inScope, answeredWithin(3)),
      false_abstain: share(inScope, (o) => o.abstained),
      oos_recall: share(outOfScope, (o) => o.abstained),
    };
  }
  return result;
}

/** A figure for people: n/a when the set cannot measure it. */
export function figure(value: number | null): string {
  return value === null ? 'n/a' : String(value);
}
