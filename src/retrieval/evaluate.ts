// Measures retrieval quality on a question file: hit@k over ranked results (a result is a name family, the
// way the conversation presents it), MRR@10, abstain recall on out-of-scope questions, false abstains, latency.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Retriever, SearchResult } from './types.ts';

export const EvalQuestion = z.object({
  id: z.string().optional(),
  question: z.string(),
  gold: z.array(z.string().trim()),
});
export type EvalQuestion = z.infer<typeof EvalQuestion>;

export interface EvalReport {
  n: number;
  in_scope: number;
  out_of_scope: number;
  hit1: number;
  hit3: number;
  hit5: number;
  mrr10: number;
  oos_recall: number;
  false_abstain: number;
  p50_ms: number;
  p95_ms: number;
}

export interface QuestionOutcome {
  question: EvalQuestion;
  /** 1-based rank of the first result holding a gold code, or undefined. */
  rank: number | undefined;
  abstained: boolean;
  top: string[];
}

/** Reads a JSONL question file; malformed lines are reported with their line number. */
export function readQuestions(path: string): EvalQuestion[] {
  const questions: EvalQuestion[] = [];
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
      const result = EvalQuestion.safeParse(parsed);
      if (!result.success) throw new Error(`${path} dòng ${index + 1}: ${result.error.issues[0]?.message}`);
      questions.push(result.data);
    });
  return questions;
}

/** Codes per ranked result (family), given a code lookup by procedure id. */
function rankedCodes(result: SearchResult, codeOf: (id: string) => string | undefined): string[][] {
  return result.groups.map((g) => g.ids.map((id) => codeOf(id) ?? ''));
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function evaluate(
  retriever: Retriever,
  questions: EvalQuestion[],
  codeOf: (id: string) => string | undefined,
): Promise<{ report: EvalReport; outcomes: QuestionOutcome[] }> {
  const outcomes: QuestionOutcome[] = [];
  const latencies: number[] = [];
  for (const question of questions) {
    const started = performance.now();
    const result = await retriever.search(question.question, { limit: 10 });
    latencies.push(performance.now() - started);
    const ranked = rankedCodes(result, codeOf);
    const gold = new Set(question.gold);
    const index = ranked.findIndex((codes) => codes.some((c) => gold.has(c)));
    outcomes.push({
      question,
      rank: index >= 0 ? index + 1 : undefined,
      abstained: result.abstain,
      top: result.hits.slice(0, 3).map((h) => `${h.code} ${h.name}`),
    });
  }
  const inScope = outcomes.filter((o) => o.question.gold.length > 0);
  const outOfScope = outcomes.filter((o) => o.question.gold.length === 0);
  const share = (list: QuestionOutcome[], test: (o: QuestionOutcome) => boolean) =>
    list.length === 0 ? 0 : list.filter(test).length / list.length;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    outcomes,
    report: {
      n: outcomes.length,
      in_scope: inScope.length,
      out_of_scope: outOfScope.length,
      hit1: round(share(inScope, (o) => o.rank === 1)),
      hit3: round(share(inScope, (o) => o.rank !== undefined && o.rank <= 3)),
      hit5: round(share(inScope, (o) => o.rank !== undefined && o.rank <= 5)),
      mrr10: round(
        inScope.length === 0
          ? 0
          : inScope.reduce((sum, o) => sum + (o.rank !== undefined && o.rank <= 10 ? 1 / o.rank : 0), 0) /
              inScope.length,
      ),
      oos_recall: round(share(outOfScope, (o) => o.abstained)),
      false_abstain: round(share(inScope, (o) => o.abstained)),
      p50_ms: round(percentile(latencies, 50)),
      p95_ms: round(percentile(latencies, 95)),
    },
  };
}
