// Follow-ups stay on the current procedure when they relate to its fields, even without a known keyword; a
// message that names another procedure, or relates to nothing of the current one, is a new question. Yes/no
// questions are answered from the fields, quoting them, or honestly "the record does not say" with the link.
import { describe, expect, it } from 'vitest';
import { recalledProcedure } from '../src/conversation/recall.ts';
import { portalLinks } from '../src/knowledge/schema.ts';
import { compileLexicon } from '../src/retrieval/lexicon.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { recordingChat } from './helpers/conversation.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const licence = procedure({
  name: 'Đổi giấy phép lái xe',
  levels: ['tinh', 'xa'],
  implementingAgencies: ['Phòng Cảnh sát giao thông', 'Công an cấp xã'],
  documents: [{ name: 'Đơn đề nghị đổi giấy phép lái xe' }, { name: 'Giấy khám sức khỏe của người lái xe' }],
  submissionMethods: [{ method: 'direct', fees: [{ amountVnd: 135000 }] }],
});
const healthLicence = procedure({
  name: 'Cấp giấy phép hoạt động khám sức khỏe cho cơ sở khám bệnh',
  levels: ['tinh'],
});
const permit = procedure({
  name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
  levels: ['xa'],
  implementingAgencies: ['Ủy ban nhân dân cấp xã'],
  documents: [{ name: 'Đơn đề nghị cấp giấy phép xây dựng' }, { name: 'Bản vẽ thiết kế xây dựng' }],
});
const junction = procedure({ name: 'Chấp thuận thiết kế nút giao đấu nối vào quốc lộ', levels: ['tinh'] });
const residence = procedure({
  id: '00000000-0000-7000-8000-0000000000aa',
  name: 'Đăng ký tạm trú',
  levels: ['xa'],
  implementingAgencies: ['Công an cấp xã'],
  links: portalLinks('00000000-0000-7000-8000-0000000000aa', true),
  submissionMethods: [{ method: 'online', fees: [] }],
  conditions: 'Bạn cần có chỗ ở hợp pháp. Hợp đồng thuê nhà không bắt buộc công chứng, chứng thực.',
  documents: [{ name: 'Tờ khai thay đổi thông tin cư trú' }],
  steps: [{ description: 'Nộp tờ khai.' }, { description: 'Nhận kết quả.' }],
});
const marriage = procedure({ name: 'Đăng ký kết hôn', levels: ['xa'] });
const absence = procedure({
  name: 'Khai báo tạm vắng',
  levels: ['xa'],
  targetGroups: ['Công dân Việt Nam'],
  conditions:
    'Người đi khỏi phạm vi đơn vị hành chính cấp xã nơi thường trú từ 12 tháng liên tục trở lên phải khai báo.',
});
const vneid = procedure({ name: 'Cấp tài khoản định danh điện tử VNeID', levels: ['xa'] });
// A catalogue-only record without details: its fields never mention "hồ sơ".
const karaoke = procedure({
  name: 'Cấp giấy phép đủ điều kiện kinh doanh dịch vụ karaoke',
  levels: ['tinh'],
  implementingAgencies: ['Sở Văn hóa, Thể thao và Du lịch'],
});

const retrieval = new RetrievalEngine(
  catalogueOf([licence, healthLicence, permit, junction, residence, marriage, vneid, absence, karaoke]),
  compileLexicon({ version: 1, synonyms: [], filler: [] }),
);

function chat() {
  return recordingChat(retrieval);
}

