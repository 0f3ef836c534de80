// Stand-in conversation engines for channel and server tests: a scripted engine that records what reached it
// (events, ended conversations, how many answers ran at once per conversation), and the question card the
// channel tests answer with ("Bạn hỏi: **…**" and a menu), so each test sees exactly what a user would.
import {
  bold,
  type ConversationEngine,
  type InboundEvent,
  type MenuOption,
  type Reply,
  text,
} from '../../src/conversation/types.ts';

export type Script = (event: InboundEvent) => Reply[] | Promise<Reply[]>;

export class ScriptedEngine implements ConversationEngine {
  readonly events: InboundEvent[] = [];
  readonly ended: string[] = [];
  /** The most answers that were ever running at the same time for one conversation. */
  maxConcurrentPerConversation = 0;
  private readonly running = new Map<string, number>();

  constructor(private readonly script: Script) {}

  async handle(event: InboundEvent): Promise<Reply[]> {
    this.events.push(event);
    const running = (this.running.get(event.conversationId) ?? 0) + 1;
    this.running.set(event.conversationId, running);
    this.maxConcurrentPerConversation = Math.max(this.maxConcurrentPerConversation, running);
    try {
      return await this.script(event);
    } finally {
      this.running.set(event.conversationId, (this.running.get(event.conversationId) ?? 1) - 1);
    }
  }

  async endConversation(conversationId: string): Promise<void> {
    this.ended.push(conversationId);
  }
}

/** "Bạn hỏi: <bold question>" with the menu `p1` "Bạn muốn xem gì?" offering `options`. */
export function questionCard(question: string, options: MenuOption[], extra: Partial<Reply> = {}): Reply {
  return {
    paragraphs: [[text('Bạn hỏi: '), bold(question)]],
    menu: { id: 'p1', prompt: 'Bạn muốn xem gì?', options },
    ...extra,
  };
}
