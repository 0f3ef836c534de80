// What a citizen notices when a question shares words with a procedure but is not about one: shopping, prices of
// goods, bank and insurance products and advice get the polite "no procedure" reply, first or in the middle of a
// procedure, and are logged as unanswered; a real procedure question with the same words gets its procedure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { createLogger } from '../src/log/logger.ts';
import type { MemoryFeedbackStore } from '../src/store/memory.ts';
import { plain, sendTo, testConfig } from './helpers/conversation.ts';

let dataDir: string;
let assistant: Assistant;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conversation-out-of-scope-'));
  assistant = await createAssistant(testConfig(dataDir), createLogger('silent'), { inMemory: true });
});

afterAll(async () => {
  await assistant?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const say = async (conversation: string, text: string) => plain(await sendTo(assistant.engine, conversation, text));
const unanswered = () => (assistant.feedback as MemoryFeedbackStore).unanswered;
const NOT_FOUND = 'chưa tìm được thủ tục';

describe('out of scope, even with a procedure’s words', () => {
  it.each([
    'mua bảo hiểm nhân thọ gói nào tốt',
    'lãi suất vay mua nhà ngân hàng nào thấp nhất',
    'xe máy điện loại nào tốt cho học sinh',
    'giá đất thổ cư bây giờ bao nhiêu một mét vuông',
    'bài hát song ca karaoke cho đám cưới',
    'gui tiet kiem 100 trieu duoc bao nhieu lai',
  ])('"%s" as a first message gets the polite reply and is logged', async (message) => {
    const before = unanswered().length;
    const text = await say(`first-${message}`, message);
    expect(text).toContain(NOT_FOUND);
    expect(text).toContain('Cổng Dịch vụ công quốc gia');
    expect(unanswered().length).toBe(before + 1);
  });

  it.each([
    ['đổi bằng lái xe', 'xe máy điện loại nào tốt cho học sinh', /giấy phép lái xe|Lệ phí/i],
    ['tách thửa đất', 'giá đất thổ cư bao nhiêu một mét vuông', /thửa|Lệ phí/i],
    ['đăng ký kết hôn', 'lãi suất vay mua nhà ngân hàng nào thấp nhất', /Lệ phí|Các bước/i],
    ['đăng ký kết hôn', 'theo bạn có nên kết hôn trước 25 tuổi không', /Lệ phí|Các bước/i],
  ])('after "%s", "%s" gets the polite reply, not the current procedure', async (topic, message, current) => {
    const conversation = `mid-${message}`;
    expect(await say(conversation, topic)).not.toContain(NOT_FOUND);
    const text = await say(conversation, message);
    expect(text).toContain(NOT_FOUND);
    expect(text).not.toMatch(current);
  });
});

describe('a procedure question with the same words', () => {
  it.each([
    ['mua bảo hiểm y tế cho người chỉ tham gia bhyt ở đâu', /thẻ BHYT/i],
    ['sang tên xe máy mua lại của người quen', /sang tên xe/i],
    ['hợp đồng mua bán nhà có cần chứng thực không', /Chứng thực giao dịch/i],
    ['đổi bằng lái xe hết hạn mất bao nhiêu tiền', /Đổi giấy phép lái xe/i],
    ['lệ phí đăng ký kết hôn bao nhiêu tiền', /đăng ký kết hôn/i],
  ])('"%s" gets its procedure', async (message, procedure) => {
    const text = await say(`in-${message}`, message);
    expect(text).not.toContain(NOT_FOUND);
    expect(text).toMatch(procedure);
  });
});

describe('a follow-up about the current procedure with the same words', () => {
  it.each([
    ['giá bao nhiêu', /Lệ phí/i],
    ['lệ phí giá bao nhiêu tiền', /Lệ phí/i],
  ])('"%s" after a procedure is answered about it', async (message, expected) => {
    const conversation = `follow-${message}`;
    await say(conversation, 'đăng ký kết hôn');
    const text = await say(conversation, message);
    expect(text).not.toContain(NOT_FOUND);
    expect(text).toMatch(expected);
  });
});
