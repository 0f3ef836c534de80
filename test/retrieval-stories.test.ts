// Story questions: a citizen tells what happened, then asks. The request decides the answer, the story's other
// words (which share words with other procedures) weigh less, and a long story whose request is well matched is
// answered rather than refused.
import { describe, expect, it } from 'vitest';
import { loadLexicon } from '../src/retrieval/lexicon.ts';
import { prepareQuery } from '../src/retrieval/query.ts';
import { RetrievalEngine } from '../src/retrieval/search-engine.ts';
import { catalogueOf, procedure } from './helpers/procedures.ts';

const building = procedure({ name: 'Cấp giấy phép xây dựng nhà ở riêng lẻ', fields: ['Xây dựng'] });
const electricity = procedure({ name: 'Cấp điện mới từ lưới điện hạ áp', fields: ['Điện'] });
const poverty = procedure({
  name: 'Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm',
  fields: ['Bảo trợ xã hội'],
});
const accident = procedure({ name: 'Giải quyết hưởng chế độ tai nạn lao động', fields: ['Bảo hiểm xã hội'] });
const traffic = procedure({ name: 'Xử lý vi phạm hành chính về giao thông đường bộ', fields: ['Giao thông'] });
const heritage = procedure({ name: 'Chứng thực văn bản từ chối nhận di sản', fields: ['Chứng thực'] });
const death = procedure({ name: 'Thủ tục đăng ký khai tử', fields: ['Hộ tịch'] });
const lexicon = loadLexicon('knowledge');
const engine = new RetrievalEngine(
  catalogueOf([building, electricity, poverty, accident, traffic, heritage, death]),
  lexicon,
);
/** Weight of the first occurrence of `word` in a prepared question (1 = part of the request). */
const weightIn = (question: string, word: string) => {
  const prepared = prepareQuery(question, lexicon);
  return prepared.units[prepared.tokens.indexOf(word)]?.weight ?? 1;
};

