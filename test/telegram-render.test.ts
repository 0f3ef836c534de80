// Telegram rendering: what the user sees in the chat (escaped HTML, buttons, split long answers).
import { describe, expect, it } from 'vitest';
import {
  CALLBACK_DATA_MAX_BYTES,
  escapeAttribute,
  escapeHtml,
  parseCallbackData,
  renderTelegramReplies,
  renderTelegramReply,
} from '../adapters/telegram/render.ts';
import { bold, link, type Reply, text } from '../src/conversation/types.ts';

/** Visible text of our HTML subset, as Telegram would show it. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** True when every <b>/<a> opened in the message is closed in it, in order, and no entity is cut. */
function wellFormed(html: string): boolean {
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)(b|a)(?:\s[^>]*)?>/g)) {
    if (match[1] === '') stack.push(match[2] as string);
    else if (stack.pop() !== match[2]) return false;
  }
  const withoutEntities = html.replace(/&(amp|lt|gt|quot);/g, '');
  return stack.length === 0 && !withoutEntities.includes('&') && !/<[^>]*$/.test(html);
}

describe('Telegram rendering', () => {
  it('escapes HTML everywhere and quotes in link attributes', () => {
    expect(escapeHtml('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(escapeAttribute('https://x.vn/?a=1&b="2"')).toBe('https://x.vn/?a=1&amp;b=&quot;2&quot;');
    const [message] = renderTelegramReply({
      paragraphs: [
        [
          text('Phí <miễn> & '),
          bold('Hộ tịch <b>'),
          text(' xem '),
          link('Cổng "DVC"', 'https://dichvucong.gov.vn/p?a=1&b="x"'),
        ],
      ],
    });
    expect(message?.html).toBe(
      'Phí &lt;miễn&gt; &amp; <b>Hộ tịch &lt;b&gt;</b> xem <a href="https://dichvucong.gov.vn/p?a=1&amp;b=&quot;x&quot;">Cổng "DVC"</a>',
    );
  });

  it('separates paragraphs with a blank line and does not turn unsafe links into anchors', () => {
    const [message] = renderTelegramReply({
      paragraphs: [[text('Đoạn một')], [text('Đoạn hai'), link('bấm', 'javascript:alert(1)')]],
    });
    expect(message?.html).toBe('Đoạn một\n\nĐoạn hai' + 'bấm (javascript:alert(1))');
    expect(message?.html).not.toContain('<a');
  });

  it('turns a menu into callback buttons and quick links into URL buttons on the same message', () => {
    const reply: Reply = {
      paragraphs: [[bold('Đăng ký khai sinh')]],
      menu: {
        id: 'p7',
        prompt: 'Bạn muốn xem gì?',
        options: [
          { id: 'docs', label: 'Giấy tờ' },
          { id: 'steps', label: 'Các bước' },
          { id: 'where', label: 'Nộp hồ sơ ở đâu và mất bao lâu' },
        ],
      },
      links: [
        {
          label: 'Mở trên Cổng DVC',
          url: 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html',
        },
      ],
    };
    const messages = renderTelegramReply(reply);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.html).toBe('<b>Đăng ký khai sinh</b>\n\nBạn muốn xem gì?');
    expect(messages[0]?.keyboard?.inline_keyboard).toEqual([
      [
        { text: 'Giấy tờ', callback_data: 'm:p7:docs' },
        { text: 'Các bước', callback_data: 'm:p7:steps' },
      ],
      [{ text: 'Nộp hồ sơ ở đâu và mất bao lâu', callback_data: 'm:p7:where' }],
      [{ text: 'Mở trên Cổng DVC', url: 'https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html' }],
    ]);
    expect(parseCallbackData('m:p7:where')).toEqual({ menuId: 'p7', optionId: 'where' });
    expect(parseCallbackData('other')).toBeUndefined();
  });

  it('keeps callback data within 64 bytes, falling back to a numbered list when ids are too long', () => {
    const longId = 'x'.repeat(CALLBACK_DATA_MAX_BYTES);
    const [message] = renderTelegramReply({
      paragraphs: [],
      menu: {
        id: 'm1',
        prompt: 'Chọn một:',
        options: [
          { id: longId, label: 'Một' },
          { id: 'b', label: 'Hai' },
        ],
      },
    });
    expect(message?.keyboard).toBeUndefined();
    expect(message?.html).toBe('Chọn một:\n\n1. Một\n2. Hai');
  });

  it('splits long replies at paragraph boundaries, below 4096 characters, keyboard on the last part', () => {
    const paragraph = (n: number) => [text(`Bước ${n}: ${'nộp hồ sơ & chờ kết quả. '.repeat(40)}`)];
    const reply: Reply = {
      paragraphs: Array.from({ length: 12 }, (_, i) => paragraph(i + 1)),
      menu: { id: 's', prompt: 'Tiếp?', options: [{ id: 'next', label: 'Tiếp' }] },
    };
    const messages = renderTelegramReply(reply);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.html.length).toBeLessThan(4096);
      expect(wellFormed(message.html)).toBe(true);
      // Each part starts at a paragraph boundary.
      expect(message.html.startsWith('Bước') || message.html.startsWith('Tiếp?')).toBe(true);
    }
    expect(messages.slice(0, -1).every((m) => m.keyboard === undefined)).toBe(true);
    expect(messages.at(-1)?.keyboard).toBeDefined();
    const allText = messages.map((m) => visible(m.html)).join('\n\n');
    for (let n = 1; n <= 12; n++) expect(allText).toContain(`Bước ${n}:`);
  });

  it('hard-splits one over-long paragraph without breaking tags, entities or words', () => {
    const words = Array.from({ length: 900 }, (_, i) => `từ${i}&<`);
    const reply: Reply = {
      paragraphs: [[text('Mở đầu '), bold(words.join(' ')), link(' cổng dịch vụ công', 'https://dichvucong.gov.vn/')]],
    };
    const messages = renderTelegramReply(reply, 1000);
    expect(messages.length).toBeGreaterThan(6);
    for (const message of messages) {
      expect(message.html.length).toBeLessThanOrEqual(1000);
      expect(wellFormed(message.html)).toBe(true);
    }
    const shown = messages.map((m) => visible(m.html)).join(' ');
    expect(shown.split(/\s+/).filter((w) => w.startsWith('từ'))).toEqual(words);
    expect(shown.endsWith('cổng dịch vụ công')).toBe(true);
  });

  it('marks only the first part of a reply as replacing the pressed message', () => {
    const messages = renderTelegramReplies([
      { paragraphs: [[text('Bước 2/5')]], replacesPrevious: true },
      { paragraphs: [[text('Ghi chú')]] },
    ]);
    expect(messages.map((m) => m.replacesPrevious)).toEqual([true, false]);
  });

  it('keeps "Hữu ích" and "Chưa đúng" together on one row, whatever comes before them', () => {
    const labels = ['Các bước', 'Giấy tờ', 'Lệ phí & thời gian', 'Nơi nộp', 'Thủ tục liên quan', 'Hỏi câu khác'];
    const options = [
      ...labels.map((label, i) => ({ id: `o${i}`, label })),
      { id: 'up', label: 'Hữu ích' },
      { id: 'down', label: 'Chưa đúng' },
    ];
    for (let count = 1; count <= labels.length; count++) {
      const menu = {
        id: 'c1',
        prompt: 'Bạn muốn xem gì tiếp?',
        options: [...options.slice(0, count), ...options.slice(-2)],
      };
      const [message] = renderTelegramReply({ paragraphs: [[text('Thẻ căn cước')]], menu });
      const rows = message?.keyboard?.inline_keyboard ?? [];
      const feedbackRow = rows.find((row) => row.some((b) => b.text === 'Hữu ích'));
      expect(feedbackRow?.map((b) => b.text)).toEqual(['Hữu ích', 'Chưa đúng']);
    }
  });

  it('lists long procedure names numbered in the text and gives the buttons short numbered labels', () => {
    const names = [
      'Cấp lại thẻ căn cước khi bị mất, hư hỏng hoặc có sai sót thông tin trên thẻ',
      'Đăng ký thường trú cho công dân chuyển đến từ tỉnh, thành phố khác',
    ];
    const menu = {
      id: 'k1',
      prompt: 'Chọn một thủ tục:',
      options: [
        ...names.map((label, i) => ({ id: `p${i + 1}`, label })),
        { id: 'none', label: 'Không phải các thủ tục trên' },
      ],
    };
    const [message] = renderTelegramReply({ paragraphs: [[text('Mình thấy vài thủ tục gần với câu hỏi:')]], menu });
    const shown = visible(message?.html ?? '');
    expect(shown).toContain(`1. ${names[0]}`);
    expect(shown).toContain(`2. ${names[1]}`);
    const buttons = (message?.keyboard?.inline_keyboard ?? []).flat();
    expect(buttons.map((b) => b.text)).toEqual([
      expect.stringMatching(/^1\. Cấp lại thẻ căn cước.*…$/),
      expect.stringMatching(/^2\. Đăng ký thường trú.*…$/),
      '3. Không phải các thủ tục trên',
    ]);
    for (const button of buttons) expect(Array.from(button.text).length).toBeLessThanOrEqual(32);
    expect(buttons.map((b) => 'callback_data' in b && parseCallbackData(b.callback_data))).toEqual([
      { menuId: 'k1', optionId: 'p1' },
      { menuId: 'k1', optionId: 'p2' },
      { menuId: 'k1', optionId: 'none' },
    ]);
  });
});
