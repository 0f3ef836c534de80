// The field-by-field everyday-words lexicon (knowledge/concepts-fields.jsonl): a citizen who names a situation in
// the words people use ("sổ đỏ bị in sai", "trả nợ tiền đất", "mở phòng gym", "mang tro cốt về") finds the
// procedure the catalogue names in administrative words, and a bare everyday phrase does not pull in a procedure.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConcepts } from '../src/retrieval/concepts.ts';
import { compileLexicon, loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { analyze } from '../src/text/normalize.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';
import { tempDirs } from './helpers/temp-dirs.ts';

const FIELDS_FILE = 'concepts-fields.jsonl';
const dirs = tempDirs('concepts-fields-');
afterAll(() => dirs.removeAll());

const procedures = [
  procedure({ name: 'Đính chính Giấy chứng nhận đã cấp', fields: ['Đất đai'] }),
  procedure({ name: 'Cấp đổi giấy chứng nhận đã cấp', fields: ['Đất đai'] }),
  procedure({ name: 'Cấp lại Giấy chứng nhận đã cấp do bị mất', fields: ['Đất đai'] }),
  procedure({ name: 'Xóa ghi nợ tiền sử dụng đất, lệ phí trước bạ trên Giấy chứng nhận đã cấp', fields: ['Đất đai'] }),
  procedure({ name: 'Khai lệ phí trước bạ nhà, đất', fields: ['Thuế'] }),
  procedure({ name: 'Hưởng trợ cấp thất nghiệp', fields: ['Việc làm'] }),
  procedure({ name: 'Thông báo hằng tháng về việc tìm kiếm việc làm', fields: ['Việc làm'] }),
  procedure({ name: 'Hỗ trợ tư vấn, giới thiệu việc làm', fields: ['Việc làm'] }),
  procedure({ name: 'Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao', fields: ['Thể dục thể thao'] }),
  procedure({ name: 'Cấp giấy phép khai thác khoáng sản', fields: ['Địa chất và khoáng sản'] }),
  procedure({ name: 'Kiểm dịch y tế đối với thi thể, hài cốt, tro cốt', fields: ['Y tế dự phòng'] }),
  // siblings that share the everyday question's generic words, as the real catalogue has them
  procedure({ name: 'Khai tiền thuê đất', fields: ['Thuế'] }),
  procedure({ name: 'Khai báo tạm vắng', fields: ['Cư trú'] }),
  procedure({
    name: 'Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ',
    fields: ['Hoạt động xây dựng'],
  }),
  procedure({
    name: 'Di chuyển hài cốt liệt sĩ đang an táng ngoài nghĩa trang liệt sĩ về an táng tại nghĩa trang liệt sĩ',
    fields: ['Người có công'],
  }),
  procedure({ name: 'Đăng ký khai tử', fields: ['Hộ tịch'] }),
  procedure({ name: 'Đăng ký khai sinh', fields: ['Hộ tịch'] }),
];
const catalogue = catalogueOf(procedures);
const withFields = new RetrievalEngine(catalogue, loadLexicon('knowledge'));

/** The same knowledge without the field-by-field lexicon (every other file kept). */
function withoutFields(): RetrievalEngine {
  const dir = dirs.make();
  for (const file of readdirSync('knowledge', { withFileTypes: true })) {
    if (file.isFile() && file.name !== FIELDS_FILE) copyFileSync(join('knowledge', file.name), join(dir, file.name));
  }
  return new RetrievalEngine(catalogue, loadLexicon(dir));
}

const everyday: [string, string][] = [
  ['Sổ đỏ nhà tôi bị in sai tên bố, giờ muốn sửa thì làm thủ tục gì?', 'Đính chính Giấy chứng nhận đã cấp'],
  [
    'Hồi cấp sổ nhà tôi còn nợ tiền đất, nay muốn trả nốt cho xong thì làm sao?',
    'Xóa ghi nợ tiền sử dụng đất, lệ phí trước bạ trên Giấy chứng nhận đã cấp',
  ],
  [
    'Tháng này tôi chưa khai báo tìm việc với trung tâm, có bị cắt tiền không?',
    'Thông báo hằng tháng về việc tìm kiếm việc làm',
  ],
  [
    'Tôi định mở phòng gym nhỏ ở tầng trệt thì cần giấy gì?',
    'Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao',
  ],
  ['xã cho đấu thầu mỏ cát, tôi muốn hút cát bán cho công trình thì xin phép ai', 'Cấp giấy phép khai thác khoáng sản'],
  [
    'Bố tôi mất bên Đài Loan, gia đình muốn đưa thi hài về nước an táng thì làm gì?',
    'Kiểm dịch y tế đối với thi thể, hài cốt, tro cốt',
  ],
];

describe('field-by-field everyday words (concepts-fields.jsonl)', () => {
  it('a question in everyday words finds the procedure named in administrative words', async () => {
    for (const [question, name] of everyday) {
      const result = await withFields.search(question);
      expect(result.hits[0]?.name, question).toBe(name);
    }
  });

  it('the field lexicon is what finds them: without the file most of the same questions miss', async () => {
    const engine = withoutFields();
    let missed = 0;
    for (const [question, name] of everyday) if ((await engine.search(question)).hits[0]?.name !== name) missed++;
    expect(missed).toBeGreaterThanOrEqual(4);
  });

  it('bare everyday phrases that also open off-topic questions call up no official words', () => {
    const lexicon = compileLexicon({ version: 1, synonyms: [], filler: [] }, [], undefined, loadConcepts('knowledge'));
    const added = (text: string) => {
      const { tokens, folded, unaccented } = analyze(text);
      return lexicon.concepts(tokens, folded, unaccented).flatMap((c) => c.add.map((a) => a.join(' ')));
    };
    /** The official words as the lexicon holds them (canonical tokens). */
    const official = (text: string) => analyze(text).tokens.join(' ');
    // a CV, a flat's rent, a skin cream: everyday talk, not a procedure
    expect(added('cách viết cv xin việc')).not.toContain(official('tư vấn, giới thiệu việc làm'));
    expect(added('cho thuê căn hộ chung cư giá bao nhiêu')).toEqual([]);
    expect(added('kem trộn loại nào tốt')).toEqual([]);
    expect(added('quán bar nào vui ở sài gòn')).toEqual([]);
    expect(added('triển lãm tranh ở đâu tuần này')).toEqual([]);
    // the same lexicon still reads the situation when it is one
    expect(added('thuế cho thuê căn hộ')).toContain(official('cho thuê bất động sản'));
    expect(added('tra no tien dat')).toContain(official('xóa ghi nợ tiền sử dụng đất'));
    expect(added('mở quán bar cần giấy gì')).toContain(official('dịch vụ vũ trường'));
    expect(added('tổ chức triển lãm tranh của hội họa sĩ')).toContain(official('triển lãm mỹ thuật'));
  });
});
