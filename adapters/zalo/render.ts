// Renders platform-neutral replies as Zalo plain text: bold spans as style ranges (zca-js TextStyle.Bold),
// menus as numbered options ("Trả lời 1, 2 hoặc 3"; the engine resolves the typed number), quick links
// as "Label: URL" lines, split under Zalo's 2000-character limit at paragraph boundaries. Pure.
// One turn shows ONE numbered menu: the engine resolves a typed number against the last menu it sent, so
// earlier menus of the turn are left out. "Hữu ích / Chưa đúng" are not numbered: they become a short line
// inviting the user to type the words (the engine understands them as feedback).
// Also used by the Zalo Official Account and Zalo Bot Platform adapters, which ignore the style ranges.
import type { Menu, Reply, Span } from '../../src/conversation/types.ts';
import { packBlocks, splitSpans } from '../shared/text-split.ts';

/** Zalo messages must stay under 2000 characters; keep a margin. */
export const ZALO_MESSAGE_LIMIT = 1900;

export interface TextRange {
  start: number;
  len: number;
}

export interface ZaloText {
  text: string;
  /** Ranges (UTF-16 offsets into `text`) to show in bold. */
  bold: TextRange[];
}

const PARAGRAPH_SEPARATOR = '\n\n';

/** Links become "label (url)" in running text: Zalo shows bare URLs as clickable. */
function spanText(span: Span): string {
  if (span.kind !== 'link') return span.text;
  return span.text === span.url || span.text.trim() === '' ? span.url : `${span.text} (${span.url})`;
}

function blockOf(spans: Span[]): ZaloText {
  let text = '';
  const bold: TextRange[] = [];
  for (const span of spans) {
    const piece = spanText(span);
    if (span.kind === 'bold' && piece.length > 0) bold.push({ start: text.length, len: piece.length });
    text += piece;
  }
  return { text, bold };
}

/** "Trả lời 1", "Trả lời 1 hoặc 2", "Trả lời 1, 2 hoặc 3", or a range for long menus. */
export function answerHint(count: number): string {
  if (count <= 1) return 'Trả lời 1';
  if (count > 5) return `Trả lời một số từ 1 đến ${count}`;
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  return `Trả lời ${numbers.slice(0, -1).join(', ')} hoặc ${numbers.at(-1)}`;
}

export function menuText(menu: Menu): string {
  const lines = menu.options.map((option, index) => `${index + 1}. ${option.label}`);
  return [menu.prompt, ...lines, answerHint(menu.options.length)].filter((line) => line.trim() !== '').join('\n');
}

function replyBlocks(reply: Reply, limit: number): ZaloText[] {
  const blocks: ZaloText[] = [];
  const add = (spans: Span[]) => {
    const block = blockOf(spans);
    if (block.text.trim() === '') return;
    if (block.text.length <= limit) blocks.push(block);
    else blocks.push(...splitSpans(spans, limit, spanText).map(blockOf));
  };
  for (const paragraph of reply.paragraphs) add(paragraph);
  if (reply.menu && reply.menu.options.length > 0) add([{ kind: 'text', text: menuText(reply.menu) }]);
  if (reply.links && reply.links.length > 0) {
    add([{ kind: 'text', text: reply.links.map((quickLink) => `${quickLink.label}: ${quickLink.url}`).join('\n') }]);
  }
  return blocks;
}

function join(blocks: ZaloText[]): ZaloText {
  let text = '';
  const bold: TextRange[] = [];
  for (const block of blocks) {
    if (text !== '') text += PARAGRAPH_SEPARATOR;
    for (const range of block.bold) bold.push({ start: text.length + range.start, len: range.len });
    text += block.text;
  }
  return { text, bold };
}

/** Renders one reply as one or more Zalo messages. */
export function renderZaloReply(reply: Reply, limit = ZALO_MESSAGE_LIMIT): ZaloText[] {
  const blocks = replyBlocks(reply, limit);
  const groups = packBlocks(
    blocks.map((block) => block.text.length),
    limit,
    PARAGRAPH_SEPARATOR.length,
  );
  return groups.map((group) => join(group.map((index) => blocks[index] as ZaloText)));
}

/** Option ids of the answer-feedback buttons, shown as a typed-words line instead of numbers. */
const FEEDBACK_OPTIONS = new Set(['up', 'down']);

export const FEEDBACK_LINE = 'Câu trả lời có giúp được bạn không? Nhắn “hữu ích” hoặc “chưa đúng”.';

/** Drops the trailing feedback options of a menu (trailing only, so the other numbers stay the engine's). */
function withoutFeedback(menu: Menu): { menu: Menu; hadFeedback: boolean } {
  const options = [...menu.options];
  let hadFeedback = false;
  while (options.length > 0 && FEEDBACK_OPTIONS.has((options.at(-1) as Menu['options'][number]).id)) {
    options.pop();
    hadFeedback = true;
  }
  return { menu: { ...menu, options }, hadFeedback };
}

/** The replies of one turn with one numbered menu (the last one), and whether feedback was offered. */
export function oneMenuPerTurn(replies: Reply[]): { replies: Reply[]; feedback: boolean } {
  const lastMenuAt = replies.findLastIndex((reply) => reply.menu && reply.menu.options.length > 0);
  let feedback = false;
  const shaped = replies.map((reply, index) => {
    if (!reply.menu) return reply;
    const { menu, hadFeedback } = withoutFeedback(reply.menu);
    feedback ||= hadFeedback;
    return index === lastMenuAt ? { ...reply, menu } : { ...reply, menu: undefined };
  });
  return { replies: shaped, feedback };
}

/** Renders the replies of one turn as Zalo messages; the feedback line closes the last one. */
export function renderZaloReplies(replies: Reply[], limit = ZALO_MESSAGE_LIMIT): ZaloText[] {
  const turn = oneMenuPerTurn(replies);
  const messages = turn.replies.flatMap((reply) => renderZaloReply(reply, limit));
  if (!turn.feedback) return messages;
  const last = messages.at(-1);
  if (last && last.text.length + PARAGRAPH_SEPARATOR.length + FEEDBACK_LINE.length <= limit) {
    last.text += `${PARAGRAPH_SEPARATOR}${FEEDBACK_LINE}`;
  } else {
    messages.push({ text: FEEDBACK_LINE, bold: [] });
  }
  return messages;
}
