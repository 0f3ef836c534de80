// The web chat page in real headless Chromium against the real server with a scripted engine: replies are
// rendered as text (HTML and script in replies or input never run), only web links become links, menus
// post choices, the keyboard works, rate limits and an unreachable server give friendly messages.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import type { InboundEvent, Reply } from '../src/conversation/types.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { stubAssistant } from './helpers/assistant.ts';
import {
  CHROMIUM_INSTALL_HINT,
  findChromium,
  hasHorizontalScroll,
  lastBotMessage,
  launchChromium,
  press,
  say,
} from './helpers/browser.ts';
import { ScriptedEngine } from './helpers/engines.ts';
import { requireTool } from './helpers/required-tool.ts';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const PORTAL_PAGE = 'https://dichvucong.gov.vn/thu-tuc-hanh-chinh/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function scriptedReplies(event: InboundEvent): Reply[] {
  if (event.choice)
    return [{ paragraphs: [[{ kind: 'text', text: `Bạn chọn: ${event.choice.menuId}/${event.choice.optionId}` }]] }];
  const said = event.text ?? '';
  if (said === 'thẻ') {
    return [
      {
        paragraphs: [
          [{ kind: 'text', text: HOSTILE }],
          [
            { kind: 'bold', text: '<b>đậm</b>' },
            { kind: 'text', text: ' và ' },
            { kind: 'link', text: 'liên kết xấu', url: 'javascript:window.__pwned=2' },
            { kind: 'text', text: ' và ' },
            { kind: 'link', text: 'Xem trên Cổng', url: PORTAL_PAGE },
          ],
        ],
        menu: {
          id: 'm1',
          prompt: 'Bạn muốn xem gì?',
          options: [
            { id: 'steps', label: 'Các bước' },
            { id: 'x', label: '<script>window.__pwned=3</script>' },
          ],
        },
        links: [
          { label: 'Nộp trực tuyến', url: 'https://dichvucong.gov.vn/nop-ho-so?formalityId=abc' },
          { label: 'Liên kết lạ', url: 'javascript:window.__pwned=4' },
        ],
      },
    ];
  }
  if (said === 'dài') {
    return [{ paragraphs: [[{ kind: 'text', text: `https://dichvucong.gov.vn/${'a'.repeat(400)}` }]] }];
  }
  return [{ paragraphs: [[{ kind: 'text', text: `Bạn nói: ${said}` }]] }];
}

const chromiumPath = findChromium();

