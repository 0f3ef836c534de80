// The fast paths of the search must decide exactly as the plain versions they replace: the phrase run between a
// question and a name (word ids, stamped buffers), the rewordings it skips, the word-set test between names and the
// selection of the best-scoring candidates (a heap behind a count per range of values).
import { describe, expect, it } from 'vitest';
import { type DocumentTerms, LexicalIndex, sortByScore, topIndices } from '../src/retrieval/lexical-index.ts';
import type { PreparedQuery } from '../src/retrieval/query.ts';
import { PackedSequences, QueryMatch, RunSequence, WordIds } from '../src/retrieval/query-match.ts';

/** The plain reference the fast run matcher must agree with: longest run of consecutive words of `name` that also appears consecutively in `query`. */
function longestCommonRun(query: string[], name: string[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let previous = new Uint16Array(name.length + 1);
  let current = new Uint16Array(name.length + 1);
  for (let i = 1; i <= query.length; i++) {
    const word = query[i - 1];
    for (let j = 1; j <= name.length; j++) {
      if (word === name[j - 1]) {
        const length = (previous[j - 1] as number) + 1;
        current[j] = length;
        if (length > best.length) best = { start: j - length, length };
      } else current[j] = 0;
    }
    [previous, current] = [current, previous];
  }
  return best;
}

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('phrase runs on word ids', () => {
  it('finds the same run as the word-by-word comparison, ties included, reusing one sequence for many names', () => {
    const next = random(7);
    const vocabulary = ['cấp', 'lại', 'giấy', 'phép', 'lái', 'xe', 'đăng', 'ký', 'khai', 'sinh'];
    const words = new WordIds();
    words.intern(vocabulary);
    const pick = (n: number) => Array.from({ length: n }, () => vocabulary[Math.floor(next() * 6)] as string);
    for (let round = 0; round < 200; round++) {
      // Question words include some no name holds (they must match nothing).
      const question = [...pick(1 + Math.floor(next() * 12)), 'chưa', ...pick(Math.floor(next() * 5))];
      const sequence = new RunSequence(words.lookup(question));
      // Names packed one after another, as the engine keeps them, and one on its own.
      const names = Array.from({ length: 5 }, () => pick(Math.floor(next() * 10)));
      const packed = new PackedSequences(names, words, () => 1);
      names.forEach((name, p) => {
        const expected = longestCommonRun(question, name);
        expect(sequence.longestRun(packed.ids, packed.start(p), packed.end(p))).toEqual(expected);
        expect(sequence.longestRun(words.intern(name))).toEqual(expected);
      });
    }
  });

  it('reports where the shared run starts in the name', () => {
    const words = new WordIds();
    const name = words.intern(['cấp', 'lại', 'giấy', 'phép', 'lái', 'xe']);
    const question = new RunSequence(words.lookup(['làm', 'lại', 'giấy', 'phép', 'lái', 'xe', 'bị', 'mất']));
    expect(question.longestRun(name)).toEqual({ start: 1, length: 5 });
    expect(new RunSequence(words.lookup(['không', 'liên', 'quan'])).longestRun(name)).toEqual({ start: 0, length: 0 });
  });
});

describe('rewordings tried against a name', () => {
  it('skips only rewordings that cannot share a longer run with the name than the question itself', () => {
    const next = random(23);
    const vocabulary = ['cấp', 'lại', 'giấy', 'phép', 'lái', 'xe', 'du', 'học', 'sinh', 'lưu'];
    const words = new WordIds();
    words.intern(vocabulary);
    const index = new LexicalIndex([], {});
    const pick = (n: number) =>
      Array.from({ length: n }, () => vocabulary[Math.floor(next() * vocabulary.length)] as string);
    let skipped = 0;
    for (let round = 0; round < 300; round++) {
      const folded = [...pick(1 + Math.floor(next() * 8)), 'chưa', ...pick(Math.floor(next() * 4))];
      // Each rewording puts a phrase (possibly of unknown or shared words, possibly empty) in place of a span.
      const variants = Array.from({ length: 1 + Math.floor(next() * 5) }, () => {
        const start = Math.floor(next() * folded.length);
        const end = Math.min(folded.length, start + Math.floor(next() * 3));
        const phrase = next() < 0.2 ? ['không'] : pick(Math.floor(next() * 3));
        return [...folded.slice(0, start), ...phrase, ...folded.slice(end)];
      });
      const prepared = { units: [], contentBigrams: [], folded, variants } as unknown as PreparedQuery;
      const match = new QueryMatch(prepared, index, words);
      const names = Array.from({ length: 6 }, () => pick(1 + Math.floor(next() * 8)));
      const packed = new PackedSequences(names, words, () => 1);
      names.forEach((_, p) => {
        const [from, to] = [packed.start(p), packed.end(p)];
        const [question, ...rest] = match.sequences as [RunSequence, ...RunSequence[]];
        const own = question.longestRun(packed.ids, from, to).length;
        const tried = match.rewordingsFor(packed.ids, from, to);
        rest.forEach((variant, v) => {
          if ((tried & (1 << v)) !== 0) return;
          skipped++;
          expect(variant.longestRun(packed.ids, from, to).length).toBeLessThanOrEqual(own);
        });
      });
    }
    expect(skipped).toBeGreaterThan(100);
  });
});

describe('names holding every word of another', () => {
  it('answers as comparing the word lists does', () => {
    const next = random(29);
    const vocabulary = ['cấp', 'lại', 'giấy', 'phép', 'hôn', 'nhân', 'nước', 'ngoài'];
    const words = new WordIds();
    for (let round = 0; round < 100; round++) {
      const names = Array.from({ length: 6 }, () =>
        Array.from(
          { length: Math.floor(next() * 7) },
          () => vocabulary[Math.floor(next() * vocabulary.length)] as string,
        ),
      );
      const packed = new PackedSequences(names, words, () => 1);
      names.forEach((outer, a) => {
        names.forEach((inner, b) => {
          expect(packed.holdsAllOf(a, b)).toBe(inner.every((w) => outer.includes(w)));
        });
      });
    }
  });
});

describe('best candidates', () => {
  it('keeps the k highest positive scores, best first, equal scores in catalogue order', () => {
    const next = random(11);
    for (let round = 0; round < 50; round++) {
      // Few distinct values, so ties are common; zeros are never candidates.
      const scores = Float32Array.from({ length: 300 }, () => Math.floor(next() * 8) / 2);
      const k = 1 + Math.floor(next() * 60);
      const expected = [...scores.keys()]
        .filter((i) => (scores[i] as number) > 0)
        .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
        .slice(0, k);
      expect(topIndices(scores, k)).toEqual(expected);
    }
  });

  it('keeps the same best k when scores spread over many magnitudes and crowd into a few ranges', () => {
    const next = random(31);
    for (let round = 0; round < 30; round++) {
      // Most records match a little (common words), a few a lot; many scores fall in the same range of values.
      const scores = Float32Array.from({ length: 6000 }, () => {
        const u = next();
        if (u < 0.05) return 0;
        if (u < 0.9) return 0.5 + next() * 0.01;
        return 2 ** (next() * 12 - 4);
      });
      const k = [1, 50, 200, 5999][round % 4] as number;
      const expected = [...scores.keys()]
        .filter((i) => (scores[i] as number) > 0)
        .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
        .slice(0, k);
      expect(topIndices(scores, k)).toEqual(expected);
    }
  });

  it('orders the same way for a catalogue too large to pack positions (beyond 65,536 records)', () => {
    const next = random(13);
    const scores = Float32Array.from({ length: 70_000 }, () => (next() < 0.5 ? 0 : Math.floor(next() * 100) / 4));
    scores[69_999] = 1000;
    scores[3] = 1000;
    const best = topIndices(scores, 200);
    expect(best.slice(0, 2)).toEqual([3, 69_999]);
    for (let j = 1; j < best.length; j++) {
      const [a, b] = [best[j - 1] as number, best[j] as number];
      expect((scores[a] as number) > (scores[b] as number) || (scores[a] === scores[b] && a < b)).toBe(true);
    }
    expect(scores[best[199] as number]).toBe(Math.max(...[...scores].filter((_, i) => !best.includes(i))));
  });
});

describe('ranking candidates by score', () => {
  it('orders as a stable sort by score does, equal scores keeping their order, zero scores included', () => {
    const next = random(19);
    for (let round = 0; round < 50; round++) {
      const scores = Float32Array.from({ length: 400 }, () => Math.floor(next() * 6) / 3);
      // Every other round has no zero score, so the packed path is taken; the others fall back to comparing.
      if (round % 2 === 0) for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0.5;
      const positions = Array.from({ length: 150 }, () => Math.floor(next() * 400));
      const expected = [...positions].sort((a, b) => (scores[b] as number) - (scores[a] as number));
      sortByScore(positions, scores);
      expect(positions).toEqual(expected);
    }
  });
});

describe('which documents hold a word', () => {
  it('answers the same for common words (kept as bitsets too) as for rare ones, in covering fields or anywhere', () => {
    const next = random(17);
    // 300 records: "thủ" in most of them, "tục" in some only through index-only text, "peru" in two.
    const truth = {
      thủ: new Set<number>(),
      tục: new Set<number>(),
      tụcCovered: new Set<number>(),
      peru: new Set([5, 250]),
    };
    const documents: DocumentTerms[] = Array.from({ length: 300 }, (_, d) => {
      const name: string[] = ['cấp'];
      const page: string[] = [];
      if (next() < 0.8) {
        name.push('thủ');
        truth.thủ.add(d);
      }
      if (next() < 0.3) {
        name.push('tục');
        truth.tụcCovered.add(d);
        truth.tục.add(d);
      } else if (next() < 0.5) {
        page.push('tục');
        truth.tục.add(d);
      }
      if (truth.peru.has(d)) name.push('peru');
      return { fields: { name: { terms: name, length: name.length }, page: { terms: page, length: page.length } } };
    });
    const index = new LexicalIndex(documents, {
      name: { weight: 1, b: 0.5 },
      page: { weight: 0.2, b: 0.5, covers: false },
    });
    for (let d = 0; d < 300; d++) {
      expect(index.contains('thủ', d)).toBe(truth.thủ.has(d));
      expect(index.contains('tục', d)).toBe(truth.tụcCovered.has(d));
      expect(index.contains('tục', d, true)).toBe(truth.tục.has(d));
      expect(index.contains('peru', d)).toBe(truth.peru.has(d));
      expect(index.contains('không', d)).toBe(false);
    }
  });
});
