// The few replies the inbound pipeline (not the engine) gives, the same on every channel: the apology when the
// engine fails, the notice to a user who sends too fast, and the line for a photo, sticker or voice message.
import type { Reply } from '../conversation/types.ts';
import { isStoreUnavailable, STORE_BUSY_TEXT } from '../store/errors.ts';

const line = (value: string): Reply => ({ paragraphs: [[{ kind: 'text', text: value }]] });

/** Sent instead of silence when the engine fails on a message. */
export const APOLOGY_REPLY: Reply = line('Xin lỗi, mình đang gặp sự cố. Bạn thử lại sau ít phút nhé.');

/** Sent while the database is down, full or damaged: "hệ thống đang bận" and the hotline. */
export const STORE_BUSY_REPLY: Reply = line(STORE_BUSY_TEXT);

/** What to answer when handling a message failed: "hệ thống đang bận" for a database fault, else the apology. */
export function failureReply(error: unknown): Reply {
  return isStoreUnavailable(error) ? STORE_BUSY_REPLY : APOLOGY_REPLY;
}

/** Sent once to a user who floods the assistant; the messages over the limit are not answered. */
export function rateLimitReply(retryAfterSeconds: number): Reply {
  return line(
    `Bạn gửi tin nhắn hơi nhanh nên mình chưa trả lời hết được. Bạn đợi khoảng ${Math.max(1, retryAfterSeconds)} giây rồi gửi lại câu hỏi nhé.`,
  );
}

/** The rate-limit text alone (the web chat's 429 body says the same). */
export function rateLimitText(retryAfterSeconds: number): string {
  return (rateLimitReply(retryAfterSeconds).paragraphs[0]?.[0]?.text as string) ?? '';
}

/** For a photo, sticker, voice message, location or contact: the assistant reads text only. */
export const TEXT_ONLY_REPLY: Reply = line(
  'Mình chỉ đọc được tin nhắn chữ. Bạn gõ câu hỏi về thủ tục hành chính (ví dụ: "làm lại căn cước bị mất") nhé.',
);
