// Reading a message the way a citizen means it, with or without diacritics: commands, greetings, typed menu
// answers, step navigation, feedback, aspect questions about the current procedure; and the scrubbing of
// personal data from questions kept for maintainers.
import { describe, expect, it } from 'vitest';
import { scrubPersonalData } from '../src/conversation/privacy.ts';
import type { Menu } from '../src/conversation/types.ts';
import { understand as understandWith } from '../src/conversation/understand.ts';
import { loadOutOfScope } from '../src/knowledge/out-of-scope.ts';

// The project's own out-of-scope list, the one retrieval refuses by.
const outOfScope = loadOutOfScope('knowledge');
const understand = (text: string, menu: Menu | undefined) => understandWith(text, menu, outOfScope);

const stepMenu: Menu = {
  id: 's4',
  prompt: 'Điều hướng các bước',
  options: [
    { id: 'prev', label: 'Quay lại' },
    { id: 'next', label: 'Tiếp' },
    { id: 'docs', label: 'Giấy tờ' },
    { id: 'fees', label: 'Lệ phí & thời gian' },
  ],
};

describe('commands and small talk', () => {
  it.each([
    ['bắt đầu lại', 'reset'],
    ['bat dau lai', 'reset'],
    ['/start', 'reset'],
    ['/RESET', 'reset'],
    ['/help', 'help'],
    ['trợ giúp', 'help'],
    ['xin chào', 'greeting'],
    ['chào bạn ạ', 'greeting'],
    ['hello', 'greeting'],
    ['cảm ơn nhiều', 'thanks'],
    ['cam on ban nhe', 'thanks'],
    ['', 'empty'],
    ['!!!', 'empty'],
  ])('"%s" is %s', (text, kind) => {
    expect(understand(text, undefined).kind).toBe(kind);
  });

  it('does not take a question that starts with a greeting for a greeting', () => {
    expect(understand('chào bạn, làm căn cước ở đâu', undefined).kind).toBe('question');
  });
});

describe('typed menu answers and navigation', () => {
  it.each([
    ['2', 'next'],
    ['số 2', 'next'],
    ['so 1', 'prev'],
    ['chọn 3', 'docs'],
    ['3.', 'docs'],
    ['lệ phí & thời gian', 'fees'],
    ['LE PHI & THOI GIAN', 'fees'],
  ])('"%s" picks %s on the current menu', (text, optionId) => {
    expect(understand(text, stepMenu)).toEqual({ kind: 'choice', optionId });
  });

  it('reports a number that is not on the menu, or typed without a menu', () => {
    expect(understand('7', stepMenu)).toEqual({ kind: 'number' });
    expect(understand('số 1', undefined)).toEqual({ kind: 'number' });
  });

  it.each([
    ['tiếp theo', { kind: 'nav', to: 'next' }],
    ['tiep', { kind: 'nav', to: 'next' }],
    ['quay lai', { kind: 'nav', to: 'prev' }],
    ['xem thêm', { kind: 'nav', to: 'more' }],
    ['bước 3', { kind: 'step', number: 3 }],
    ['xem buoc so 2', { kind: 'step', number: 2 }],
    ['hữu ích', { kind: 'feedback', helpful: true }],
    ['chua dung', { kind: 'feedback', helpful: false }],
    ['nhắc tôi mã hồ sơ vừa tra', { kind: 'recall_dossier' }],
  ])('"%s" without a menu', (text, intent) => {
    expect(understand(text, undefined)).toEqual(intent);
  });
});

describe('aspect questions', () => {
  it.each([
    ['lệ phí bao nhiêu', 'fees'],
    ['le phi bao nhieu', 'fees'],
    ['mất mấy ngày', 'time'],
    ['bao lâu thì có', 'time'],
    ['cần giấy tờ gì', 'documents'],
    ['can nhung ho so gi', 'documents'],
    ['hồ sơ gồm những gì', 'documents'],
    ['nộp ở đâu', 'where'],
    ['nộp online được không', 'online'],
    ['nop truc tuyen duoc khong', 'online'],
    ['kết quả là gì', 'result'],
    ['căn cứ pháp lý', 'legal'],
    ['điều kiện là gì', 'conditions'],
  ])('"%s" asks about %s', (text, aspect) => {
    const intent = understand(text, undefined);
    expect(intent.kind).toBe('question');
    expect(intent.kind === 'question' && intent.aspect).toBe(aspect);
  });

  it('keeps the rest of the message to tell a new topic from a follow-up', () => {
    const intent = understand('lệ phí đăng ký kết hôn', undefined);
    expect(intent).toMatchObject({ kind: 'question', aspect: 'fees', rest: 'dang ky ket hon' });
  });

  it('ignores one-syllable aspect words in long questions', () => {
    const intent = understand('tôi muốn đăng ký kinh doanh bán giá rẻ tại nhà', undefined);
    expect(intent).toMatchObject({ kind: 'question' });
    expect(intent.kind === 'question' ? intent.aspect : 'not a question').toBeUndefined();
  });
});

