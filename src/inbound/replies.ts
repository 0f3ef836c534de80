// The few replies the inbound pipeline (not the engine) gives, the same on every channel: the apology when the
// engine fails, the notice to a user who sends too fast, and the line for a photo, sticker or voice message.
import type { Reply } from '../conversation/types.ts';

const line = (value: string): Reply => ({ paragraphs: [[{ kind: 'text', text: value }]] });

/** Sent instead of silence when the engine fails on a message. */
export const APOLOGY_REPLY: Reply = line('Xin lỗi, mình đang gặp sự cố. Bạn thử lại sau ít phút nhé.');

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