describe.skipIf(!chromiumPath)('web chat page in Chromium', () => {
  let browser: Browser;
  const servers: FastifyInstance[] = [];
  const engine = new ScriptedEngine(scriptedReplies);
  const events = engine.events;
  let page: Page;
  let dialogs: string[] = [];

  async function serve(env: Record<string, string> = {}): Promise<{ app: FastifyInstance; url: string }> {
    const assistant = stubAssistant({ engine });
    const app = await buildServer({
      assistant,
      config: loadConfig({ LOG_LEVEL: 'silent', ...env }),
      logger: createLogger('silent'),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(app);
    return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/` };
  }

  async function open(url: string, viewport = { width: 1024, height: 768 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const opened = await context.newPage();
    dialogs = [];
    opened.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await opened.goto(url);
    await opened.getByRole('textbox', { name: 'Câu hỏi của bạn' }).waitFor();
    return opened;
  }

  beforeAll(async () => {
    browser = await launchChromium(chromiumPath as string);
  });
  afterEach(async () => {
    await page?.context().close();
    events.length = 0;
    while (servers.length > 0) await servers.pop()?.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows HTML in replies and in typed text as text, and never runs it', async () => {
    const { url } = await serve();
    page = await open(url);
    await say(page, 'thẻ');
    const reply = lastBotMessage(page);
    await expect(reply.textContent()).resolves.toContain(HOSTILE);
    await expect(reply.locator('strong').textContent()).resolves.toBe('<b>đậm</b>');
    await expect(page.getByRole('button', { name: '<script>window.__pwned=3</script>' }).count()).resolves.toBe(1);

    const typed = '<img src=x onerror=alert(1)>';
    const echoed = await say(page, typed);
    expect(echoed).toContain(`Bạn nói: ${typed}`);
    await expect(page.locator('.msg--user').last().textContent()).resolves.toBe(typed);

    expect(await page.locator('#log img, #log script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('turns only web addresses into links, opening in a new tab without opener', async () => {
    const { url } = await serve();
    page = await open(url);
    await say(page, 'thẻ');
    const reply = lastBotMessage(page);
    const portal = reply.getByRole('link', { name: 'Xem trên Cổng' });
    expect(await portal.getAttribute('href')).toBe(PORTAL_PAGE);
    expect(await portal.getAttribute('target')).toBe('_blank');
    expect(await portal.getAttribute('rel')).toContain('noopener');
    const submit = reply.getByRole('link', { name: /Nộp trực tuyến/ });
    expect(await submit.getAttribute('href')).toBe('https://dichvucong.gov.vn/nop-ho-so?formalityId=abc');
    expect(await submit.getAttribute('rel')).toContain('noopener');
    // javascript: URLs stay plain text (span) or are dropped (quick link).
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await expect(reply.textContent()).resolves.toContain('liên kết xấu');
    expect(await reply.getByRole('link', { name: 'Liên kết lạ' }).count()).toBe(0);
  });

  it('posts a menu press as a choice and shows its label as the user message', async () => {
    const { url } = await serve();
    page = await open(url);
    await say(page, 'thẻ');
    const answer = await press(page, 'Các bước');
    expect(answer).toContain('Bạn chọn: m1/steps');
    await expect(page.locator('.msg--user').last().textContent()).resolves.toBe('Các bước');
    const last = events.at(-1);
    expect(last?.choice).toEqual({ menuId: 'm1', optionId: 'steps' });
    expect(last?.text).toBeUndefined();
  });

  it('works from the keyboard: Enter sends, Shift+Enter adds a line, Tab reaches the buttons', async () => {
    const { url } = await serve();
    page = await open(url);
    const input = page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
    await input.focus();
    await page.keyboard.type('dòng một');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('dòng hai');
    expect(await input.inputValue()).toBe('dòng một\ndòng hai');
    expect(events).toHaveLength(0);
    await page.keyboard.press('Enter');
    await page.locator('.msg--bot', { hasText: 'Bạn nói: dòng một' }).waitFor();
    expect(events[0]?.text).toBe('dòng một\ndòng hai');
    expect(await input.inputValue()).toBe('');

    await say(page, 'thẻ');
    await input.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Gửi');
    // Menu buttons are real buttons: focusable and operable with Enter.
    await page.getByRole('button', { name: 'Các bước' }).last().focus();
    await page.keyboard.press('Enter');
    await page.locator('.msg--bot', { hasText: 'Bạn chọn: m1/steps' }).waitFor();
    expect(await page.getByRole('log').getAttribute('aria-live')).toBe('polite');
  });

  it('keeps the conversation id across reloads and starts a new one on request', async () => {
    const { url } = await serve();
    page = await open(url);
    await say(page, 'một');
    await page.reload();
    await page.getByRole('textbox', { name: 'Câu hỏi của bạn' }).waitFor();
    await say(page, 'hai');
    expect(events[0]?.conversationId).toMatch(/^web:[A-Za-z0-9_-]+$/);
    expect(events[1]?.conversationId).toBe(events[0]?.conversationId);
    await page.getByRole('button', { name: /Trò chuyện mới/ }).click();
    await say(page, 'ba');
    expect(events[2]?.conversationId).not.toBe(events[0]?.conversationId);
  });

  it('fits a 360 px phone screen without horizontal scrolling, even with a long unbroken reply', async () => {
    const { url } = await serve();
    page = await open(url, { width: 360, height: 740 });
    await say(page, 'thẻ');
    await say(page, 'dài');
    expect(await hasHorizontalScroll(page)).toBe(false);
    const box = await lastBotMessage(page).boundingBox();
    expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
  });

  it('tells the user to slow down on 429 and gives the typed text back', async () => {
    const { url } = await serve({ CHAT_RATE_PER_MINUTE: '1' });
    page = await open(url);
    await say(page, 'một');
    const answer = await say(page, 'hai');
    expect(answer).toMatch(/Bạn gửi hơi nhanh\. Bạn đợi khoảng \d+ giây/);
    expect(await page.getByRole('textbox', { name: 'Câu hỏi của bạn' }).inputValue()).toBe('hai');
  });

  it('asks for a shorter message when the body is too large (413)', async () => {
    const { url } = await serve();
    page = await open(url);
    const answer = await say(page, 'rất dài '.repeat(3000));
    expect(answer).toContain('Tin nhắn quá dài');
    expect(events).toHaveLength(0);
  });

  it('says so when the server cannot be reached', async () => {
    const { app, url } = await serve();
    page = await open(url);
    // Stop as a crashed server would: no graceful wait for the browser's kept-alive connections.
    const closing = app.close();
    app.server.closeAllConnections();
    await closing;
    servers.length = 0;
    const answer = await say(page, 'còn đó không');
    expect(answer).toContain('chưa kết nối được với máy chủ');
  });
});

requireTool(Boolean(chromiumPath), 'web chat page in Chromium', CHROMIUM_INSTALL_HINT);
