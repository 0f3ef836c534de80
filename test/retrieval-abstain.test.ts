// What a citizen notices about refusals: a short question that only the vocabulary tables explain (a concept's
// everyday words, an abbreviation) gets its procedure, as an answer or a menu, instead of "not found"; an
// out-of-scope question sharing those words is still refused.
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const engine = new RetrievalEngine(
  catalogueOf([
    procedure({ name: 'Chuyển trường và tiếp nhận học sinh trung học cơ sở', fields: ['Giáo dục'] }),
    procedure({ name: 'Công nhận trường mầm non đạt chuẩn quốc gia', fields: ['Giáo dục'] }),
    procedure({ name: 'Tuyển sinh trung học phổ thông', fields: ['Giáo dục'] }),
    procedure({ name: 'Cấp giấy phép đi bờ cho thuyền viên nước ngoài', fields: ['Hàng hải'] }),
    procedure({ name: 'Cấp giấy phép lái xe', fields: ['Đường bộ'] }),
    procedure({ name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', fields: ['Xây dựng'] }),
    procedure({ name: 'Thủ tục đăng ký khai sinh', fields: ['Hộ tịch'] }),
    procedure({ name: 'Đăng ký kết hôn', fields: ['Hộ tịch'] }),
    procedure({ name: 'Đăng ký biến động quyền sử dụng đất do tặng cho, thừa kế', fields: ['Đất đai'] }),
    procedure({ name: 'Cấp đổi Giấy chứng nhận quyền sử dụng đất', fields: ['Đất đai'] }),
  ]),
  loadLexicon('knowledge'),
);

/** What the citizen is shown first, or undefined for "not found". */
async function shown(question: string): Promise<string | undefined> {
  const result = await engine.search(question);
  return result.abstain ? undefined : result.hits[0]?.name;
}

describe('a question the vocabulary tables explain', () => {
  it('is not refused when only a concept explains its words', async () => {
    // "đổi trường" is the concept table's everyday wording of "chuyển trường".
    expect(await shown('đổi trường thì làm thủ tục gì')).toBe('Chuyển trường và tiếp nhận học sinh trung học cơ sở');
  });

  it('is about as sure of an abbreviated question as of the one typed out', async () => {
    const typedOut = await engine.search('cấp giấy phép đi bờ');
    const abbreviated = await engine.search('cấp gp đi bờ');
    expect(abbreviated.hits[0]?.name).toBe('Cấp giấy phép đi bờ cho thuyền viên nước ngoài');
    expect(abbreviated.abstain).toBe(false);
    // "cấp gp" is read as "cấp giấy": the pair counts as it would typed out.
    expect(abbreviated.confidence).toBeGreaterThan(typedOut.confidence / 2);
  });

  it('still refuses an out-of-scope question that shares the words', async () => {
    expect(await shown('con mới đổi trường nên tập thể dục gì cho khỏe')).toBeUndefined();
    expect(await shown('cấp gp đi bờ thì đi du lịch biển nào đẹp')).toBeUndefined();
  });
});

describe('a story', () => {
  const context = 'Bố mẹ tôi còn sống, sổ đỏ đứng tên bố. ';

  it('is refused when its request asks nothing the procedures found by its context do', async () => {
    const advice = `${context}Anh trai tôi đòi bố tặng cho anh ấy mảnh đất mặt đường. Tôi nên nói chuyện với anh thế nào để giữ hòa khí?`;
    expect(await shown(advice)).toBeUndefined();
  });

  it('is answered when its request asks for a procedure, even in few words', async () => {
    const request = `${context}Bố muốn tặng cho anh trai tôi mảnh đất mặt đường. Phải làm thủ tục gì?`;
    expect(await shown(request)).toBe('Đăng ký biến động quyền sử dụng đất do tặng cho, thừa kế');
  });
});
