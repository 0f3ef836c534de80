// The retrieval engine on a small hand-made catalogue: how citizens type (accents, old tone marks, NFD,
// abbreviations), name families, codes, abstaining on out-of-scope questions, and bad input.
import { describe, expect, it } from 'vitest';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const birth = procedure({ name: 'Thủ tục đăng ký khai sinh', code: '1.001193', levels: ['xa'], fields: ['Hộ tịch'] });
const birthForeign = procedure({
  name: 'Thủ tục đăng ký khai sinh có yếu tố nước ngoài',
  levels: ['xa'],
  fields: ['Hộ tịch'],
});
const marriage = procedure({ name: 'Thủ tục đăng ký kết hôn', levels: ['xa'], fields: ['Hộ tịch'] });
const idCommune = procedure({ name: 'Cấp lại thẻ căn cước', levels: ['xa'], fields: ['Căn cước'] });
const idProvince = procedure({
  name: 'Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)',
  levels: ['tinh'],
  fields: ['Căn cước'],
});
const idRenew = procedure({ name: 'Cấp đổi thẻ căn cước', levels: ['xa'], fields: ['Căn cước'] });
const residence = procedure({ name: 'Đăng ký thường trú', levels: ['xa'], fields: ['Đăng ký, quản lý cư trú'] });
const landLostA = procedure({
  name: 'Cấp lại Giấy chứng nhận do bị mất',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh A',
});
const landLostB = procedure({
  name: 'Cấp lại Giấy chứng nhận do bị mất',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh B',
});
const chip = procedure({ name: 'Hỗ trợ doanh nghiệp thiết kế chip bán dẫn', fields: ['Công nghiệp'] });

const lexicon = compileLexicon({
  version: 1,
  synonyms: [
    { when: ['cccd', 'cmnd', 'căn cước công dân'], add: ['thẻ căn cước'] },
    { when: ['làm lại', 'bị mất'], add: ['cấp lại'] },
    { when: ['hộ khẩu', 'nhập khẩu'], add: ['đăng ký thường trú'] },
  ],
  filler: ['cho tôi hỏi', 'làm', 'ở đâu', 'thủ tục', 'cho', 'như thế nào', 'thế nào'],
});

const engine = new RetrievalEngine(
  catalogueOf([birth, birthForeign, marriage, idCommune, idProvince, idRenew, residence, landLostA, landLostB, chip]),
  lexicon,
);

async function top(query: string): Promise<string | undefined> {
  return (await engine.search(query)).hits[0]?.id;
}

