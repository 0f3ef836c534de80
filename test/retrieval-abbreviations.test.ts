// Abbreviations both ways, acronyms glued to words, and upper-case acronyms that spell a filler word.
import { describe, expect, it } from 'vitest';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { acronymMask, tokenize } from '../src/text/normalize.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const voluntary = procedure({ name: 'Đăng ký đóng BHXH tự nguyện', fields: ['Bảo hiểm xã hội'] });
const health = procedure({ name: 'Cấp thẻ bảo hiểm y tế', fields: ['Bảo hiểm y tế'] });
const invoice = procedure({ name: 'Đăng ký sử dụng hóa đơn điện tử', fields: ['Thuế'] });
const invoiceFix = procedure({ name: 'Xử lý hóa đơn giấy đã lập sai', fields: ['Thuế'] });
const formAi = procedure({
  name: 'Cấp Giấy chứng nhận xuất xứ hàng hoá (C/O) ưu đãi mẫu AI',
  fields: ['Xuất nhập khẩu'],
});
const formAk = procedure({
  name: 'Cấp Giấy chứng nhận xuất xứ hàng hoá (C/O) ưu đãi mẫu AK',
  fields: ['Xuất nhập khẩu'],
});
const seafarer = procedure({
  name: 'Cấp đổi sang GCNKNCM cho thuyền viên',
  fields: ['Hàng hải'],
});

const envPermit = procedure({ name: 'Cấp giấy phép môi trường (cấp Tỉnh)', fields: ['Môi trường'] });
const envAssessment = procedure({ name: 'Thẩm định báo cáo đánh giá tác động môi trường', fields: ['Môi trường'] });
const landFirst = procedure({ name: 'Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', fields: ['Đất đai'] });
const landMerge = procedure({ name: 'Đăng ký hợp thửa đất', fields: ['Đất đai'] });
const singleMember = procedure({ name: 'Đăng ký thành lập công ty TNHH MTV', fields: ['Thành lập doanh nghiệp'] });
const twoMembers = procedure({
  name: 'Đăng ký thành lập công ty TNHH hai thành viên trở lên',
  fields: ['Thành lập doanh nghiệp'],
});
const police = procedure({ name: 'Cấp giấy xác nhận của công an xã', fields: ['Cư trú'] });
const concert = procedure({ name: 'Cấp phép biểu diễn ca nhạc tại xã', fields: ['Nghệ thuật biểu diễn'] });

const lexicon = compileLexicon({ version: 1, synonyms: [], filler: ['ai', 'cho', 'tôi', 'muốn', 'xin'] }, [
  { short: 'bhxh', long: ['bảo hiểm xã hội'], source: 'hand' },
  { short: 'bhyt', long: ['bảo hiểm y tế'], source: 'hand' },
  { short: 'hđđt', long: ['hóa đơn điện tử'], source: 'hand' },
  { short: 'gcnkncm', long: ['giấy chứng nhận khả năng chuyên môn'], source: 'hand' },
  { short: 'gpmt', long: ['giấy phép môi trường'], source: 'hand' },
  { short: 'gcn', long: ['giấy chứng nhận'], source: 'hand' },
  { short: 'qsdđ', long: ['quyền sử dụng đất'], source: 'hand' },
  { short: 'tnhh', long: ['trách nhiệm hữu hạn'], source: 'hand' },
  { short: 'mtv', long: ['một thành viên'], source: 'catalogue' },
  { short: 'ca', long: ['công an'], source: 'hand' },
]);
const engine = new RetrievalEngine(
  catalogueOf([
    voluntary,
    health,
    invoice,
    invoiceFix,
    formAi,
    formAk,
    seafarer,
    envPermit,
    envAssessment,
    landFirst,
    landMerge,
    singleMember,
    twoMembers,
    police,
    concert,
  ]),
  lexicon,
);
const top = async (q: string) => (await engine.search(q)).hits[0]?.id;

