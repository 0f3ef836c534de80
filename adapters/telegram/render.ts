// Renders platform-neutral replies as Telegram messages: HTML parse mode with escaping, inline keyboards
// for menus (callback data `m:<menuId>:<optionId>`) and URL buttons for quick links, split under the
// 4096-character limit with the keyboard on the last part. Long option names (procedure choices) are listed
// numbered in the text and the buttons carry short numbered labels; "Hữu ích" / "Chưa đúng" share one row.
// Pure: no network, no telegraf runtime.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Choice, Menu, QuickLink, Reply, Span } from '../../src/conversation/types.ts';
import { packBlocks, splitSpans } from '../shared/text-split.ts';

/** Telegram accepts 4096 characters after entity parsing; measuring the HTML keeps a safe margin. */
export const TELEGRAM_MESSAGE_LIMIT = 4000;
/** Telegram's limit for callback_data, in bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;
/** Two buttons share a row only when both labels are at most this many characters. */
const SHORT_LABEL = 14;
/** A menu with a label longer than this lists its options numbered in the text, with short button labels. */
export const MAX_BUTTON_LABEL = 32;
/** The feedback pair, always on one row of its own. */
const FEEDBACK_IDS = new Set(['up', 'down']);

export interface TelegramMessage {
  html: string;
  keyboard?: InlineKeyboardMarkup;
  /** True on the first part of a reply that asked to replace the message whose button was pressed. */
  replacesPrevious: boolean;
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, '&quot;');
}

function isSafeUrl(url: string): boolean {
  return /^(https?|tg):\/\//i.test(url);
}

function renderSpan(span: Span): string {
  switch (span.kind) {
    case 'text':
      return escapeHtml(span.text);
    case 'bold':
      return `<b>${escapeHtml(span.text)}</b>`;
    case 'link':
      return isSafeUrl(span.url)
        ? `<a href="${escapeAttribute(span.url)}">${escapeHtml(span.text)}</a>`
        : escapeHtml(span.text === span.url ? span.text : `${span.text} (${span.url})`);
  }
}

function renderSpans(spans: Span[]): string {
  return spans.map(renderSpan).join('');
}

export function callbackData(menuId: string, optionId: string): string {
  return `m:${menuId}:${optionId}`;
}

/** Reads `m:<menuId>:<optionId>` back into a choice; anything else is not ours. */
export function parseCallbackData(data: string): Choice | undefined {
  const match = /^m:([^:]+):(.+)$/s.exec(data);
  return match ? { menuId: match[1] as string, optionId: match[2] as string } : undefined;
}

function fitsCallbackData(menu: Menu): boolean {
  return menu.options.every(
    (option) =>
      option.id.length > 0 && Buffer.byteLength(callbackData(menu.id, option.id), 'utf8') <= CALLBACK_DATA_MAX_BYTES,
  );
}

/** One button per row, or two side by side when both labels are short; the feedback pair on its own row. */
function layoutRows(buttons: InlineKeyboardButton[], feedback: InlineKeyboardButton[]): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  const isShort = (button: InlineKeyboardButton) => Array.from(button.text).length <= SHORT_LABEL;
  for (let i = 0; i < buttons.length; i++) {
    const button = buttons[i] as InlineKeyboardButton;
    const next = buttons[i + 1];
    if (next && isShort(button) && isShort(next)) {
      rows.push([button, next]);
      i++;
    } else {
      rows.push([button]);
    }
  }
  if (feedback.length > 0) rows.push(feedback);
  return rows;
}

/** Whether the menu's options are listed numbered in the text (some name is too long for a button). */
export function listsOptions(menu: Menu): boolean {
  return menu.options.some((option) => Array.from(option.label).length > MAX_BUTTON_LABEL);
}

/** "Cấp lại thẻ căn cước khi bị mất, hư hỏng…" cut at a word boundary to `max` characters. */
export function shortLabel(label: string, max = MAX_BUTTON_LABEL - 4): string {
  const chars = Array.from(label);
  if (chars.length <= max) return label;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  return `${(space > max / 2 ? head.slice(0, space) : head).replace(/[\s,;:.-]+$/, '')}…`;
}

