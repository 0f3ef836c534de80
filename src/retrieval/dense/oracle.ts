// A stand-in dense searcher for evaluating the fusion logic without a model: it knows each eval question's gold
// codes and gives those procedures a fixed cosine; every other procedure scores lower, by how many of the
// question's words its passage contains (a model that likes shared words). `npm run eval -- --oracle-cosine`.
import type { Procedure } from '../../knowledge/schema.ts';
import { foldToken, tokenize } from '../../text/normalize.ts';
import type { DenseSearcher } from '../search-engine.ts';
import { procedurePassage } from './passage.ts';

/** Cosine of a procedure sharing none of the question's words. */
const UNRELATED = 0.7;
/** Cosine gained by a procedure containing every word of the question. */
const OVERLAP_GAIN = 0.25;
/** The best non-gold procedure stays at least this far below the gold cosine. */
const GOLD_MARGIN = 0.05;

export class OracleDenseSearcher implements DenseSearcher {
  readonly modelId = 'oracle';
  private readonly words: Set<string>[];
  private readonly gold = new Map<string, Set<number>>();

  constructor(
    private readonly procedures: readonly Procedure[],
    questions: readonly { question: string; gold: readonly string[] }[],
    private readonly cosine: number,
  ) {
    this.words = procedures.map((p) => new Set(tokenize(procedurePassage(p)).map(foldToken)));
    const byCode = new Map<string, number[]>();
    procedures.forEach((p, i) => {
      const list = byCode.get(p.code) ?? [];
      list.push(i);
      byCode.set(p.code, list);
    });
    for (const q of questions) {
      const positions = new Set(q.gold.flatMap((code) => byCode.get(code) ?? []));
      this.gold.set(q.question.trim(), positions);
    }
  }

  async similar(query: string, k: number): Promise<{ id: string; similarity: number }[]> {
    const gold = this.gold.get(query.trim()) ?? new Set<number>();
    const words = [...new Set(tokenize(query).map(foldToken))];
    const ceiling = this.cosine - GOLD_MARGIN;
    const scored = this.procedures.map((p, i) => {
      if (gold.has(i)) return { id: p.id, similarity: this.cosine };
      const shared = words.length === 0 ? 0 : words.filter((w) => this.words[i]?.has(w)).length / words.length;
      return { id: p.id, similarity: Math.min(ceiling, UNRELATED + OVERLAP_GAIN * shared) };
    });
    scored.sort((a, b) => b.similarity - a.similarity);
    return scored.slice(0, k);
  }
}
