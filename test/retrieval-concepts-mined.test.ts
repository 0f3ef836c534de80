// Everyday words mined from real citizen questions (knowledge/concepts-mined.jsonl, scripts/concepts-mine.ts): a
// citizen who names an old permit, a health-insurance visit or a licensed trade in their own words finds the procedure
// as the catalogue names it today, and the same question without those entries does not. Hand-made catalogue.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConcepts } from '../src/retrieval/concepts.ts';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('concepts-mined-');
afterAll(() => dirs.removeAll());

const procedures = [
  procedure({ name: 'Cấp giấy phép môi trường (cấp Tỉnh)', fields: ['Môi trường'] }),
  procedure({ name: 'Thẩm định báo cáo đánh giá tác động môi trường', fields: ['Môi trường'] }),
  procedure({ name: 'Tuyển sinh trung học cơ sở', fields: ['Giáo dục trung học'] }),
  procedure({ name: 'Thủ tục khám bệnh, chữa bệnh bảo hiểm y tế', fields: ['Bảo hiểm y tế'] }),
  procedure({ name: 'Thủ tục cấp thẻ bảo hiểm y tế', fields: ['Bảo hiểm y tế'] }),
  procedure({ name: 'Cấp mới Giấy chứng nhận đủ điều kiện về an ninh, trật tự', fields: ['Quản lý ngành nghề'] }),
  procedure({ name: 'Cấp giấy phép hoạt động của Sàn giao dịch bất động sản', fields: ['Kinh doanh bất động sản'] }),
  procedure({ name: 'Tiếp nhận vào công chức không giữ chức vụ lãnh đạo, quản lý', fields: ['Công chức'] }),
];
const catalogue = catalogueOf(procedures);
const name = (id: string | undefined) => procedures.find((p) => p.id === id)?.name;

/** The project's knowledge without the mined entries. */
function withoutMined(): RetrievalEngine {
  const dir = dirs.make();
  for (const file of readdirSync('knowledge'))
    if (file !== 'concepts-mined.jsonl' && /\.jsonl?$/.test(file))
      copyFileSync(join('knowledge', file), join(dir, file));
  return new RetrievalEngine(catalogue, loadLexicon(dir));
}

const questions: [string, string][] = [
  ['nhà máy của tôi xả khí thải ra môi trường thì phải xin giấy phép gì', 'Cấp giấy phép môi trường (cấp Tỉnh)'],
  ['đi khám vượt tuyến thì được hưởng bao nhiêu', 'Thủ tục khám bệnh, chữa bệnh bảo hiểm y tế'],
  ['tôi muốn làm dịch vụ cầm đồ cần giấy gì', 'Cấp mới Giấy chứng nhận đủ điều kiện về an ninh, trật tự'],
  ['mở sàn buôn bán nhà đất thì xin phép ở đâu', 'Cấp giấy phép hoạt động của Sàn giao dịch bất động sản'],
];

describe('mined everyday words', () => {
  const engine = new RetrievalEngine(catalogue, loadLexicon('knowledge'));
  const plain = withoutMined();

  it.each(questions)('"%s" finds %s, which it does not find without the mined entries', async (question, expected) => {
    const found = await engine.search(question);
    expect(name(found.hits[0]?.id)).toBe(expected);
    expect(found.abstain).toBe(false);
    const without = await plain.search(question);
    expect(name(without.hits[0]?.id) !== expected || without.abstain).toBe(true);
  });

  it('reads the mined file beside the hand-written table, every entry well formed', () => {
    const all = loadConcepts('knowledge');
    const mined = loadConcepts(withoutMinedDir());
    expect(all.length).toBeGreaterThan(mined.length);
    expect(all.some((e) => e.when.includes('giấy phép xả thải'))).toBe(true);
    expect(mined.some((e) => e.when.includes('giấy phép xả thải'))).toBe(false);
  });
});

function withoutMinedDir(): string {
  const dir = dirs.make();
  for (const file of readdirSync('knowledge'))
    if (file !== 'concepts-mined.jsonl' && file.endsWith('.jsonl'))
      copyFileSync(join('knowledge', file), join(dir, file));
  return dir;
}
