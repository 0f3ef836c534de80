// Dense evidence is fused after the lexical re-ranking: a paraphrase only the model understands (no word shared
// with the procedure) can come first and be answered, a vague similarity does not answer an out-of-scope
// question, a failing model leaves the lexical answer, and without a model nothing changes.
import { describe, expect, it } from 'vitest';
import { OracleDenseSearcher } from '../src/retrieval/dense/oracle.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { type DenseSearcher, RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const birth = procedure({ name: 'Đăng ký khai sinh', code: '1.001193', levels: ['xa'], fields: ['Hộ tịch'] });
const marriage = procedure({ name: 'Đăng ký kết hôn', code: '1.000894', levels: ['xa'], fields: ['Hộ tịch'] });
const licence = procedure({ name: 'Cấp đổi giấy phép lái xe', code: '1.002804', fields: ['Đường bộ'] });
const pension = procedure({ name: 'Giải quyết hưởng lương hưu', code: '1.001907', fields: ['Bảo hiểm xã hội'] });
const catalogue = catalogueOf([birth, marriage, licence, pension]);
const lexicon = compileLexicon({ version: 1, synonyms: [], filler: ['cần', 'gì', 'thì', 'phải', 'làm'] });

/** A model that finds `best` at `cosine` and everything else at a middling similarity. */
function model(best: string | undefined, cosine: number): DenseSearcher {
  return {
    modelId: 'stand-in',
    async similar() {
      return catalogue.procedures.map((p) => ({ id: p.id, similarity: p.id === best ? cosine : 0.78 }));
    },
  };
}

describe('dense fusion', () => {
  it('puts a paraphrase that shares no word with the procedure first, and answers it', async () => {
    // No word of the question is in any name: the lexical path finds nothing.
    const question = 'em bé nhà mình mới chào đời';
    const lexical = new RetrievalEngine(catalogue, lexicon);
    expect((await lexical.search(question)).abstain).toBe(true);

    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: model(birth.id, 0.95) });
    const result = await hybrid.search(question);
    expect(result.hits[0]?.id).toBe(birth.id);
    expect(result.abstain).toBe(false);
    expect(result.path).toBe('hybrid');
  });

  it('lets the model win over a word-level match that is the wrong procedure', async () => {
    // "giấy phép" is in the licence's name; the question is about a newborn's papers.
    const question = 'bé mới chào đời cần giấy phép gì';
    const lexical = new RetrievalEngine(catalogue, lexicon);
    expect((await lexical.search(question)).hits[0]?.id).toBe(licence.id);
    const oracle = new OracleDenseSearcher(catalogue.procedures, [{ question, gold: [birth.code] }], 0.95);
    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: oracle });
    const result = await hybrid.search(question);
    expect(result.hits[0]?.id).toBe(birth.id);
    expect(result.abstain).toBe(false);
  });

  it('does not answer an out-of-scope question on a middling similarity', async () => {
    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: model(pension.id, 0.82) });
    expect((await hybrid.search('công thức nấu phở bò')).abstain).toBe(true);
  });

  it('keeps the lexical answer when the model fails', async () => {
    const broken: DenseSearcher = {
      modelId: 'broken',
      similar: () => Promise.reject(new Error('onnx session closed')),
    };
    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: broken });
    const result = await hybrid.search('đăng ký kết hôn');
    expect(result.hits[0]?.id).toBe(marriage.id);
    expect(result.abstain).toBe(false);
  });

  it('leaves the lexical path as it is when no model is loaded', async () => {
    const lexical = new RetrievalEngine(catalogue, lexicon);
    const result = await lexical.search('đăng ký kết hôn');
    expect(result.path).toBe('lexical');
    expect(result.features?.dense).toBeUndefined();
    // A model agreeing with the words changes neither the order nor the decision.
    const hybrid = new RetrievalEngine(catalogue, lexicon, { dense: model(marriage.id, 0.9) });
    const fused = await hybrid.search('đăng ký kết hôn');
    const lexicalOrder = result.hits.map((h) => h.id);
    expect(fused.hits.map((h) => h.id).filter((id) => lexicalOrder.includes(id))).toEqual(lexicalOrder);
    expect(fused.hits[0]?.id).toBe(marriage.id);
    expect(fused.abstain).toBe(false);
    expect(fused.features?.dense).toBe(0.9);
  });
});
