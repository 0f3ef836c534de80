// Reads a Telegram message into what the assistant should do with it: a text question (commands normalised,
// a caption counts as text), the "text only" notice for other media, or nothing. In a group it answers only
// a command, a message that mentions the bot, or a reply to the bot's own message. Pure: no network.
import type { Message, MessageEntity } from 'telegraf/types';

export interface BotIdentity {
  id: number;
  username: string;
}

export type Incoming =
  | { kind: 'text'; text: string }
  /** /start, with the procedure code its deep link carried (t.me/<bot>?start=1_000123), if any. */
  | { kind: 'start'; code?: string }
  | { kind: 'media' }
  | { kind: 'ignore' };

/** Kinds of message that carry no text we can read. */
const MEDIA_FIELDS = [
  'photo',
  'sticker',
  'voice',
  'audio',
  'video',
  'video_note',
  'animation',
  'document',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
] as const;

export function isGroupChat(type: string | undefined): boolean {
  return type === 'group' || type === 'supergroup';
}

/**
 * "/start@MyBot hi" -> "/start hi" when addressed to this bot; undefined when addressed to another bot
 * (in a group). Other text is returned unchanged; the engine understands the commands.
 */
export function normalizeCommand(text: string, botUsername: string): string | undefined {
  const match = /^(\/[a-z0-9_]+)@([a-z0-9_]+)(.*)$/is.exec(text);
  if (!match) return text;
  if ((match[2] as string).toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return `${match[1]}${match[3]}`;
}

/** A deep-link payload that is a procedure code ("1_000123", "1-000123", "1.000123") as the code, else undefined. */
export function procedureCodeOf(payload: string): string | undefined {
  const match = /^(\d{1,2})[._-](\d{5,7})$/.exec(payload.trim());
  return match ? `${match[1]}.${match[2]}` : undefined;
}

function mentionsBot(text: string, entities: MessageEntity[], bot: BotIdentity): boolean {
  for (const entity of entities) {
    if (entity.type === 'text_mention' && entity.user.id === bot.id) return true;
    if (entity.type === 'mention') {
      const mention = text.slice(entity.offset + 1, entity.offset + entity.length);
      if (mention.toLowerCase() === bot.username.toLowerCase()) return true;
    }
  }
  // Clients always send the entity; a hand-built update may not: a literal "@username" counts too.
  return mentionPattern(bot).test(text);
}

function mentionPattern(bot: BotIdentity): RegExp {
  return new RegExp(`(^|[^\\w@])@${bot.username.replace(/[^\w]/g, '')}(?![\\w])`, 'i');
}

/** The text without the bot's "@username" (and tidied spaces). */
export function stripBotMention(text: string, bot: BotIdentity): string {
  return text
    .replace(new RegExp(mentionPattern(bot).source, 'gi'), '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What to do with a message (from a private chat or a group). */
export function readMessage(message: Message, bot: BotIdentity): Incoming {
  const m = message as Message & Record<string, unknown>;
  const from = m.from;
  if (!from || from.is_bot) return { kind: 'ignore' };
  const group = isGroupChat(m.chat?.type);
  const raw = typeof m.text === 'string' ? m.text : typeof m.caption === 'string' ? m.caption : undefined;
  const entities = ((typeof m.text === 'string' ? m.entities : m.caption_entities) ?? []) as MessageEntity[];
  const replyTo = m.reply_to_message as Message | undefined;
  const repliesToBot = replyTo?.from?.id === bot.id;

  if (raw !== undefined && raw.trim() !== '') {
    const text = raw.trim();
    if (text.startsWith('/')) {
      const command = normalizeCommand(text, bot.username);
      if (command === undefined) return { kind: 'ignore' };
      const start = /^\/start(?:\s+(\S+))?\s*$/i.exec(command);
      if (start) {
        const code = start[1] ? procedureCodeOf(start[1]) : undefined;
        return code ? { kind: 'start', code } : { kind: 'start' };
      }
      return { kind: 'text', text: command };
    }
    if (!group) return { kind: 'text', text };
    const mentioned = mentionsBot(text, entities, bot);
    if (!mentioned && !repliesToBot) return { kind: 'ignore' };
    const question = mentioned ? stripBotMention(text, bot) : text;
    return { kind: 'text', text: question === '' ? 'xin chào' : question };
  }

  const isMedia = MEDIA_FIELDS.some((field) => m[field] !== undefined);
  if (!isMedia) return { kind: 'ignore' };
  // In a group, a photo or sticker is for the people there unless it answers the bot.
  if (group && !repliesToBot) return { kind: 'ignore' };
  return { kind: 'media' };
}
