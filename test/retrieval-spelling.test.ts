// How citizens mistype: Telex/VNI keystrokes left in, a letter dropped or swapped, two words glued, tone marks
// missing on some words or wrong on one. The procedure is still found; a word typed right is never "corrected".
import { describe, expect, it } from 'vitest';
import { FIELD_SPECS, procedureTerms } from '../src/retrieval/documents.ts';
import { LexicalIndex } from '../src/retrieval/lexical-index.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { Spelling } from '../src/retrieval/spelling.ts';
import { decodeTelex, decodeVni, isSyllable } from '../src/text/typing.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const drivingLicence = procedure({ name: 'Cấp giấy phép lái xe', fields: ['Đường bộ'] });
const buildingPermit = procedure({ name: 'Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ', fields: ['Xây dựng'] });
const marriage = procedure({ name: 'Thủ tục đăng ký kết hôn', fields: ['Hộ tịch'] });
const birth = procedure({ name: 'Thủ tục đăng ký khai sinh', fields: ['Hộ tịch'] });
const temporary = procedure({ name: 'Đăng ký tạm trú', fields: ['Cư trú'] });
const permanent = procedure({ name: 'Đăng ký thường trú', fields: ['Cư trú'] });
const land = procedure({ name: 'Cấp Giấy chứng nhận quyền sử dụng đất lần đầu', fields: ['Đất đai'] });
const house = procedure({ name: 'Chứng thực hợp đồng mua bán nhà ở', fields: ['Chứng thực'] });
const seconds = procedure({ name: 'Kiểm định đồng hồ đo thời gian đến từng giây', fields: ['Đo lường'] });
const review = procedure({ name: 'Xét tặng danh hiệu nghệ nhân', fields: ['Thi đua'] });
// Licences enough that "giấy phép" is a common word pair of this catalogue, as it is of the real one.
const licences = [
  'khai thác khoáng sản',
  'môi trường',
  'kinh doanh karaoke',
  'hoạt động điện lực',
  'nhập khẩu thuốc',
].map((object) => procedure({ name: `Cấp giấy phép ${object}` }));
const renewals = licences.map((p) => procedure({ name: p.name.replace('Cấp', 'Gia hạn') }));
const dissolution = procedure({ name: 'Giải thể doanh nghiệp', fields: ['Doanh nghiệp'] });
const closures = ['Đóng cửa cảng cá', 'Thông báo đóng cửa văn phòng đại diện'].map((name) => procedure({ name }));
const auctions = ['Đấu giá quyền sử dụng đất', 'Đấu giá tài sản công', 'Đấu giá biển số xe'].map((name) =>
  procedure({ name }),
);
const all = [
  drivingLicence,
  buildingPermit,
  marriage,
  birth,
  temporary,
  permanent,
  land,
  house,
  seconds,
  review,
  ...licences,
  ...renewals,
  dissolution,
  ...closures,
  ...auctions,
];

const lexicon = compileLexicon({
  version: 1,
  synonyms: [{ when: ['đóng cửa công ty'], add: ['giải thể'] }],
  filler: ['thủ tục', 'xin', 'cho', 'ở đâu'],
});
const engine = new RetrievalEngine(catalogueOf(all), lexicon);

async function top(query: string): Promise<string | undefined> {
  const result = await engine.search(query);
  return result.abstain ? undefined : result.hits[0]?.id;
}

function spellingOf(procedures = all): Spelling {
  const index = new LexicalIndex(
    procedures.map((p) => procedureTerms(p, () => [])),
    FIELD_SPECS,
  );
  return new Spelling(index, lexicon.words);
}

