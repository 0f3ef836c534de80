// Recognises the Bot API errors the adapter treats specially: flood control (429 with retry_after),
// a user who blocked the bot (403), and the harmless "not modified" / "query is too old" answers.
import { TelegramError } from 'telegraf';
import { errorMessage } from '../shared/error-message.ts';

function asTelegramError(error: unknown): TelegramError | undefined {
  return error instanceof TelegramError ? error : undefined;
}

/** Seconds to wait before retrying, when the Bot API asked us to slow down. */
export function retryAfterSeconds(error: unknown): number | undefined {
  const telegramError = asTelegramError(error);
  if (telegramError?.code !== 429) return undefined;
  return telegramError.parameters?.retry_after ?? 1;
}

/** The user blocked the bot, deleted their account, or kicked it from the chat. */
export function isChatUnreachable(error: unknown): boolean {
  return asTelegramError(error)?.code === 403;
}

export function isMessageNotModified(error: unknown): boolean {
  const telegramError = asTelegramError(error);
  return telegramError?.code === 400 && /message is not modified/i.test(telegramError.description);
}

export function isQueryTooOld(error: unknown): boolean {
  const telegramError = asTelegramError(error);
  return telegramError?.code === 400 && /query is too old|query id is invalid/i.test(telegramError.description);
}

/** Network errors quote the request URL, which carries the bot token: hide it. */
export function redactToken(text: string): string {
  return text.replace(/bot\d+:[\w-]+/g, 'bot<token>');
}

/** A short, secret-free description for logs (the Bot API's own description, never the request). */
export function describeError(error: unknown): { code?: number; description: string } {
  const telegramError = asTelegramError(error);
  if (telegramError) return { code: telegramError.code, description: redactToken(telegramError.description) };
  return { description: redactToken(errorMessage(error)) };
}
