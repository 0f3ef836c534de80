// End to end in real headless Chromium: the real assistant started through src/main.ts (ephemeral port,
// temporary DATA_DIR, built-in knowledge), used the way a citizen would on a phone: ask about replacing a
// lost identity card, open the steps, go to the next step, ask about the fee. Also: no horizontal scroll
// at 360 × 740 and typed HTML shown as text. Screenshot: /tmp/webchat.png (phone), /tmp/webchat-desktop.png.
import { mkdtempSync, rmSync } from 'node:fs';
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
} from './helpers/browser.ts';
import { requireTool } from './helpers/required-tool.ts';

const chromiumPath = findChromium();

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
