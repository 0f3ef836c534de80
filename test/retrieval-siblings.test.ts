// Sibling procedures whose names share most words and differ by a qualifier (which level, which kind of
// establishment): the words the question shares with only one of them decide, even against the other's curated
// prior and alias. Hand-made catalogue, real alias and abbreviation tables.
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const farmProduce = procedure({
  name: 'Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm nông, lâm, thủy sản',
  aliases: ['giấy chứng nhận an toàn thực phẩm'],
  summary: 'Cơ sở đủ điều kiện an toàn thực phẩm được cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm',
});
const commune = procedure({
  name: 'Cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm thuộc thẩm quyền của UBND cấp xã',
});
// Other commune procedures: the level words are common, the food-safety words rare.
const others = [
  'giám hộ',
  'nhận cha mẹ con',
  'khai tử',
  'thay đổi hộ tịch',
  'tạm trú',
  'lưu trú',
  'xác nhận cư trú',
  'hỗ trợ hộ nghèo',
  'trợ cấp người cao tuổi',
  'chứng thực bản sao',
].map((x) => procedure({ name: `Giải quyết ${x} thuộc thẩm quyền của UBND cấp xã` }));

const engine = new RetrievalEngine(catalogueOf([farmProduce], [commune, ...others]), loadLexicon('knowledge'));
const top = async (q: string) => (await engine.search(q)).hits[0]?.name;

describe('siblings told apart by the words only one of them has', () => {
  it('answers the sibling whose own qualifier the question names, over the curated one', async () => {
    expect(await top('giấy chứng nhận an toàn thực phẩm thuộc ubnd xã')).toBe(commune.name);
  });

  it('keeps the curated sibling when the question names its qualifier, or none', async () => {
    expect(await top('giấy chứng nhận an toàn thực phẩm cho cơ sở nông lâm thủy sản')).toBe(farmProduce.name);
    expect(await top('giấy chứng nhận an toàn thực phẩm')).toBe(farmProduce.name);
  });
});

describe('a name registering another action', () => {
  const register = procedure({
    name: 'Đăng ký hoạt động khuyến mại đối với chương trình khuyến mại mang tính may rủi thực hiện trên địa bàn 01 tỉnh',
  });
  const amend = procedure({
    name: 'Đăng ký sửa đổi, bổ sung nội dung chương trình khuyến mại đối với chương trình khuyến mại mang tính may rủi thực hiện trên địa bàn 01 tỉnh',
  });
  const promotions = new RetrievalEngine(catalogueOf([], [register, amend, ...others]), loadLexicon('knowledge'));
  const first = async (q: string) => (await promotions.search(q)).hits[0]?.name;

  it('answers the registration itself, not the amendment, to a plain "đăng ký"', async () => {
    expect(await first('đăng ký chương trình khuyến mại')).toBe(register.name);
    expect(await first('đăng ký sửa đổi chương trình khuyến mại may rủi')).toBe(amend.name);
  });
});
