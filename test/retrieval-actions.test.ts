// Sibling procedures told apart by their action (cấp / cấp lại / xóa / giải thể…), the rare word that decides,
// out-of-scope questions that share a procedure's words, and the menu offered for a plausible but unsure match.
import { describe, expect, it } from 'vitest';
import { compileOutOfScope } from '../src/knowledge/out-of-scope.ts';
import { actionFactor, nameActions, questionActions } from '../src/retrieval/actions.ts';
import { compileLexicon, loadLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { analyze } from '../src/text/normalize.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const boatIssue = procedure({ name: 'Cấp giấy chứng nhận đăng ký tàu cá', fields: ['Thủy sản'] });
const boatReissue = procedure({ name: 'Cấp lại giấy chứng nhận đăng ký tàu cá', fields: ['Thủy sản'] });
const boatRemove = procedure({ name: 'Xóa đăng ký tàu cá', fields: ['Thủy sản'] });
const companyFound = procedure({ name: 'Đăng ký thành lập công ty TNHH một thành viên', fields: ['Doanh nghiệp'] });
const companyEnd = procedure({
  name: 'Giải thể doanh nghiệp, giải thể trong trường hợp bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp',
  fields: ['Doanh nghiệp'],
});
const permitExtend = procedure({ name: 'Gia hạn giấy phép xây dựng', fields: ['Xây dựng'] });
const permitIssue = procedure({ name: 'Cấp giấy phép xây dựng', fields: ['Xây dựng'] });
const builders = procedure({ name: 'Cấp lại chứng chỉ hành nghề hoạt động xây dựng', fields: ['Xây dựng'] });
const pharmacists = procedure({ name: 'Cấp lại chứng chỉ hành nghề dược (trường hợp bị mất)', fields: ['Dược'] });
const lifeSurplus = procedure({
  name: 'Phê chuẩn phương pháp phân chia thặng dư trong bảo hiểm nhân thọ',
  fields: ['Bảo hiểm'],
});
// Other company procedures, so that "công ty TNHH … thành viên" is as common as it is in the real catalogue.
const companyPeers = [
  'Đăng ký thành lập công ty TNHH hai thành viên trở lên',
  'Đăng ký thay đổi thành viên công ty TNHH hai thành viên trở lên',
  'Chuyển đổi công ty TNHH một thành viên thành công ty cổ phần',
  'Đăng ký thay đổi chủ sở hữu công ty TNHH một thành viên',
].map((name) => procedure({ name, fields: ['Doanh nghiệp'] }));
const shopPause = procedure({
  name: 'Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh',
  fields: ['Thành lập và hoạt động của hộ kinh doanh'],
});
const shopEnd = procedure({
  name: 'Chấm dứt hoạt động hộ kinh doanh',
  fields: ['Thành lập và hoạt động của hộ kinh doanh'],
});
const mortgage = procedure({
  name: 'Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất',
  summary: 'Người vay ngân hàng cần thế chấp sổ đỏ thì đăng ký ở văn phòng đăng ký đất đai; hồ sơ gồm phiếu yêu cầu.',
  fields: ['Đăng ký biện pháp bảo đảm'],
});
const rateSupport = procedure({ name: 'Hỗ trợ lãi suất vay vốn sản xuất nông nghiệp', fields: ['Nông nghiệp'] });
const blasting = procedure({
  name: 'Cấp giấy phép nổ mìn và các hoạt động gây nổ khác trong phạm vi bảo vệ công trình thủy lợi',
  fields: ['Thủy lợi'],
});

const lexicon = compileLexicon(
  {
    version: 1,
    synonyms: [{ when: ['công ty'], add: ['doanh nghiệp'] }],
    filler: ['tôi', 'muốn', 'thì', 'làm', 'sao', 'loại', 'nào'],
  },
  [{ short: 'cchn', long: ['chứng chỉ hành nghề'], source: 'hand' }],
  compileOutOfScope({ always: ['nào tốt', 'lãi suất tiết kiệm', 'lãi suất vay'], topics: [], administrative: [] }),
);
const engine = new RetrievalEngine(catalogueOf([]), lexicon);
const all = [
  boatIssue,
  boatReissue,
  boatRemove,
  companyFound,
  companyEnd,
  permitExtend,
  permitIssue,
  builders,
  pharmacists,
  lifeSurplus,
  rateSupport,
  blasting,
  shopPause,
  shopEnd,
  ...companyPeers,
];
const finder = new RetrievalEngine(catalogueOf([], all), lexicon);
const top = async (q: string) => (await finder.search(q)).hits[0]?.id;

describe('actions', () => {
  it('reads the actions a name opens with', () => {
    expect([...nameActions('Cấp, cấp lại Giấy chứng nhận')]).toEqual(['issue', 'reissue']);
    expect([...nameActions('Thủ tục xóa đăng ký tàu cá')]).toEqual(['remove']);
    expect([...nameActions('Hỗ trợ chi phí mai táng')]).toEqual([]);
    expect([...nameActions('Hiệu đính Giấy chứng nhận đăng ký đầu tư')]).toEqual(['modify']);
    expect([...nameActions('Trình báo mất hộ chiếu phổ thông')]).toEqual(['report']);
    // "Đăng ký" introducing another action registers that action; with a comma it is one of two.
    expect([...nameActions('Đăng ký sửa đổi, bổ sung nội dung chương trình khuyến mại')]).toEqual(['modify']);
    expect([...nameActions('Đăng ký, điều chỉnh đóng BHXH')]).toEqual(['issue', 'modify']);
  });

  it('reads everyday words for actions in a question, with or without diacritics', () => {
    const asked = (q: string) => {
      const a = analyze(q);
      return [...questionActions(a.tokens, a.folded, a.unaccented)];
    };
    expect(asked('bằng lái bị mất thì làm sao')).toContain('reissue');
    expect(asked('giấy phép sắp hết hạn')).toContain('extend');
    expect(asked('dong cua cong ty')).toContain('end');
    // A lost paper may be reported or issued again; "cấp lại" says which.
    expect(asked('bị mất hộ chiếu')).toEqual(['reissue', 'report']);
    expect(asked('bị mất hộ chiếu, đề nghị cấp lại')).toEqual(['reissue']);
    // Closing for a while and reopening is a pause, not the end of the business.
    expect(asked('quán tính đóng cửa nghỉ vài tháng rồi mở lại')).toContain('pause');
    expect(asked('quán tính đóng cửa nghỉ vài tháng rồi mở lại')).not.toContain('end');
    expect(asked('đóng cửa hộ kinh doanh')).toEqual(['end']);
  });

  it('prefers the sibling whose action the question asks for', async () => {
    expect(await top('đăng ký tàu cá mới đóng')).toBe(boatIssue.id);
    expect(await top('làm lại giấy đăng ký tàu cá bị mất')).toBe(boatReissue.id);
    expect(await top('tàu cá bán rồi muốn xóa đăng ký')).toBe(boatRemove.id);
    expect(await top('giải thể công ty TNHH một thành viên')).toBe(companyEnd.id);
    expect(await top('dong cua cong ty tnhh mot thanh vien')).toBe(companyEnd.id);
    expect(await top('giấy phép xây dựng hết hạn muốn xin thêm thời gian')).toBe(permitExtend.id);
    expect(await top('xin giấy phép xây dựng nhà')).toBe(permitIssue.id);
    expect(await top('hộ kinh doanh đóng cửa vài tháng rồi mở lại thì báo thế nào')).toBe(shopPause.id);
    expect(await top('hộ kinh doanh đóng cửa luôn thì báo thế nào')).toBe(shopEnd.id);
  });

  it('in a long story asking for a new copy, keeps the ordinary procedure and lowers other actions', () => {
    const reissue = new Set(['reissue'] as const);
    const long = true;
    // "… bị mất hộ chiếu … đề nghị cấp lại hộ chiếu …": Cấp hộ chiếu serves it, Trình báo mất does not.
    expect(actionFactor(reissue, new Set(['issue']), false, long)).toBe(1);
    expect(actionFactor(reissue, new Set(['report']), false, long)).toBeLessThan(1);
    expect(actionFactor(reissue, new Set(['reissue']), false, long)).toBeGreaterThan(1);
  });

  it('lets the rare word decide between names that share the common ones', async () => {
    expect(await top('cấp lại cchn dược')).toBe(pharmacists.id);
  });
});

describe('out of scope and unsure questions', () => {
  it('abstains on shopping and bank questions that share words with a procedure', async () => {
    expect((await finder.search('mua bảo hiểm nhân thọ loại nào tốt')).abstain).toBe(true);
    expect((await finder.search('lãi suất tiết kiệm ngân hàng')).abstain).toBe(true);
  });

  it('answers a short keyword or abbreviation question about a catalogue-only procedure, not "not found"', async () => {
    for (const [question, expected] of [
      ['cấp lại cchn dược', pharmacists],
      ['gia hạn giấy phép xây dựng', permitExtend],
      ['xóa đăng ký tàu cá', boatRemove],
    ] as const) {
      const result = await finder.search(question);
      expect(result.abstain).toBe(false);
      expect(result.hits[0]?.id).toBe(expected.id);
    }
  });

  it('answers a question the best record explains word for word, even beside a bank-loan phrase', async () => {
    // The shipped lists: "vay ngân hàng" is refused whatever stands beside it, unless the question names a procedure.
    const shipped = new RetrievalEngine(
      catalogueOf([], [mortgage, rateSupport, permitIssue]),
      loadLexicon('knowledge'),
    );
    const named = await shipped.search(
      'vay ngân hàng cần đăng ký thế chấp sổ đỏ ở văn phòng đăng ký đất đai thì hồ sơ gồm những gì',
    );
    expect(named.abstain).toBe(false);
    expect(named.hits[0]?.id).toBe(mortgage.id);
    expect((await shipped.search('vay ngân hàng thế chấp sổ đỏ lãi suất bao nhiêu')).abstain).toBe(true);
    expect((await shipped.search('thủ tục vay ngân hàng mua nhà')).abstain).toBe(true);
  });

  it('still answers a procedure whose own name holds the phrase', async () => {
    const result = await finder.search('hỗ trợ lãi suất vay vốn sản xuất nông nghiệp');
    expect(result.abstain).toBe(false);
    expect(result.hits[0]?.id).toBe(rateSupport.id);
  });

  it('offers a menu instead of "not found" when the best match is plausible but unsure', async () => {
    const result = await finder.search('nổ mìn gần đập thủy lợi');
    expect(result.hits[0]?.id).toBe(blasting.id);
    expect(result.confidence).toBeLessThan(0.4);
    expect(result).toMatchObject({ abstain: false, ambiguous: true, offerMenu: true });
  });

  it('answers nothing from an empty catalogue', async () => {
    expect((await engine.search('giải thể công ty')).abstain).toBe(true);
  });
});
