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

const lexicon = compileLexicon({ version: 1, synonyms: [], filler: ['ai', 'cho', 'tôi', 'muốn'] }, [
  { short: 'bhxh', long: ['bảo hiểm xã hội'], source: 'hand' },
  { short: 'bhyt', long: ['bảo hiểm y tế'], source: 'hand' },
  { short: 'hđđt', long: ['hóa đơn điện tử'], source: 'hand' },
  { short: 'gcnkncm', long: ['giấy chứng nhận khả năng chuyên môn'], source: 'hand' },
]);
const engine = new RetrievalEngine(
  catalogueOf([voluntary, health, invoice, invoiceFix, formAi, formAk, seafarer]),
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
