// Headless Chromium for browser tests (Debian's /usr/bin/chromium or CHROMIUM_PATH, driven by
// playwright-core, which never downloads a browser), plus helpers that talk to the web chat page
// the way a person does: type, press Enter, press buttons by their visible label, read the replies.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_INSTALL_HINT =
  'Chromium not found: install it with `apt-get update && apt-get install -y chromium` or set CHROMIUM_PATH';

/** Path of a Chromium executable (CHROMIUM_PATH when set, else Debian's), or undefined when there is none. */
export function findChromium(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  // playwright gives every launch a fresh temporary user-data-dir and removes it on close.
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Bot messages that carry a reply (not the typing indicator). */
export function botMessages(page: Page): Locator {
  return page.locator('.msg--bot:not(.typing)');
}

export function lastBotMessage(page: Page): Locator {
  return botMessages(page).last();
}

/** Waits until the page has finished a round trip (no request pending, typing indicator gone). */
export async function waitForIdle(page: Page): Promise<void> {
  await page.locator('#log[aria-busy="false"]').waitFor();
  await page.locator('.typing').waitFor({ state: 'detached' });
}

/** Types a message like a person (fill + Enter), waits for the answer and returns its visible text. */
export async function say(page: Page, text: string): Promise<string> {
  const before = await botMessages(page).count();
  const input = page.getByRole('textbox', { name: 'Câu hỏi của bạn' });
  await input.fill(text);
  await input.press('Enter');
  return answerAfter(page, before);
}

/** Presses the last button with this visible label, waits for the answer and returns its visible text. */
export async function press(page: Page, label: string | RegExp): Promise<string> {
  const before = await botMessages(page).count();
  await page.getByRole('button', { name: label }).last().click();
  return answerAfter(page, before);
}

async function answerAfter(page: Page, before: number): Promise<string> {
  await page.waitForFunction((count) => document.querySelectorAll('.msg--bot:not(.typing)').length > count, before);
  await waitForIdle(page);
  const all = await botMessages(page).allInnerTexts();
  return all.slice(before).join('\n');
}

/** True when the page is wider than the viewport (a horizontal scrollbar). */
export function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}
