// Recognises the Bot API errors the adapter treats specially: flood control (429 with retry_after),
// a user who blocked the bot (403), the harmless "not modified" / "query is too old" answers, polling conflicts
// (409) and a rejected token (401), rejected formatting, and transient failures worth retrying.
import { TelegramError } from 'telegraf';
import { errorMessage } from '../shared/error-message.ts';
import type { SendErrors } from '../shared/send-queue.ts';

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

/** Another getUpdates or a webhook holds the bot (409 Conflict): worth retrying later. */
export function isConflict(error: unknown): boolean {
  return asTelegramError(error)?.code === 409;
}

/** The token was rejected (401 Unauthorized, or 404 for a malformed one): retrying cannot help. */
export function isUnauthorized(error: unknown): boolean {
  const code = asTelegramError(error)?.code;
  return code === 401 || code === 404;
}

/** The HTML was rejected ("can't parse entities", unsupported tag): send the text plainly instead. */
export function isFormattingError(error: unknown): boolean {
  const telegramError = asTelegramError(error);
  return (
    telegramError?.code === 400 &&
    /can't parse entities|can't find end|unsupported start tag/i.test(telegramError.description)
  );
}

/** A network failure, a timeout or a server error: the same call may well succeed in a moment. */
export function isTransient(error: unknown): boolean {
  const telegramError = asTelegramError(error);
  if (telegramError) return telegramError.code >= 500;
  return true;
}

/** How the send queue reads Bot API errors. */
export const telegramSendErrors: SendErrors = {
  retryAfterMs: (error) => {
    const seconds = retryAfterSeconds(error);
    return seconds === undefined ? undefined : seconds * 1000;
  },
  isTransient,
  isFormatting: isFormattingError,
  isUnreachable: isChatUnreachable,
  describe: (error) => {
    const { code, description } = describeError(error);
    return code === undefined ? description : `${code} ${description}`;
  },
};

/** A failed start worth retrying: Telegram or the network was down (not a bad token, URL or route clash). */
export function isPassingStartFailure(error: unknown): boolean {
  const telegramError = asTelegramError(error);
  if (telegramError) return telegramError.code === 429 || telegramError.code >= 500;
  return !/already exists/i.test(errorMessage(error));
}
