// Which province's record a citizen sees: with a province said (now or earlier in the conversation), that
// province's own record or the national one, never another province's; with none, national before provincial
// copies; when only another province's copy matches, the assistant says so and asks where the citizen is.
import { describe, expect, it } from 'vitest';
import { loadProvinces } from '../src/knowledge/provinces.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { recordingChat } from './helpers/conversation.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const permitDaNang = procedure({
  name: 'Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ',
  type: 'provincial',
  promulgatingAgency: 'UBND Thành phố Đà Nẵng',
  levels: ['xa'],
});
const permitNational = procedure({ name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', levels: ['xa'] });
const landDakLak = procedure({
  name: 'Xác nhận tiếp tục sử dụng đất nông nghiệp khi hết thời hạn',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh Đắk Lắk',
});
const landNgheAn = procedure({
  name: 'Xác nhận tiếp tục sử dụng đất nông nghiệp khi hết thời hạn',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh Nghệ An',
});
const fishDongThap = procedure({
  name: 'Cấp giấy phép nuôi cá tra thương phẩm',
  type: 'provincial',
  promulgatingAgency: 'UBND tỉnh Đồng Tháp',
});

/** Unrelated records, so that word weights are those of a real catalogue rather than of five names. */
const others = [
  'Đăng ký khai sinh',
  'Đăng ký kết hôn',
  'Cấp lại thẻ căn cước',
  'Đổi giấy phép lái xe',
  'Đăng ký tạm trú',
  'Cấp phiếu lý lịch tư pháp',
  'Đăng ký thành lập hộ kinh doanh',
  'Cấp giấy phép kinh doanh rượu',
].map((name) => procedure({ name }));

function chat(records = [permitDaNang, permitNational, landDakLak, landNgheAn, fishDongThap]) {
  const retrieval = new RetrievalEngine(
    catalogueOf([...records, ...others]),
    compileLexicon({ version: 1, synonyms: [], filler: ['tôi', 'ở', 'xin'] }),
  );
  return recordingChat(retrieval, { provinces: loadProvinces('knowledge') });
}

describe('the record for the citizen’s province', () => {
  it('never shows another province’s copy when the citizen said where they are', async () => {
    const { say, shown } = chat();
    const text = await say('tôi ở TP HCM, xin giấy phép xây dựng nhà ở riêng lẻ có thời hạn');
    // The national record, a choice, or a plain "not for your province" — never Đà Nẵng's card or option.
    expect(shown()).not.toBe(permitDaNang.id);
    expect(text).not.toContain(permitDaNang.name);
    const closer = await say('tôi ở TP HCM, xin giấy phép xây dựng nhà ở riêng lẻ');
    expect(shown()).toBe(permitNational.id);
    expect(closer).not.toContain('Đà Nẵng');
  });

  it('remembers the province for later questions', async () => {
    const { say, shown } = chat();
    await say('tôi ở Nghệ An');
    await say('xác nhận tiếp tục sử dụng đất nông nghiệp hết thời hạn');
    expect(shown()).toBe(landNgheAn.id);
  });

  it('says plainly when only another province’s copy matches, and offers it', async () => {
    const { say, shown } = chat();
    const text = await say('tôi ở Hà Nội, xin giấy phép nuôi cá tra thương phẩm');
    expect(shown()).toBeUndefined();
    expect(text).toContain('Mình chưa thấy thủ tục này của Thành phố Hà Nội');
    expect(text).toContain('Tỉnh Đồng Tháp');
  });

  it('with no province known, prefers the national record to a close provincial copy', async () => {
    const { say, shown } = chat();
    await say('xin giấy phép xây dựng nhà ở riêng lẻ');
    expect(shown()).toBe(permitNational.id);
  });

  it('asks where the citizen is when only provincial copies match, then answers for that province', async () => {
    const { say, shown } = chat([landDakLak, landNgheAn, permitNational]);
    const asked = await say('xác nhận tiếp tục sử dụng đất nông nghiệp hết thời hạn');
    expect(asked).toMatch(/tỉnh, thành phố nào/);
    expect(shown()).toBeUndefined();
    await say('Nghệ An');
    expect(shown()).toBe(landNgheAn.id);
  });
});