describe('follow-ups without a known keyword', () => {
  it('keeps a health-certificate question on the licence renewal and quotes the document', async () => {
    const { say, shown } = chat();
    await say('đổi giấy phép lái xe');
    const text = await say('có cần mang giấy khám sức khỏe không');
    expect(shown()).toBe(licence.id);
    expect(text).toContain('Giấy khám sức khỏe của người lái xe');
  });

  it('answers "nộp hồ sơ ở đâu" about a procedure whose record never says "hồ sơ"', async () => {
    const { say, shown } = chat();
    await say('giấy phép kinh doanh dịch vụ karaoke');
    expect(shown()).toBe(karaoke.id);
    const text = await say('nộp hồ sơ ở đâu vậy');
    expect(shown()).toBe(karaoke.id);
    expect(text).toContain('Sở Văn hóa, Thể thao và Du lịch');
    expect(text).not.toContain('chưa tìm được');
  });

  it('goes back to a procedure discussed earlier when the citizen says so, and answers the aspect for it', async () => {
    const { say, shown } = chat();
    await say('đổi giấy phép lái xe');
    await say('đăng ký tạm trú');
    expect(shown()).toBe(residence.id);
    // "giấy phép" alone fits three procedures; the one discussed before is meant.
    const text = await say('quay lại cái giấy phép lúc nãy, nộp ở đâu');
    expect(shown()).toBe(licence.id);
    expect(text).toContain('Phòng Cảnh sát giao thông');
    await say('đăng ký kết hôn');
    await say('trở lại vụ tạm trú');
    expect(shown()).toBe(residence.id);
  });

  it('goes back only when the message says so: "lúc nãy" (earlier), not "lúc này" (now)', () => {
    expect(recalledProcedure('cái tạm trú lúc nãy', 'cái tạm trú lúc nãy', [residence])).toBe(residence);
    expect(recalledProcedure('quay lai vu tam tru', 'quay lai vu tam tru', [residence])).toBe(residence);
    expect(recalledProcedure('lúc này tôi hỏi tạm trú', 'lúc này tôi hỏi tạm trú', [residence])).toBeUndefined();
    expect(recalledProcedure('tạm trú', 'tạm trú', [residence])).toBeUndefined();
  });

  it('answers "phường làm được không" from the level, not with another procedure', async () => {
    const { say, shown } = chat();
    await say('giấy phép xây dựng nhà ở riêng lẻ');
    const text = await say('phường làm được không');
    expect(shown()).toBe(permit.id);
    expect(text).toContain('cấp xã');
    expect(text).toMatch(/^Được\.|\nĐược\./m);
  });

  it('answers "làm trên vneid được không" from the online availability', async () => {
    const { say, shown } = chat();
    await say('đăng ký tạm trú');
    const text = await say('làm trên vneid được không');
    expect(shown()).toBe(residence.id);
    expect(text).toContain('trực tuyến');
  });

  it('treats "bước tiếp theo là gì" as the next step and "cần nộp gì" as the documents', async () => {
    const { say, shown } = chat();
    await say('đăng ký tạm trú');
    expect(await say('bước tiếp theo là gì')).toContain('Bước');
    expect(await say('cần nộp gì')).toContain('Tờ khai thay đổi thông tin cư trú');
    expect(shown()).toBe(residence.id);
  });

  it('keeps an aspect question made of process words on the current procedure', async () => {
    const { say, shown } = chat();
    await say('đăng ký tạm trú');
    expect(await say('làm thế nào, từng bước')).toContain('Bước 1');
    expect(shown()).toBe(residence.id);
    expect(await say('xong bước đó thì sao nữa')).toContain('Bước 2');
    expect(await say('rồi sao nữa')).toContain('Đây là bước cuối');
    const time = await say('bao lâu thì nhận được kết quả');
    expect(time).not.toMatch(/chưa tìm được/);
    expect(shown()).toBe(residence.id);
  });

  it('takes a message naming another procedure as a new question', async () => {
    const { say, shown } = chat();
    await say('đăng ký tạm trú');
    await say('còn đăng ký kết hôn thì sao');
    expect(shown()).toBe(marriage.id);
  });
});

describe('yes/no questions', () => {
  it('quotes the condition that answers', async () => {
    const { say } = chat();
    await say('đăng ký tạm trú');
    const text = await say('hợp đồng thuê nhà có cần công chứng không');
    expect(text).toContain('Hợp đồng thuê nhà không bắt buộc công chứng');
  });

  it('says honestly when the record does not say, with the portal link', async () => {
    const { say, shown } = chat();
    await say('đổi giấy phép lái xe');
    const text = await say('có cần mang theo ảnh thẻ 3x4 không');
    expect(shown()).toBe(licence.id);
    expect(text).toContain('không nói rõ');
    expect(text).not.toMatch(/^Không\./m);
  });

  it('says "Không" with the level when the procedure is not done where asked', async () => {
    const { say } = chat();
    await say('giấy phép xây dựng nhà ở riêng lẻ');
    expect(await say('làm ở sở được không')).toContain('Không. Theo dữ liệu của Cổng, thủ tục này thực hiện ở cấp xã');
  });
});

describe('whether the procedure itself is needed', () => {
  it('answers "có phải khai báo tạm vắng không" from its conditions and target groups', async () => {
    const { say, shown } = chat();
    await say('khai báo tạm vắng');
    const text = await say('có phải khai báo tạm vắng không');
    expect(shown()).toBe(absence.id);
    expect(text).toContain('12 tháng liên tục');
    expect(text).toContain('Đối tượng thực hiện: Công dân Việt Nam');
  });
});

describe('one catalogue per message', () => {
  it('asks for the finder once per message, so a reindex cannot mix two catalogues in one answer', async () => {
    let calls = 0;
    const { say } = recordingChat(retrieval, {
      finder: () => {
        calls++;
        return retrieval;
      },
    });
    await say('đổi giấy phép lái xe');
    await say('có cần mang giấy khám sức khỏe không');
    await say('còn đăng ký kết hôn thì sao');
    expect(calls).toBe(3);
  });
});
