// Zalo Bot Platform updates (from getUpdates or the webhook), checked with zod, and what the bot should do
// with one: answer its text, answer with the "text only" line (photo without caption, sticker, other), or
// stay silent (a group message that does not mention the bot, our own echo, an unknown event).
import { z } from 'zod';

const Id = z.union([z.string(), z.number()]).transform(String);

export const ZaloBotMessageSchema = z.looseObject({
  message_id: Id,
  from: z.looseObject({ id: Id, display_name: z.string().optional(), is_bot: z.boolean().optional() }),
  chat: z.looseObject({ id: Id, chat_type: z.string().optional() }),
  date: z.coerce.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
});

export const ZaloBotUpdateSchema = z.looseObject({
  event_name: z.string().optional(),
  message: ZaloBotMessageSchema.optional(),
});

export type ZaloBotMessage = z.infer<typeof ZaloBotMessageSchema>;
export type ZaloBotUpdate = z.infer<typeof ZaloBotUpdateSchema>;

/** getUpdates answers one update object (as documented) or, from some servers, a list: accept both. */
export function updatesOf(result: unknown): ZaloBotUpdate[] {
  const items = Array.isArray(result) ? result : result === undefined || result === null ? [] : [result];
  return items.flatMap((item) => {
    const parsed = ZaloBotUpdateSchema.safeParse(item);
    return parsed.success && parsed.data.message ? [parsed.data] : [];
  });
}

/** How the bot is named in a group mention ("@Trợ lý DVC", "@bot.VDKyGxQvc"). */
export interface BotIdentity {
  id: string;
  names: string[];
}

export type Action =
  | { kind: 'text'; text: string }
  | { kind: 'text_only' }
  | { kind: 'ignore'; why: 'own' | 'group_not_mentioned' | 'empty' | 'unknown_event' };

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with the bot's @mention removed, or undefined when the bot is not mentioned. */
export function withoutMention(text: string, bot: BotIdentity): string | undefined {
  const names = bot.names.filter((name) => name.trim() !== '').map(escapeRegExp);
  if (names.length === 0) return undefined;
  const mention = new RegExp(`@(?:${names.join('|')})(?![\\p{L}\\p{N}_.])`, 'giu');
  if (!mention.test(text)) return undefined;
  return text.replace(mention, ' ').replace(/\s+/g, ' ').trim();
}

export function isGroup(message: ZaloBotMessage): boolean {
  return (message.chat.chat_type ?? '').toUpperCase() === 'GROUP';
}

export function actionFor(update: ZaloBotUpdate, bot: BotIdentity): Action {
  const message = update.message;
  if (!message) return { kind: 'ignore', why: 'empty' };
  if (message.from.id === bot.id || message.from.is_bot) return { kind: 'ignore', why: 'own' };
  const event = update.event_name ?? (message.text !== undefined ? 'message.text.received' : '');
  const words = event === 'message.text.received' ? message.text : message.caption;
  const known = event.startsWith('message.') && event.endsWith('.received');
  if (!known) return { kind: 'ignore', why: 'unknown_event' };
  if (isGroup(message)) {
    // In a group, only a message that names the bot is for the bot (a sticker cannot name it).
    const question = words === undefined ? undefined : withoutMention(words, bot);
    if (question === undefined) return { kind: 'ignore', why: 'group_not_mentioned' };
    return question === '' ? { kind: 'ignore', why: 'empty' } : { kind: 'text', text: question };
  }
  if (words !== undefined && words.trim() !== '') return { kind: 'text', text: words.trim() };
  return event === 'message.text.received' ? { kind: 'ignore', why: 'empty' } : { kind: 'text_only' };
}
