// End to end in real headless Chromium: the real assistant started through src/main.ts (ephemeral port,
// temporary DATA_DIR, built-in knowledge), used the way a citizen would on a phone: ask about replacing a
// lost identity card, open the steps, go to the next step, ask about the fee. Also: no horizontal scroll
// at 360 × 740 and typed HTML shown as text. Screenshot: /tmp/webchat.png (phone), /tmp/webchat-desktop.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Started, start } from '../src/main.ts';
import {
  CHROMIUM_INSTALL_HINT,
  findChromium,
  hasHorizontalScroll,
  lastBotMessage,
  launchChromium,
  press,
  say,
  waitForIdle,
} from './helpers/browser.ts';
import { requireTool } from './helpers/required-tool.ts';

const chromiumPath = findChromium();
/** axe-core's browser bundle, injected into the page to check accessibility where the page really runs. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now: rule id and the first offending element. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol: the page's Content-Security-Policy rightly refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`);
  });
}

/** Whether an element is inside the visible part of the scrolling conversation log. */
function visibleInLog(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const node = document.querySelector(sel);
    const log = document.getElementById('log');
    if (!node || !log) return false;
    const a = node.getBoundingClientRect();
    const b = log.getBoundingClientRect();
    return a.height > 0 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1 && a.bottom <= window.innerHeight;
  }, selector);
}

/** Button labels the engine is expected to use (architecture.md); matched by visible text. */
const LABELS = {
  steps: /^\s*Các bước/i,
  next: /^\s*(Tiếp|Bước tiếp)/i,
};
const PROCEDURE = 'Cấp lại thẻ căn cước';

describe.skipIf(!chromiumPath)('web chat end to end (real server from src/main.ts)', () => {
  let started: Started;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'trolydvc-e2e-'));
    // A clean environment: built-in knowledge, no chat channels, no embedding model, nothing from the host.
    started = await start({
      env: { LOG_LEVEL: 'warn', ZALO_CREDENTIALS_FILE: join(dataDir, 'no-zalo-credentials.json') },
      port: 0,
      host: '127.0.0.1',
      dataDir,
    });
    browser = await launchChromium(chromiumPath as string);
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'vi-VN',
      reducedMotion: 'reduce', // no smooth scrolling: the screenshot shows the final state
    });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(started.url);
    await page.getByRole('textbox', { name: 'Câu hỏi của bạn' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await started?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a healthy assistant with the built-in knowledge base', async () => {
    const health = (await (await fetch(`${started.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health.status).toBe('ok');
    expect(health.procedures).toBeGreaterThan(0);
  });

  it('guides a citizen from a free question to the steps and the fee', async () => {
    let answer = await say(page, 'làm lại căn cước bị mất');
    // When several variants share the name (commune / province level) the assistant may ask which one first.
    const stepsButton = lastBotMessage(page).getByRole('button', { name: LABELS.steps });
    if ((await stepsButton.count()) === 0) {
      const variant = lastBotMessage(page).getByRole('button', { name: new RegExp(PROCEDURE) });
      if ((await variant.count()) > 0) answer = await press(page, new RegExp(PROCEDURE));
    }
    expect(answer).toContain(PROCEDURE);

    const firstStep = await press(page, LABELS.steps);
    expect(firstStep).toMatch(/Bước\s*1\b/);

    const secondStep = await press(page, LABELS.next);
    expect(secondStep).toMatch(/Bước\s*2\b/);

    const fee = await say(page, 'lệ phí bao nhiêu');
    expect(fee).toMatch(/lệ phí/i);
    expect(fee).toMatch(/70[.,\s]?000/); // the fee for replacing a card, from the knowledge base

    expect(await hasHorizontalScroll(page)).toBe(false);
    await page.screenshot({ path: '/tmp/webchat.png' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: '/tmp/webchat-desktop.png' });
    await page.setViewportSize({ width: 360, height: 740 });
  });

  it('keeps the transcript across a reload, and the buttons in it still work', async () => {
    await page.getByRole('button', { name: /Trò chuyện mới/ }).click();
    await say(page, 'làm lại căn cước bị mất');
    const stepsButton = lastBotMessage(page).getByRole('button', { name: LABELS.steps });
    if ((await stepsButton.count()) === 0) await press(page, new RegExp(PROCEDURE));
    await press(page, LABELS.steps);
    const before = await page.locator('#log .msg').allInnerTexts();
    await page.reload();
    await page.locator('#log .msg--user').first().waitFor();
    await waitForIdle(page);
    const after = await page.locator('#log .msg').allInnerTexts();
    expect(after).toEqual(before);
    // The engine remembers the same walk: "Tiếp" on the restored step goes on to step 2.
    expect(await press(page, LABELS.next)).toMatch(/Bước\s*2\b/);
  });

  it('does not show a kept transcript the engine has forgotten', async () => {
    // A conversation the server does not know (expired, or the server was reset) with a kept transcript.
    await page.evaluate(() => {
      localStorage.setItem('trolydvc.conversationId', 'forgotten-conversation-1');
      const reply = {
        paragraphs: [[{ kind: 'text', text: 'Câu trả lời cũ đã bị quên' }]],
        menu: { id: 'c9', prompt: 'p', options: [{ id: 'next', label: 'Tiếp' }] },
      };
      localStorage.setItem(
        'trolydvc.transcript.forgotten-conversation-1',
        JSON.stringify({
          v: 1,
          entries: [
            { kind: 'user', text: 'câu hỏi cũ' },
            { kind: 'bot', reply },
          ],
          lastMenuId: 'c9',
        }),
      );
    });
    await page.reload();
    await page.getByText('Cuộc trò chuyện trước đã kết thúc').waitFor();
    expect(await page.locator('#log').textContent()).not.toContain('Câu trả lời cũ đã bị quên');
    expect(await page.locator('#log .msg--user').count()).toBe(0);
  });

  it('shows the typing indicator in view while the answer is on its way', async () => {
    for (const question of ['đăng ký thường trú', 'cần giấy tờ gì']) await say(page, question);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/chat', async (route) => {
      await held;
      await route.continue();
    });
    const input = page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
    await input.fill('lệ phí bao nhiêu');
    await input.press('Enter');
    await page.locator('.typing').waitFor();
    await page.waitForTimeout(300); // let the scroll settle
    expect(await visibleInLog(page, '.typing')).toBe(true);
    release();
    await waitForIdle(page);
    await page.unroute('**/api/chat');
  });

  it('has no axe-core violations at phone and desktop sizes', async () => {
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1024, height: 768 });
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 360, height: 740 });
  });

  it('shows typed HTML as text and never runs it', async () => {
    const typed = '<img src=x onerror=alert(1)>';
    await say(page, typed);
    await expect(page.locator('.msg--user').last().textContent()).resolves.toBe(typed);
    expect(await page.locator('#log img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
  });
});

requireTool(Boolean(chromiumPath), 'web chat end to end', CHROMIUM_INSTALL_HINT);