describe('abbreviations', () => {
  it('finds a name spelled with an acronym from the words it stands for, and the reverse', async () => {
    expect(await top('bảo hiểm xã hội tự nguyện')).toBe(voluntary.id);
    expect(await top('bao hiem xa hoi tu nguyen')).toBe(voluntary.id);
    expect(await top('cấp thẻ bhyt')).toBe(health.id);
    expect(await top('đăng ký hđđt')).toBe(invoice.id);
    expect(await top('dang ky hddt')).toBe(invoice.id);
  });

  it('finds the spelled-out name from a lower-case acronym, with or without diacritics', async () => {
    expect(await top('xin gpmt')).toBe(envPermit.id);
    expect(await top('xin GPMT cấp tỉnh')).toBe(envPermit.id);
    expect(await top('cap gcn qsdd lan dau')).toBe(landFirst.id);
  });

  it('reads acronyms typed glued together as the acronyms they are made of', async () => {
    expect(await top('cấp gcnqsdđ')).toBe(landFirst.id);
    expect(await top('cap gcnqsdd')).toBe(landFirst.id);
    // …or glued to the word before them, typed in lower case.
    expect(await top('cấp thẻbhyt')).toBe(health.id);
    expect(await top('xingpmt')).toBe(envPermit.id);
  });

  it('finds a name written with acronyms from the words they stand for', async () => {
    expect(await top('thành lập công ty trách nhiệm hữu hạn một thành viên')).toBe(singleMember.id);
    expect(await top('thanh lap cong ty trach nhiem huu han hai thanh vien')).toBe(twoMembers.id);
  });

  it('lets an acronym that is also a syllable stand for its phrase only when typed in upper case', async () => {
    expect(await top('xác nhận của CA xã')).toBe(police.id);
    // "ca" in ordinary text is the word (ca nhạc), not công an, and a record about công an is not indexed as "ca".
    expect(await top('ca xã')).toBe(concert.id);
    expect(await top('ca tại xã')).toBe(concert.id);
  });

  it('keeps an upper-case acronym that spells a filler word', async () => {
    expect(await top('C/O mẫu AI')).toBe(formAi.id);
  });

  it('splits an acronym glued to the word before it', async () => {
    expect(tokenize('đổi sangGCNKNCM')).toEqual(['đổi', 'sang', 'gcnkncm']);
    expect(await top('giấy chứng nhận khả năng chuyên môn thuyền viên')).toBe(seafarer.id);
  });

  it('marks only upper-case words of two letters or more as acronyms', () => {
    expect(acronymMask('C/O mẫu AI cho tôi')).toEqual([false, false, false, true, false, false]);
    expect(acronymMask('Đăng ký BHXH')).toEqual([false, false, true]);
  });
});

describe('aliases and abbreviations together', () => {
  const labourExport = procedure({
    name: 'Cấp Giấy phép hoạt động dịch vụ đưa người lao động đi làm việc ở nước ngoài theo hợp đồng',
    fields: ['Quản lý lao động ngoài nước'],
  });
  const goodsExport = procedure({ name: 'Cấp giấy phép xuất khẩu hàng hóa', fields: ['Xuất nhập khẩu'] });
  const withAlias = compileLexicon(
    {
      version: 1,
      synonyms: [{ when: ['xuất khẩu lao động'], add: ['người lao động đi làm việc ở nước ngoài'] }],
      filler: ['xin'],
    },
    [{ short: 'xklđ', long: ['xuất khẩu lao động'], source: 'hand' }],
  );
  const labour = new RetrievalEngine(catalogueOf([labourExport, goodsExport]), withAlias);

  it('lets an alias written with the spelled-out phrase fire on its acronym, with or without diacritics', async () => {
    for (const q of ['giấy phép xuất khẩu lao động', 'giấy phép xklđ', 'giay phep xkld'])
      expect((await labour.search(q)).hits[0]?.id).toBe(labourExport.id);
  });
});