describe('retrieval engine', () => {
  it('finds the procedure whatever way the question is typed', async () => {
    for (const q of [
      'đăng ký khai sinh',
      'dang ky khai sinh',
      'ĐĂNG KÝ KHAI SINH',
      'đăng ký khai sinh'.normalize('NFD'),
      'thủ tục đăng kí khai sinh như thế nào',
    ]) {
      expect(await top(q), q).toBe(birth.id);
    }
  });

  it('understands abbreviations and colloquial words through the alias table', async () => {
    expect(await top('mất cccd làm lại ở đâu')).toBe(idCommune.id);
    expect(await top('nhập hộ khẩu cho vợ')).toBe(residence.id);
  });

  it('groups the same procedure at other levels and prefers the commune level', async () => {
    const result = await engine.search('cấp lại thẻ căn cước');
    expect(result.hits[0]?.id).toBe(idCommune.id);
    expect(result.groups[0]?.ids).toEqual([idCommune.id, idProvince.id]);
    expect(result.hits.map((h) => h.id)).not.toContain(idProvince.id);
  });

  it("groups provinces' copies of one procedure", async () => {
    const result = await engine.search('cấp lại giấy chứng nhận do bị mất');
    expect(result.groups[0]?.ids.sort()).toEqual([landLostA.id, landLostB.id].sort());
  });

  it('shows the online-only and in-person twins of one procedure as one result, even when worded differently', async () => {
    const online = procedure({
      name: 'Thu hồi chứng nhận đăng ký xe, biển số xe thực hiện bằng dịch vụ công toàn trình',
    });
    const inPerson = procedure({
      name: 'Thu hồi giấy chứng nhận đăng ký, biển số xe thực hiện bằng dịch vụ công trực tuyến một phần hoặc trực tiếp thực hiện tại cấp tỉnh, cấp xã',
    });
    const renewal = procedure({ name: 'Đổi chứng nhận đăng ký xe, biển số xe bằng dịch vụ công toàn trình' });
    const twins = new RetrievalEngine(catalogueOf([online, inPerson, renewal, birth]), lexicon);
    const result = await twins.search('bán xe rồi thì thu hồi đăng ký biển số xe');
    expect(result.groups[0]?.ids.sort()).toEqual([online.id, inPerson.id].sort());
    expect(result.groups.flatMap((g) => g.ids)).toContain(renewal.id);
    expect(result.groups.find((g) => g.ids.includes(renewal.id))?.ids).toEqual([renewal.id]);
  });

  it('answers a typed procedure code with that procedure and full confidence', async () => {
    const result = await engine.search('thủ tục 1.001193 cần gì');
    expect(result.hits[0]?.id).toBe(birth.id);
    expect(result.confidence).toBe(1);
    expect(result.abstain).toBe(false);
  });

  it('does not let the "Thủ tục" that only some portal names carry push the plain procedure down', async () => {
    const plainDeath = procedure({ name: 'Thủ tục đăng ký khai tử' });
    const again = procedure({ name: 'Đăng ký lại khai tử' });
    const mobile = procedure({ name: 'Thủ tục đăng ký khai tử lưu động' });
    const deaths = new RetrievalEngine(catalogueOf([plainDeath, again, mobile]), lexicon);
    expect((await deaths.search('khai tử')).hits[0]?.id).toBe(plainDeath.id);
  });

  it('does not call a plain question ambiguous because a longer variant exists', async () => {
    const result = await engine.search('làm giấy khai sinh');
    expect(result.hits[0]?.id).toBe(birth.id);
    expect(result.ambiguous).toBe(false);
  });

  it('does not abstain when a short topic fits several procedures completely', async () => {
    const tied = new RetrievalEngine(
      catalogueOf([
        procedure({ name: 'Đăng ký nuôi chim yến' }),
        procedure({ name: 'Đăng ký lại nuôi chim yến' }),
        procedure({ name: 'Thủ tục đăng ký kết hôn' }),
      ]),
      lexicon,
    );
    const result = await tied.search('chim yến');
    expect(result.abstain).toBe(false);
    // The plainer name fits the question better than "… lại …", so it comes first without a question back.
    expect(result.hits[0]?.name).toBe('Đăng ký nuôi chim yến');
    expect(result.hits[1]?.name).toBe('Đăng ký lại nuôi chim yến');
  });

  it('abstains on questions that are not about procedures', async () => {
    for (const q of ['thời tiết mai thế nào', 'công thức nấu phở', 'giá vàng hôm nay']) {
      const result = await engine.search(q);
      expect(result.abstain, q).toBe(true);
    }
    expect((await engine.search('đăng ký kết hôn')).abstain).toBe(false);
  });

  it('never crashes on bad input and says there is no match', async () => {
    const inputs = [
      '',
      '   ',
      '😀😀😀',
      '\u0000\u0007\u001b[31m',
      'x'.repeat(10_000),
      'Đăng ký 結婚 регистрация',
      '<script>alert(1)</script>',
    ];
    for (const q of inputs) {
      const result = await engine.search(q);
      expect(result.abstain, JSON.stringify(q.slice(0, 20))).toBe(true);
    }
    const long = await engine.search(`đăng ký kết hôn ${'rất '.repeat(3000)}`);
    expect(long.hits[0]?.id).toBe(marriage.id);
  });

  it('keeps results stable in shape: scores descend and confidence is within 0..1', async () => {
    const result = await engine.search('cấp thẻ căn cước');
    const scores = result.hits.map((h) => h.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.path).toBe('lexical');
  });
});