describe('story questions', () => {
  it('the request decides, not the story words shared with another procedure', async () => {
    const accidentStory =
      'Chồng tôi bị tai nạn giao thông giữa năm, nằm một chỗ, cả nhà chỉ trông vào mấy sào ruộng. Nghe nói nhà khó khăn thì được xét vào diện hộ nghèo. Giờ tôi phải làm gì?';
    expect((await engine.search(accidentStory)).hits[0]?.id).toBe(poverty.id);
  });

  it('a long story whose request is matched is answered, not refused', async () => {
    const story =
      'Bố tôi mất năm ngoái, để lại căn nhà cho mấy anh em. Tôi định cư ở nước ngoài đã lâu. Tôi không muốn nhận phần của mình mà nhường lại cho em út thì cần làm giấy tờ gì?';
    const result = await engine.search(story);
    expect(result.hits[0]?.id).toBe(heritage.id);
    expect(result.abstain).toBe(false);
  });

  it('only a story is focused: a one-sentence question keeps every word at full weight', () => {
    const short = prepareQuery('xin giấy phép xây dựng nhà ở riêng lẻ ở đâu', lexicon);
    expect(short.story).toBe(false);
    expect(short.units.every((u) => u.weight === undefined)).toBe(true);
    const story = prepareQuery(
      'Năm ngoái tôi xây nhà ba tầng ở quê, đã xin giấy phép xây dựng đầy đủ. Tôi muốn kéo điện về nhà thì làm ở đâu?',
      lexicon,
    );
    expect(story.story).toBe(true);
    const weightOf = (word: string) => story.units[story.tokens.indexOf(word)]?.weight ?? 1;
    expect(weightOf('tầng')).toBeLessThan(1);
    expect(weightOf('điện')).toBe(1);
  });

  it('a comma followed by "giờ" turns one sentence from the situation to the request; other commas do not', () => {
    const turn =
      'Giấy khai sinh bản gốc của con tôi bị rách nát hết rồi, giờ muốn xin thêm mấy bản sao thì ra đâu xin vậy?';
    expect(prepareQuery(turn, lexicon).story).toBe(true);
    expect(weightIn(turn, 'rách')).toBeLessThan(1);
    expect(weightIn(turn, 'thêm')).toBe(1);
    const quotedName =
      'Thủ tục cấp, cấp lại, gia hạn giấy phép hoạt động của cơ sở khám bệnh, chữa bệnh cho người nước ngoài làm ở đâu?';
    expect(prepareQuery(quotedName, lexicon).story).toBe(false);
  });

  it('an action the story tells as done is not asked for; one the citizen decided on still is', () => {
    const done = prepareQuery(
      'Năm 2010 gia đình tôi đã được cấp sổ đỏ cho mảnh đất ở quê. Nay tôi muốn biết thửa đất đó có nằm trong quy hoạch không thì hỏi ở đâu?',
      lexicon,
    );
    expect(done.story).toBe(true);
    expect(done.actions.has('issue')).toBe(false);
    const decided = prepareQuery(
      'Công ty tôi làm ăn thua lỗ mấy năm liền, hội đồng thành viên đã quyết định giải thể. Tôi cần làm những thủ tục gì?',
      lexicon,
    );
    expect(decided.actions.has('end')).toBe(true);
  });

  it('a negated "nào" or "gì" in a statement asks nothing: that sentence stays context', () => {
    const story =
      'Mẹ tôi cả đời làm ruộng nên không có lương hưu hay khoản trợ cấp nào. Bà năm nay 80 tuổi. Tôi muốn xin trợ cấp hằng tháng cho bà thì làm thế nào?';
    expect(weightIn(story, 'ruộng')).toBeLessThan(1);
    expect(weightIn(story, 'tháng')).toBe(1);
    // "không biết … gì" still asks.
    const wondering = 'Nhà tôi ở xa trung tâm. Tôi không biết phải làm giấy gì để cưới vợ.';
    expect(weightIn(wondering, 'cưới')).toBe(1);
  });

  it('what the citizen was told to do is part of the request', () => {
    const story =
      'Mẹ tôi năm nay 76 tuổi, không có lương hưu. Nghe nói người già được nhà nước chi tiền hằng tháng. Gia đình cần nộp hồ sơ gì ở xã?';
    expect(weightIn(story, 'già')).toBe(1);
    expect(weightIn(story, 'tuổi')).toBeLessThan(1);
  });

  it('the want after "nhưng" is the request, the concession before it is context', () => {
    const story =
      'Hàng xóm tôi mất trong tai nạn, để lại bé gái 5 tuổi. Vợ chồng tôi chưa tính nhận làm con nuôi nhưng muốn đón cháu về chăm sóc. Tôi cần đăng ký gì với xã?';
    expect(weightIn(story, 'nuôi')).toBeLessThan(1);
    expect(weightIn(story, 'chăm')).toBe(1);
  });

  it('a procedure the story tells as done is not what is asked: the one the request names comes first', async () => {
    const marriage = procedure({ name: 'Thủ tục đăng ký kết hôn', fields: ['Hộ tịch'] });
    const recorded = procedure({
      name: 'Thủ tục ghi vào Sổ hộ tịch việc kết hôn đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài',
      fields: ['Hộ tịch'],
    });
    const guardian = procedure({ name: 'Thủ tục đăng ký giám hộ', fields: ['Hộ tịch'] });
    const company = procedure({ name: 'Đăng ký thành lập công ty TNHH một thành viên', fields: ['Doanh nghiệp'] });
    const capital = procedure({ name: 'Đăng ký thay đổi vốn điều lệ của công ty', fields: ['Doanh nghiệp'] });
    const civil = new RetrievalEngine(catalogueOf([marriage, recorded, guardian, company, capital]), lexicon);
    const story =
      'Hai vợ chồng tôi đi làm ở nước ngoài, đã đăng ký kết hôn ở bên đó và có giấy chứng nhận kết hôn của họ. Giờ về nước ở hẳn, muốn việc kết hôn được ghi vào sổ hộ tịch ở quê thì làm thế nào?';
    expect((await civil.search(story)).hits[0]?.id).toBe(recorded.id);
    const business =
      'Mấy năm trước tôi đã thành lập công ty TNHH một thành viên, kinh doanh vật liệu xây dựng. Nay công ty làm ăn được, tôi muốn góp thêm tiền để tăng vốn điều lệ thì nộp hồ sơ gì?';
    expect((await civil.search(business)).hits[0]?.id).toBe(capital.id);
    // The done clause's words weigh least, the request's fully; a clause not told as done stays plain context.
    const told =
      'Bà nội đã đăng ký làm người giám hộ cho cháu, cháu được hưởng một căn nhà. Tôi muốn hỏi việc kiểm tra bà quản lý tài sản của cháu thì làm thế nào?';
    expect(weightIn(told, 'giám')).toBeLessThan(weightIn(told, 'căn'));
    expect(weightIn(told, 'căn')).toBeLessThan(1);
    expect(weightIn(told, 'kiểm')).toBe(1);
  });

  it('a long story keeps its request at the end: it is read whole, not cut after its first sentences', async () => {
    const story =
      'Nhà tôi ở cuối làng, năm ngoái gia đình tôi xây thêm một gian bếp và một cái chuồng gà ở phía sau vườn, ' +
      'hàng xóm hai bên đều biết và không ai có ý kiến gì, đường đi vào nhà là đường đất nhỏ, mùa mưa lầy lội lắm, ' +
      'bố mẹ tôi già yếu nên mọi việc trong nhà đều do vợ chồng tôi lo liệu cả, con cái thì đi học xa. ' +
      'Tôi muốn hỏi hộ nghèo được công nhận thế nào?';
    expect(prepareQuery(story, lexicon).story).toBe(true);
    expect((await engine.search(story)).hits[0]?.id).toBe(poverty.id);
  });

  it('what the citizen says they do not want is not asked for', async () => {
    const dissolve = procedure({ name: 'Giải thể doanh nghiệp', fields: ['Thành lập và hoạt động của doanh nghiệp'] });
    const pause = procedure({
      name: 'Thông báo tạm ngừng kinh doanh của doanh nghiệp',
      fields: ['Thành lập và hoạt động của doanh nghiệp'],
    });
    const business = new RetrievalEngine(catalogueOf([dissolve, pause]), lexicon);
    const story =
      'Công ty tôi mấy tháng nay vắng khách, nhân viên nghỉ gần hết. Tôi chưa muốn giải thể công ty, chỉ muốn ngừng kinh doanh ít tháng rồi làm lại. Báo với cơ quan nào?';
    const prepared = prepareQuery(story, lexicon);
    expect(prepared.actions.has('end')).toBe(false);
    expect(weightIn(story, 'thể')).toBeLessThan(1);
    expect(weightIn(story, 'ngừng')).toBe(1);
    expect((await business.search(story)).hits[0]?.id).toBe(pause.id);
    // A refusal the concept table knows ("không muốn nhận phần") is still the request.
    expect(
      weightIn('Bố tôi mất để lại căn nhà cho mấy anh em. Tôi không muốn nhận phần của mình thì làm gì?', 'nhận'),
    ).toBe(1);
  });
});
