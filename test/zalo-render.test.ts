// Zalo plain-text rendering and pacing: what a Zalo user reads, and how fast the account sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerHint, FEEDBACK_LINE, renderZaloReplies, renderZaloReply } from '../adapters/zalo/render.ts';
import { createAssistant } from '../src/assistant.ts';
import { bold, link, type Reply, text } from '../src/conversation/types.ts';
import { typedChoice } from '../src/conversation/understand.ts';
import { createLogger } from '../src/log/logger.ts';
import { lastMenu, sendTo, testConfig } from './helpers/conversation.ts';

const numberedLines = (texts: string[]) => texts.join('\n').match(/^\d+\. .+$/gm) ?? [];

describe('Zalo rendering', () => {
  it('shows a menu as numbered options with how to answer, and quick links one per line', () => {
    const reply: Reply = {
      paragraphs: [[bold('Đăng ký khai sinh'), text(' — UBND cấp xã')]],
      menu: {
        id: 'p1',
        prompt: 'Bạn muốn xem gì?',
        options: [
          { id: 'docs', label: 'Giấy tờ cần chuẩn bị' },
          { id: 'steps', label: 'Các bước thực hiện' },
          { id: 'fee', label: 'Lệ phí và thời gian' },
        ],
      },
      links: [
        { label: 'Xem trên Cổng DVC', url: 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html' },
        { label: 'Nộp trực tuyến', url: 'https://dichvucong.gov.vn/p/home/dvc-dich-vu-cong-truc-tuyen.html' },
      ],
    };
    const [message, ...rest] = renderZaloReply(reply);
    expect(rest).toHaveLength(0);
    expect(message?.text).toBe(
      [
        'Đăng ký khai sinh — UBND cấp xã',
        '',
        'Bạn muốn xem gì?',
        '1. Giấy tờ cần chuẩn bị',
        '2. Các bước thực hiện',
        '3. Lệ phí và thời gian',
        'Trả lời 1, 2 hoặc 3',
        '',
        'Xem trên Cổng DVC: https://dichvucong.gov.vn/p/home/dvc-trang-chu.html',
        'Nộp trực tuyến: https://dichvucong.gov.vn/p/home/dvc-dich-vu-cong-truc-tuyen.html',
      ].join('\n'),
    );
    expect(message?.text).not.toMatch(/<|&amp;/);
  });

  it('marks bold spans with ranges that point at the bold words', () => {
    const [message] = renderZaloReplies([
      {
        paragraphs: [
          [text('Thủ tục: '), bold('Cấp lại CCCD')],
          [text('Lệ phí: '), bold('15.000 đồng')],
        ],
      },
    ]);
    const shown = (message?.bold ?? []).map((r) => message?.text.slice(r.start, r.start + r.len));
    expect(shown).toEqual(['Cấp lại CCCD', '15.000 đồng']);
  });

  it('writes inline links as text with their address', () => {
    const [message] = renderZaloReply({
      paragraphs: [
        [
          text('Xem '),
          link('Cổng DVC', 'https://dichvucong.gov.vn/'),
          text(' hoặc '),
          link('https://a.vn', 'https://a.vn'),
        ],
      ],
    });
    expect(message?.text).toBe('Xem Cổng DVC (https://dichvucong.gov.vn/) hoặc https://a.vn');
  });

  it('says how to answer for any number of options', () => {
    expect(answerHint(1)).toBe('Trả lời 1');
    expect(answerHint(2)).toBe('Trả lời 1 hoặc 2');
    expect(answerHint(4)).toBe('Trả lời 1, 2, 3 hoặc 4');
    expect(answerHint(9)).toBe('Trả lời một số từ 1 đến 9');
  });

  it('splits long replies under 2000 characters at paragraph boundaries, bold ranges kept right', () => {
    const paragraphs = Array.from({ length: 20 }, (_, i) => [
      bold(`Bước ${i + 1}.`),
      text(` ${'chuẩn bị hồ sơ '.repeat(12)}`),
    ]);
    const messages = renderZaloReply({ paragraphs });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.text.length).toBeLessThan(2000);
      expect(message.text.startsWith('Bước')).toBe(true);
      for (const range of message.bold)
        expect(message.text.slice(range.start, range.start + range.len)).toMatch(/^Bước \d+\.$/);
    }
    expect(messages.flatMap((m) => m.bold)).toHaveLength(20);
  });

  it('cuts a single huge paragraph at spaces, each part under the limit', () => {
    const words = Array.from({ length: 800 }, (_, i) => `chữ${i}`);
    const messages = renderZaloReply({ paragraphs: [[text(words.join(' '))]] });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) expect(message.text.length).toBeLessThan(2000);
    expect(
      messages
        .map((m) => m.text)
        .join(' ')
        .split(' '),
    ).toEqual(words);
  });
});

describe('one numbered menu per turn', () => {
  const card: Reply = {
    paragraphs: [[text('Cấp hộ chiếu')]],
    menu: {
      id: 'c1',
      prompt: 'Bạn muốn xem gì tiếp?',
      options: [
        { id: 'steps', label: 'Các bước' },
        { id: 'docs', label: 'Giấy tờ' },
        { id: 'up', label: 'Hữu ích' },
        { id: 'down', label: 'Chưa đúng' },
      ],
    },
  };
  const fees: Reply = {
    paragraphs: [[text('Lệ phí: 200.000 đồng')]],
    menu: {
      id: 'x2',
      prompt: 'Bạn muốn xem gì tiếp?',
      options: [
        { id: 'steps', label: 'Các bước' },
        { id: 'where', label: 'Nơi nộp' },
        { id: 'card', label: 'Thông tin chung' },
      ],
    },
  };

  it('numbers only the last menu of a turn and asks for feedback in words, not numbers', () => {
    const texts = renderZaloReplies([card, fees]).map((m) => m.text);
    expect(numberedLines(texts)).toEqual(['1. Các bước', '2. Nơi nộp', '3. Thông tin chung']);
    expect(texts.join('\n').match(/Trả lời/g)).toHaveLength(1);
    expect(texts.join('\n')).not.toMatch(/\d\. (Hữu ích|Chưa đúng)/);
    expect(texts.at(-1)).toContain(FEEDBACK_LINE);
  });

  it('keeps the feedback line off a turn that offers no feedback', () => {
    const texts = renderZaloReplies([fees]).map((m) => m.text);
    expect(texts.join('\n')).not.toContain(FEEDBACK_LINE);
  });

  it('with the real engine, a typed number picks the option shown under that number', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zalo-render-'));
    const assistant = await createAssistant(testConfig(dataDir), createLogger('silent'), { inMemory: true });
    try {
      const replies = await sendTo(assistant.engine, 'zalo:menu', 'lệ phí làm hộ chiếu', 'zalo');
      const texts = renderZaloReplies(replies).map((m) => m.text);
      const lines = numberedLines(texts);
      expect(texts.join('\n').match(/Trả lời/g)).toHaveLength(1);
      expect(lines.length).toBeGreaterThanOrEqual(3);
      const menu = lastMenu(replies);
      for (const line of lines) {
        const [number, label] = line.split(/\. (.*)/) as [string, string];
        const option = menu?.options.find((o) => o.id === typedChoice(number, menu));
        expect(option?.label).toBe(label);
      }
      expect(texts.at(-1)).toContain(FEEDBACK_LINE);
      const thanks = await sendTo(assistant.engine, 'zalo:menu', 'hữu ích', 'zalo');
      expect(renderZaloReplies(thanks)[0]?.text).toMatch(/Cảm ơn/);
    } finally {
      await assistant.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
