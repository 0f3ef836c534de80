// Dossier codes in a conversation: found anywhere in a message, a malformed date explained, demo records
// marked "DỮ LIỆU MINH HỌA", codes of another shape asked about first, and "nhắc tôi mã hồ sơ vừa tra"
// answered only within the conversation that looked the code up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Assistant, createAssistant } from '../src/assistant.ts';
import { DEMO_BANNER } from '../src/conversation/screens/dossier.ts';
import type { Choice, Reply } from '../src/conversation/types.ts';
import { createLogger } from '../src/log/logger.ts';
import type { MemoryFeedbackStore } from '../src/store/memory.ts';
import { lastMenu, plain, sendTo, testConfig } from './helpers/conversation.ts';

const DEMO_PROCESSING = '000.00.00.D00-250701-0002';

let dataDir: string;
let assistant: Assistant;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'conversation-dossier-'));
  const config = testConfig(dataDir, { DOSSIER_PROVIDER: 'demo' });
  assistant = await createAssistant(config, createLogger('silent'), { inMemory: true });
});

afterAll(async () => {
  await assistant?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const send = (conversationId: string, input: string | Choice): Promise<Reply[]> =>
  sendTo(assistant.engine, conversationId, input, 'zalo');

describe('dossier codes', () => {
  it('explains a code whose date cannot exist, without looking it up', async () => {
    const replies = await send('d1', 'cho mình hỏi hồ sơ 000.00.14.H56-201399-0118 tới đâu rồi');
    const text = plain(replies);
    expect(text).toContain('000.00.14.H56-201399-0118');
    expect(text).toContain('có vẻ chưa đúng');
    expect(text).toContain('000.00.14.H56-200203-0118');
    expect(text).not.toContain(DEMO_BANNER);
  });

  it('shows the status of a demo dossier found in the middle of a sentence, marked as demo data', async () => {
    const text = plain(await send('d2', `mã hồ sơ của tôi là ${DEMO_PROCESSING} giờ sao rồi ạ`));
    expect(text).toContain(DEMO_BANNER);
    expect(text).toContain(`Hồ sơ ${DEMO_PROCESSING}`);
    expect(text).toContain('không hiển thị thông tin cá nhân');
  });

  it("offers the guidance of the dossier's procedure after the status", async () => {
    // The first demo record names its procedure by code (1.001193, đăng ký khai sinh).
    const replies = await send('d2b', 'tra hồ sơ 000.00.00.D00-250701-0001');
    const menu = lastMenu(replies);
    expect(menu?.options.map((o) => o.label)).toContain('Xem hướng dẫn thủ tục');
    const guidance = await send('d2b', { menuId: menu?.id ?? '', optionId: menu?.options[0]?.id ?? '' });
    expect(plain(guidance)).toContain('Thủ tục đăng ký khai sinh');
  });

  it('recalls the last code looked up, only in the same conversation', async () => {
    await send('d3', `tra hồ sơ ${DEMO_PROCESSING}`);
    const recall = plain(await send('d3', 'nhắc tôi mã hồ sơ vừa tra'));
    expect(recall).toContain(DEMO_PROCESSING);
    const other = plain(await send('d3-other', 'nhắc tôi mã hồ sơ vừa tra'));
    expect(other).toContain('chưa tra mã hồ sơ nào');
    expect(other).not.toContain(DEMO_PROCESSING);
  });

  it('asks before looking up a code of another shape, and drops it on "Không phải"', async () => {
    const question = await send('d4', '03706/2026/07906');
    expect(plain(question)).toContain('có phải là mã hồ sơ');
    const menu = lastMenu(question);
    const no = menu?.options.find((o) => o.id === 'no');
    expect(no).toBeDefined();
    const replies = await send('d4', { menuId: menu?.id ?? '', optionId: no?.id ?? '' });
    expect(plain(replies)).not.toContain(DEMO_BANNER);
    expect(plain(await send('d4', 'nhắc tôi mã hồ sơ vừa tra'))).toContain('chưa tra mã hồ sơ nào');
  });

  it('looks up a code of another shape after "1" (yes) and keeps it for recall', async () => {
    await send('d5', 'số hồ sơ bảo hiểm 03706/2026/07906');
    const replies = await send('d5', '1');
    expect(plain(replies)).toContain(DEMO_BANNER);
    expect(plain(replies)).toContain('03706/2026/07906');
    expect(plain(await send('d5', 'nhắc tôi mã hồ sơ vừa tra'))).toContain('03706/2026/07906');
  });

  it('keeps the procedure being discussed after a dossier lookup', async () => {
    await send('d6', 'làm lại căn cước bị mất');
    await send('d6', 'tiếp');
    await send('d6', `hồ sơ ${DEMO_PROCESSING}`);
    expect(plain(await send('d6', 'lệ phí bao nhiêu'))).toContain('Cấp lại thẻ căn cước');
    expect((assistant.feedback as MemoryFeedbackStore).unanswered).toEqual([]);
  });
});
