// The concept bridge (knowledge/concepts.jsonl): a citizen who describes a situation in everyday words
// ("đào giếng", "bị chồng đánh", "nhận lương hưu thay mẹ") finds the procedure named in administrative words,
// and a maintainer who breaks the table is told which file and line.
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../src/knowledge/loader.ts';
import { loadConcepts, parseConcepts } from '../src/retrieval/concepts.ts';
import { compileLexicon, loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { analyze } from '../src/text/normalize.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const dirs = tempDirs('concepts-');
afterAll(() => dirs.removeAll());

const procedures = [
  procedure({ name: 'Đăng ký khai thác nước dưới đất', fields: ['Tài nguyên nước'] }),
  procedure({ name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', fields: ['Xây dựng'] }),
  procedure({ name: 'Đăng ký thường trú', fields: ['Cư trú'] }),
  procedure({ name: 'Thủ tục cấm tiếp xúc theo Quyết định của Chủ tịch Ủy ban nhân dân cấp xã', fields: ['Gia đình'] }),
  procedure({ name: 'Thủ tục đăng ký khai sinh', fields: ['Hộ tịch'] }),
  procedure({ name: 'Ủy quyền lĩnh thay các chế độ bảo hiểm xã hội', fields: ['Bảo hiểm xã hội'] }),
  procedure({ name: 'Giải quyết hưởng lương hưu', fields: ['Bảo hiểm xã hội'] }),
  procedure({ name: 'Xóa đăng ký tàu cá', fields: ['Thủy sản'] }),
  procedure({ name: 'Cấp giấy chứng nhận đăng ký tàu cá', fields: ['Thủy sản'] }),
  procedure({ name: 'Khai báo vũ khí thô sơ là hiện vật trưng bày, làm đồ gia bảo', fields: ['Vũ khí'] }),
  procedure({ name: 'Đăng ký mẫu con dấu', fields: ['Con dấu'] }),
];
const catalogue = catalogueOf(procedures);
const withConcepts = new RetrievalEngine(catalogue, loadLexicon('knowledge'));
/** The same knowledge without the concept table. */
function withoutTable(): RetrievalEngine {
  const dir = dirs.make();
  for (const file of readdirSync('knowledge')) {
    if (file !== 'concepts.jsonl' && file.endsWith('.json')) copyFileSync(join('knowledge', file), join(dir, file));
  }
  return new RetrievalEngine(catalogue, loadLexicon(dir));
}

const stories: [string, string][] = [
  [
    'Nhà tôi ở quê muốn đào một cái giếng để lấy nước tưới vườn, có phải đăng ký gì không?',
    'Đăng ký khai thác nước dưới đất',
  ],
  [
    'Chị tôi bị chồng đánh suốt, giờ chị muốn chính quyền bắt anh ta không được lại gần mình thì làm sao?',
    'Thủ tục cấm tiếp xúc theo Quyết định của Chủ tịch Ủy ban nhân dân cấp xã',
  ],
  [
    'Bố tôi ốm nằm viện, tôi muốn lĩnh thay lương hưu tháng này cho bố thì cần giấy gì?',
    'Ủy quyền lĩnh thay các chế độ bảo hiểm xã hội',
  ],
  [
    'Con thuyền đánh cá cũ của tôi đã bán làm sắt vụn, sổ vẫn đứng tên tôi, muốn gạch tên thì làm sao?',
    'Xóa đăng ký tàu cá',
  ],
  [
    'Ông tôi để lại một thanh kiếm treo trên bàn thờ, có phải báo với công an không?',
    'Khai báo vũ khí thô sơ là hiện vật trưng bày, làm đồ gia bảo',
  ],
];

describe('everyday words for administrative concepts', () => {
  it('a story told in everyday words finds its procedure first', async () => {
    for (const [question, name] of stories) {
      const result = await withConcepts.search(question);
      expect(result.hits[0]?.name, question).toBe(name);
    }
  });

  it('the table is what finds them: without it the same stories miss', async () => {
    const withoutConcepts = withoutTable();
    let missed = 0;
    for (const [question, name] of stories)
      if ((await withoutConcepts.search(question)).hits[0]?.name !== name) missed++;
    expect(missed).toBeGreaterThanOrEqual(3);
  });

  it('a concept phrase maps to its official words, with or without diacritics', () => {
    const lexicon = compileLexicon({ version: 1, synonyms: [], filler: [] }, [], undefined, loadConcepts('knowledge'));
    const find = (text: string) => {
      const { tokens, folded, unaccented } = analyze(text);
      return lexicon.concepts(tokens, folded, unaccented).flatMap((c) => c.add.map((a) => a.join(' ')));
    };
    expect(find('khoan giếng')).toContain('khai thác nước dưới đất');
    expect(find('khoan gieng')).toContain('khai thác nước dưới đất');
    expect(find('chở lợn sang tỉnh khác')).toEqual(
      expect.arrayContaining(['kiểm dịch động vật', 'ra khỏi địa bàn cấp tỉnh']),
    );
    expect(find('đăng ký kết hôn')).toEqual([]);
  });

  it('a malformed entry is reported with the file and its line', () => {
    const text = [
      '// comment',
      '{"when":["giếng"],"add":["khai thác nước dưới đất"]}',
      '',
      '{"when":[],"add":["cấp điện"]}',
      '{"when":["kéo điện" "add":["cấp điện"]}',
    ].join('\n');
    expect(() => parseConcepts(text, 'knowledge/concepts.jsonl')).toThrow(KnowledgeError);
    try {
      parseConcepts(text, 'knowledge/concepts.jsonl');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('knowledge/concepts.jsonl line 4 when');
      expect(message).toContain('knowledge/concepts.jsonl line 5');
      expect(message).not.toContain('line 2');
    }
    const dir = dirs.make();
    writeFileSync(join(dir, 'concepts.jsonl'), '{"when":["giếng"],"add":["nước"],"weight":2}\n');
    expect(() => loadLexicon(dir)).toThrow(/concepts\.jsonl line 1/);
  });

  it('entries in a second concepts-*.jsonl file are read too, and its mistakes name that file', () => {
    const dir = dirs.make();
    writeFileSync(join(dir, 'concepts.jsonl'), '{"when":["khoan giếng"],"add":["khai thác nước dưới đất"]}\n');
    writeFileSync(join(dir, 'concepts-mined.jsonl'), '{"when":["kéo điện"],"add":["cấp điện"]}\n');
    writeFileSync(join(dir, 'concepts.jsonl.bak'), 'not json\n');
    expect(loadConcepts(dir).map((entry) => entry.add[0])).toEqual(['cấp điện', 'khai thác nước dưới đất']);
    writeFileSync(join(dir, 'concepts-mined.jsonl'), '{"when":["kéo điện"]}\n');
    expect(() => loadConcepts(dir)).toThrow(/concepts-mined\.jsonl line 1/);
  });
});