describe('spelling', () => {
  it('reads Telex and VNI keystrokes a keyboard left in', async () => {
    expect(await top('giaays pheps lais xe')).toBe(drivingLicence.id);
    expect(await top('ddaWng kys keets hoon'.toLowerCase())).toBe(marriage.id);
    expect(await top('gia6y1 phe1p la1i xe')).toBe(drivingLicence.id);
    expect(await top('d9a8ng ky1 ke61t ho6n')).toBe(marriage.id);
    // One word left in Telex inside an accented question.
    expect(await top('cấp giaays chứng nhận quyền sử dụng đất')).toBe(land.id);
  });

  it('finds the procedure when a letter is dropped, added or two are swapped', async () => {
    expect(await top('đnăg ký kết hôn')).toBe(marriage.id);
    expect(await top('dang ky khai sihn')).toBe(birth.id);
    expect(await top('cấp giấy chứng nhậ quyền sử dụng đất')).toBe(land.id);
    expect(await top('dang ky kett hon')).toBe(marriage.id);
  });

  it('splits two words typed without a space', async () => {
    expect(await top('giayphep laixe')).toBe(drivingLicence.id);
    expect(await top('dangky kethon')).toBe(marriage.id);
  });

  it('is as sure of words typed without their accents inside an accented question as of accented ones', async () => {
    const typed = await engine.search('đăng ký tam tru');
    const accented = await engine.search('đăng ký tạm trú');
    expect(typed.hits[0]?.id).toBe(temporary.id);
    expect(typed.confidence).toBeGreaterThanOrEqual(accented.confidence - 0.01);
    expect(await top('đăng ký thuong tru ở đâu')).toBe(permanent.id);
  });

  it('reads a wrong tone mark by the common word pair another tone forms', async () => {
    const typed = await engine.search('giây phép lái xe');
    const accented = await engine.search('giấy phép lái xe');
    expect(typed.hits[0]?.id).toBe(drivingLicence.id);
    expect(typed.confidence).toBeGreaterThanOrEqual(accented.confidence - 0.01);
  });

  it('gives a word with a wrong tone the accents its neighbours point to, so the alias table finds it', async () => {
    expect(await top('đõng cửa công ty')).toBe(dissolution.id);
  });

  it('never lets a corrected word outweigh a word typed right', async () => {
    // "sihn" stands for "sinh" (birth), "kết hôn" is typed right: marriage comes first.
    const result = await engine.search('kết hôn khai sihn');
    expect(result.hits[0]?.id).toBe(marriage.id);
    // The birth registration is found through the correction, but scores less than with the word typed right.
    const score = async (q: string) => (await engine.search(q)).hits.find((h) => h.id === birth.id)?.score ?? 0;
    const corrected = await score('khai sihn kết hôn');
    expect(corrected).toBeGreaterThan(await score('khai sihn'.replace('sihn', 'x')));
    expect(corrected).toBeLessThan(await score('khai sinh kết hôn'));
  });

  it('leaves a word typed right alone, even a rare one next to a common look-alike', () => {
    const spelling = spellingOf();
    // "giây" is a word of the catalogue and "giây phép" no pair of it, but here it stands in its own pair.
    expect(spelling.respell('đồng hồ đo đến từng giây').text).toBe('đồng hồ đo đến từng giây');
    // A syllable the catalogue does not hold ("net") is not turned into one it does ("xét").
    expect(spelling.respell('mo tiem net').text).toBe('mo tiem net');
    // Acronyms, codes and chat shorthand without a vowel are left as typed.
    expect(spelling.respell('GPLX hạng B2 mã 1.001193').text).toBe('GPLX hạng B2 mã 1.001193');
    expect(spelling.respell('nộp hồ sơ ntn').text).toBe('nộp hồ sơ ntn');
    // A word the tables use as typed keeps its accents, however common another spelling's pairs are.
    expect(spelling.respell('mua nhà ở đâu giá rẻ').text).toBe('mua nhà ở đâu giá rẻ');
  });
});

describe('keystrokes and syllables', () => {
  it('decodes Telex and VNI, tone key last or VNI digit after its letter', () => {
    expect(decodeTelex('giaays')).toBe('giấy');
    expect(decodeTelex('ddaats')).toBe('đất');
    expect(decodeTelex('truowngf')).toBe('trường');
    expect(decodeTelex('luaatj')).toBe('luật');
    expect(decodeTelex('giay')).toBeUndefined();
    expect(decodeVni('gia6y1')).toBe('giấy');
    expect(decodeVni('giay61')).toBe('giấy');
    expect(decodeVni('d9a6t1')).toBe('đất');
    expect(decodeVni('tru7o7ng2')).toBe('trường');
    expect(decodeVni('b2')).toBeUndefined();
  });

  it('tells a syllable from a slip or two glued words', () => {
    for (const word of ['giấy', 'nghiêng', 'quyền', 'thuốc', 'gì', 'khai']) expect(isSyllable(word)).toBe(true);
    for (const word of ['dnag', 'sihn', 'dangky', 'nhậ', 'thuôc', 'hỏc']) expect(isSyllable(word)).toBe(false);
  });
});
