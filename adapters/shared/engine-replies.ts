// What every chat channel does around the conversation engine: ask it for the replies to an event and, when
// it fails, log that (the chat only as a fingerprint) and answer with a short apology instead of silence.
import type { ConversationEngine, InboundEvent, Reply } from '../../src/conversation/types.ts';
import { APOLOGY_REPLY, failureReply, STORE_BUSY_REPLY } from '../../src/inbound/replies.ts';
import { fingerprint, type Logger } from '../../src/log/logger.ts';
import { errorMessage } from './error-message.ts';

/** The pipeline's apology (src/inbound/replies.ts), for the channels not yet on the inbound pipeline. */
export const FALLBACK_REPLY: Reply = APOLOGY_REPLY;

/** The engine's replies to `event`, or the apology when the engine throws. `details` shapes the log fields. */
export async function repliesFor(
  engine: ConversationEngine,
  event: InboundEvent,
  log: Logger,
  details: (error: unknown) => object = (error) => ({ error: errorMessage(error) }),
): Promise<Reply[]> {
  try {
    return await engine.handle(event);
  } catch (error) {
    if (failureReply(error) === STORE_BUSY_REPLY) {
      log.warn({ chat: fingerprint(event.conversationId) }, 'store unavailable: busy reply');
      return [STORE_BUSY_REPLY];
    }
    log.error({ chat: fingerprint(event.conversationId), ...details(error) }, 'Conversation engine failed');
    return [FALLBACK_REPLY];
  }
}
