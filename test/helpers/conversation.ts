// Helpers for conversation tests: send a text or a button press to an engine, read replies as plain text,
// find the last menu and press a button by its label.

import { type Config, loadConfig } from '../../src/config/config.ts';
import { Engine, type EngineOptions, type ProcedureFinder } from '../../src/conversation/engine.ts';
import type { Channel, Choice, ConversationEngine, Menu, Reply } from '../../src/conversation/types.ts';
import { replyPlainText } from '../../src/conversation/types.ts';
import { createLogger } from '../../src/log/logger.ts';
import { MemoryFeedbackStore, MemorySessionStore } from '../../src/store/memory.ts';

export function sendTo(
  engine: ConversationEngine,
  conversationId: string,
  input: string | Choice,
  channel: Channel = 'web',
): Promise<Reply[]> {
  return engine.handle({
    channel,
    conversationId,
    userId: 'citizen',
    receivedAt: Date.now(),
    ...(typeof input === 'string' ? { text: input } : { choice: input }),
  });
}

export const plain = (replies: Reply[]): string => replies.map(replyPlainText).join('\n');

export const lastMenu = (replies: Reply[]): Menu | undefined => replies.flatMap((r) => (r.menu ? [r.menu] : [])).at(-1);

/** The choice a button press with this label would send; throws when the last menu has no such button. */
export function press(replies: Reply[], label: string): Choice {
  const menu = lastMenu(replies);
  const option = menu?.options.find((o) => o.label === label);
  if (!menu || !option) throw new Error(`no "${label}" button`);
  return { menuId: menu.id, optionId: option.id };
}

/**
 * Configuration for an assistant over the real knowledge base in a temporary data folder: quiet logs, and the
 * embedding model looked for in that empty folder so search stays lexical and never waits for a model.
 */
export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir,
    KNOWLEDGE_DIR: 'knowledge',
    LOG_LEVEL: 'silent',
    EMBEDDING_MODEL_DIR: dataDir,
    ...env,
  });
}

/**
 * A conversation with an engine over `finder` (in-memory stores, quiet logs): `say` sends a message and returns the
 * visible text; `shown` is the procedure the last message showed (undefined for no procedure).
 */
export function recordingChat(finder: ProcedureFinder, extra: Partial<EngineOptions> = {}) {
  const shown: (string | undefined)[] = [];
  const engine = new Engine({
    finder: () => finder,
    sessions: new MemorySessionStore(60_000),
    feedback: new MemoryFeedbackStore(),
    logger: createLogger('silent'),
    onTurn: (turn) => shown.push(turn.procedureId),
    ...extra,
  });
  let n = 0;
  const say = async (text: string) => {
    const replies = await engine.handle({ channel: 'web', conversationId: 'c', userId: 'u', text, receivedAt: n++ });
    return replies.map(replyPlainText).join('\n');
  };
  return { say, shown: () => shown.at(-1) };
}