function menuButtons(menu: Menu): { buttons: InlineKeyboardButton[]; feedback: InlineKeyboardButton[] } {
  const numbered = listsOptions(menu);
  const buttons: InlineKeyboardButton[] = [];
  const feedback: InlineKeyboardButton[] = [];
  menu.options.forEach((option, index) => {
    const text = numbered ? `${index + 1}. ${shortLabel(option.label)}` : option.label;
    const button = { text, callback_data: callbackData(menu.id, option.id) };
    if (FEEDBACK_IDS.has(option.id)) feedback.push(button);
    else buttons.push(button);
  });
  return { buttons, feedback };
}

function keyboardFor(menu: Menu | undefined, links: QuickLink[]): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = [];
  if (menu && fitsCallbackData(menu)) {
    const { buttons, feedback } = menuButtons(menu);
    rows.push(...layoutRows(buttons, feedback));
  }
  for (const quickLink of links) rows.push([{ text: quickLink.label, url: quickLink.url }]);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** The paragraphs of one reply as HTML blocks, each short enough for one message. */
function replyBlocks(reply: Reply, limit: number): string[] {
  const blocks: string[] = [];
  const addParagraph = (spans: Span[]) => {
    if (spans.every((span) => span.text.trim() === '')) return;
    const html = renderSpans(spans);
    if (html.length <= limit) blocks.push(html);
    else blocks.push(...splitSpans(spans, limit, renderSpan).map(renderSpans));
  };
  for (const paragraph of reply.paragraphs) addParagraph(paragraph);
  if (reply.menu) {
    const menu = reply.menu;
    if (fitsCallbackData(menu) && !listsOptions(menu)) addParagraph([{ kind: 'text', text: menu.prompt }]);
    else {
      // Names too long for a button, or ids too long for callback data: a numbered list (the buttons, if any,
      // carry the numbers); the engine understands typed numbers too.
      addParagraph([{ kind: 'text', text: menu.prompt }]);
      addParagraph([
        { kind: 'text', text: menu.options.map((option, index) => `${index + 1}. ${option.label}`).join('\n') },
      ]);
    }
  }
  const textLinks = (reply.links ?? []).filter((quickLink) => !isSafeUrl(quickLink.url));
  for (const quickLink of textLinks) addParagraph([{ kind: 'text', text: `${quickLink.label}: ${quickLink.url}` }]);
  return blocks;
}

/** Renders one reply as one or more Telegram messages, the keyboard on the last one. */
export function renderTelegramReply(reply: Reply, limit = TELEGRAM_MESSAGE_LIMIT): TelegramMessage[] {
  const separator = '\n\n';
  const blocks = replyBlocks(reply, limit);
  const keyboard = keyboardFor(
    reply.menu,
    (reply.links ?? []).filter((quickLink) => isSafeUrl(quickLink.url)),
  );
  if (blocks.length === 0) {
    if (!keyboard) return [];
    blocks.push(escapeHtml('Mời bạn chọn:'));
  }
  const groups = packBlocks(
    blocks.map((block) => block.length),
    limit,
    separator.length,
  );
  return groups.map((group, index) => ({
    html: group.map((i) => blocks[i]).join(separator),
    keyboard: index === groups.length - 1 ? keyboard : undefined,
    replacesPrevious: index === 0 && reply.replacesPrevious === true,
  }));
}

export function renderTelegramReplies(replies: Reply[], limit = TELEGRAM_MESSAGE_LIMIT): TelegramMessage[] {
  return replies.flatMap((reply) => renderTelegramReply(reply, limit));
}

/** The text of a rendered message without its markup (the fallback when Telegram rejects the HTML). */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<a href="([^"]*)">([\s\S]*?)<\/a>/g, (_all, url: string, label: string) =>
      label === url ? label : `${label} (${url})`,
    )
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
