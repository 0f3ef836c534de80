// The eval counts what a citizen sees: an abstained answer is a miss, a family hit and an exact-record hit are
// reported side by side, a figure the set cannot measure is null, and a repeated id counts once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { breakdown, evaluate, figure, readQuestionFile } from '../src/retrieval/evaluate.ts';
import type { Retriever, SearchResult } from '../src/retrieval/types.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('eval-');
afterEach(() => dirs.removeAll());

/** Answers each question with a fixed result: families of [id, code] records, abstained or not. */
function scripted(answers: Record<string, { families: [string, string][][]; abstain?: boolean }>): {
  retriever: Retriever;
  codeOf: (id: string) => string | undefined;
  calls: string[];
} {
  const codes = new Map<string, string>();
  const calls: string[] = [];
  const retriever: Retriever = {
    async search(query) {
      calls.push(query);
      const answer = answers[query] ?? { families: [], abstain: true };
      const result: SearchResult = {
        hits: answer.families.map((members, i) => ({
          id: members[0]?.[0] as string,
          code: members[0]?.[1] as string,
          name: query,
          score: 10 - i,
          family: `f${i}`,
        })),
        groups: answer.families.map((members, i) => ({ family: `f${i}`, name: query, ids: members.map(([id]) => id) })),
        confidence: answer.abstain ? 0.1 : 0.9,
        abstain: answer.abstain ?? false,
        ambiguous: false,
        path: 'lexical',
      };
      for (const members of answer.families) for (const [id, code] of members) codes.set(id, code);
      return result;
    },
  };
  return { retriever, codeOf: (id) => codes.get(id), calls };
}

describe('evaluate', () => {
  it('breaks the figures down by how the question is written, abstained answers still missing', async () => {
    const { retriever, codeOf } = scripted({
      'gplx hết hạn': { families: [[['a', '1.1']]] },
      'gia han bang lai': { families: [[['a', '1.1']]], abstain: true },
      'giá vàng hôm nay': { families: [[['c', '3.3']]], abstain: true },
    });
    const file = join(dirs.make(), 'styled.jsonl');
    writeFileSync(
      file,
      [
        { id: 's1', style: 'abbrev', question: 'gplx hết hạn', gold: ['1.1'] },
        { id: 's2', style: 'nodiacritics', question: 'gia han bang lai', gold: ['1.1'] },
        { id: 's3', style: 'oos', question: 'giá vàng hôm nay', gold: [] },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const { outcomes } = await evaluate(retriever, readQuestionFile(file).questions, codeOf);
    const slices = breakdown(outcomes, (o) => o.question.style);
    expect(Object.keys(slices)).toEqual(['abbrev', 'nodiacritics', 'oos']);
    expect(slices.abbrev).toMatchObject({ n: 1, hit1: 1, false_abstain: 0, oos_recall: null });
    expect(slices.nodiacritics).toMatchObject({ n: 1, hit1: 0, false_abstain: 1 });
    expect(slices.oos).toMatchObject({ n: 1, hit1: null, oos_recall: 1 });
  });

  it('counts an abstained rank-1 answer as a miss, and reports what ranking alone gave', async () => {
    const { retriever, codeOf } = scripted({
      right: { families: [[['a', '1.1']]] },
      shy: { families: [[['b', '2.2']]], abstain: true },
    });
    const { report } = await evaluate(
      retriever,
      [
        { id: 'q1', question: 'right', gold: ['1.1'] },
        { id: 'q2', question: 'shy', gold: ['2.2'] },
      ],
      codeOf,
    );
    expect(report.hit1).toBe(0.5);
    expect(report.hit3).toBe(0.5);
    expect(report.mrr10).toBe(0.5);
    expect(report.hit1_ranked).toBe(1);
    expect(report.false_abstain).toBe(0.5);
  });

  it('counts a hit per family and, beside it, per exact record', async () => {
    // The gold record is a twin hidden in the first family; the representative shown first is another record.
    const { retriever, codeOf } = scripted({
      twin: {
        families: [
          [
            ['shown', '3.3'],
            ['twin', '3.4'],
          ],
          [['other', '3.4b']],
        ],
      },
    });
    const { report } = await evaluate(retriever, [{ id: 't', question: 'twin', gold: ['3.4'] }], codeOf);
    expect(report.hit1).toBe(1);
    expect(report.hit1_record).toBe(0);
    expect(report.hit3_record).toBe(0);
  });

  it('reports n/a (null) for out-of-scope recall on a set without out-of-scope questions, and the reverse', async () => {
    const { retriever, codeOf } = scripted({ x: { families: [[['a', '1.1']]] } });
    const inOnly = (await evaluate(retriever, [{ question: 'x', gold: ['1.1'] }], codeOf)).report;
    expect(inOnly.oos_recall).toBeNull();
    expect(figure(inOnly.oos_recall)).toBe('n/a');
    expect(JSON.parse(JSON.stringify(inOnly)).oos_recall).toBeNull();
    const outOnly = (await evaluate(retriever, [{ question: 'y', gold: [] }], codeOf)).report;
    expect(outOnly.oos_recall).toBe(1);
    expect(outOnly.hit1).toBeNull();
    expect(outOnly.false_abstain).toBeNull();
  });

  it('counts a question repeated under the same id once', async () => {
    const dir = dirs.make();
    const file = join(dir, 'q.jsonl');
    const line = JSON.stringify({ id: 'faq-1', question: 'right', gold: ['1.1'] });
    const miss = JSON.stringify({ id: 'faq-2', question: 'wrong', gold: ['9.9'] });
    writeFileSync(file, [line, line, line, miss, ''].join('\n'));
    const { questions, duplicates } = readQuestionFile(file);
    expect(questions).toHaveLength(2);
    expect(duplicates).toBe(2);
    const { retriever, codeOf, calls } = scripted({ right: { families: [[['a', '1.1']]] } });
    const { report } = await evaluate(retriever, questions, codeOf, { duplicates });
    expect(report.n).toBe(2);
    expect(report.hit1).toBe(0.5);
    expect(report.duplicates).toBe(2);
    expect(calls).toEqual(['right', 'wrong']);
    // Repeats handed straight to evaluate are dropped too.
    const again = await evaluate(retriever, [...questions, ...questions], codeOf);
    expect(again.report.n).toBe(2);
    expect(again.report.duplicates).toBe(2);
  });

  it('reads the raw FAQ export format', () => {
    const dir = dirs.make();
    const file = join(dir, 'faq.jsonl');
    writeFileSync(file, `${JSON.stringify({ faq_id: 7, question: 'hỏi gì đó', gold_ma_thu_tuc: ['1.000001 '] })}\n`);
    expect(readQuestionFile(file).questions).toEqual([{ id: 'faq-7', question: 'hỏi gì đó', gold: ['1.000001'] }]);
  });
});