describe('personal data in stored questions', () => {
  it.each([
    ['gọi 0912 345 678 nhé', 'gọi [số] nhé'],
    ['sđt +84912345678', 'sđt [số]'],
    ['email an.nguyen@example.com giúp', 'email [email] giúp'],
    ['hồ sơ 000.00.14.H56-200203-0118 sao rồi', 'hồ sơ [mã] sao rồi'],
    ['căn cước 001203004567 bị mất', 'căn cước [số] bị mất'],
    ['đăng ký kết hôn năm 2026', 'đăng ký kết hôn năm 2026'],
  ])('"%s" is stored as "%s"', (input, stored) => {
    expect(scrubPersonalData(input)).toBe(stored);
  });

  it('keeps at most 500 characters', () => {
    expect(scrubPersonalData('a '.repeat(2000)).length).toBeLessThanOrEqual(500);
  });
});

describe('small talk, dossier intent, off-topic and generic questions', () => {
  it.each([
    ['chào ad', 'greeting'],
    ['xin chào trợ lý ạ', 'greeting'],
    ['vậy thôi cảm ơn', 'thanks'],
    ['cảm ơn bạn nhiều', 'thanks'],
    ['ok', 'ack'],
    ['vâng hiểu rồi', 'ack'],
    ['tạm biệt nhé', 'ack'],
    ['Tra cứu tình trạng hồ sơ', 'dossier_intent'],
    ['hồ sơ của tôi tới đâu rồi', 'dossier_intent'],
    ['giá vàng hôm nay', 'offtopic'],
    ['ty gia do la', 'offtopic'],
    ['kết quả bóng đá tối qua', 'offtopic'],
    ['có nên mua vàng lúc này không', 'offtopic'],
    ['tối nay ăn gì', 'offtopic'],
    ['số điện thoại taxi', 'offtopic'],
    ['mua bảo hiểm nhân thọ loại nào tốt', 'offtopic'],
    ['giá đất thổ cư bao nhiêu một mét vuông', 'offtopic'],
    ['gui tiet kiem ngan hang nao lai cao', 'offtopic'],
    ['theo bạn có nên kết hôn sớm không', 'offtopic'],
    ['cách đăng ký tài khoản shopee', 'offtopic'],
    ['mua xe trả góp cần giấy tờ gì', 'offtopic'],
    ['thủ tục vay ngân hàng mua nhà', 'offtopic'],
    ['thủ tục mua bảo hiểm xe máy', 'offtopic'],
    ['đăng ký', 'generic'],
    ['xin giấy phép', 'generic'],
    ['thủ tục', 'generic'],
  ])('"%s" is %s', (text, kind) => {
    expect(understand(text, undefined).kind).toBe(kind);
  });

  it.each([
    'xin giấy phép kinh doanh vàng',
    'cấp giấy phép kinh doanh vận tải taxi',
    'thủ tục đăng ký kinh doanh quán ăn',
    'hồ sơ gồm những gì',
    'đăng ký kết hôn',
    'chào bạn, làm căn cước ở đâu',
    'cảm ơn, còn đăng ký tạm trú thì sao',
    'giá bao nhiêu',
    'nộp lệ phí qua ngân hàng nào',
    'nộp online hay trực tiếp cái nào tốt hơn',
    'mẫu đơn này viết thế nào',
    'mua bảo hiểm y tế hộ gia đình ở đâu',
    'xin giấy phép hoạt động dự báo thời tiết',
    'vay mua nhà ở xã hội cần điều kiện gì',
  ])('"%s" stays a question', (text) => {
    expect(understand(text, undefined).kind).toBe('question');
  });

  it('marks yes/no questions and drops their question words from the rest', () => {
    expect(understand('có cần mang giấy khám sức khỏe không', undefined)).toMatchObject({
      kind: 'question',
      yesNo: true,
    });
    expect(understand('phường làm được không', undefined)).toMatchObject({ yesNo: true });
    expect(understand('đăng ký kết hôn', undefined)).not.toHaveProperty('yesNo');
  });
});
