// The platform-neutral conversation contract: what adapters send to the engine and what it answers.
// No HTML, no platform ids: each channel renders replies its own way.
import { z } from 'zod';

export type Channel = 'web' | 'telegram' | 'zalo' | 'zalo_oa' | 'zalo_bot' | 'terminal';

export interface Choice {
  menuId: string;
  optionId: string;
}

export interface InboundEvent {
  channel: Channel;
  /** Stable id of the chat (Telegram chat id, Zalo thread id, web conversation id), namespaced by channel. */
  conversationId: string;
  userId: string;
  text?: string;
  /** A button press. Typed answers ("2", "số 2", a label) are resolved by the engine, not the adapter. */
  choice?: Choice;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/** The inbound event as checked at every edge: anything else is refused before it reaches the engine. */
export const inboundEventSchema = z.object({
  channel: z.enum(['web', 'telegram', 'zalo', 'zalo_oa', 'zalo_bot', 'terminal']),
  conversationId: z.string().min(1).max(200),
  userId: z.string().max(200),
  text: z.string().optional(),
  choice: z.object({ menuId: z.string().min(1).max(64), optionId: z.string().min(1).max(64) }).optional(),
  receivedAt: z.number().finite(),
});

/** An inbound event that failed validation (a channel sent something that is not a message). */
export class InvalidInboundEvent extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid inbound event: ${issues.join('; ')}`);
    this.name = 'InvalidInboundEvent';
  }
}

/** Validates an event at the edge; throws InvalidInboundEvent naming the fields (never their values). */
export function parseInboundEvent(event: unknown): InboundEvent {
  const parsed = inboundEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new InvalidInboundEvent(parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`));
}

export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'link'; text: string; url: string };

/** One paragraph = a line of spans; renderers separate paragraphs with a blank line or newline. */
export type Paragraph = Span[];

export interface MenuOption {
  /** Short ASCII id (fits Telegram's 64-byte callback data as `m:<menuId>:<optionId>`). */
  id: string;
  label: string;
}

export interface Menu {
  /** Short ASCII id, unique per menu shown; a press on an older menu is answered as stale. */
  id: string;
  prompt: string;
  options: MenuOption[];
}

export interface QuickLink {
  label: string;
  url: string;
}

export interface Reply {
  paragraphs: Paragraph[];
  menu?: Menu;
  links?: QuickLink[];
  /** Hint: this reply replaces the message whose button was pressed (step navigation); renderers may edit in place. */
  replacesPrevious?: boolean;
}

export interface ConversationEngine {
  /** Handles one inbound event. Callers run one event per conversation at a time (the inbound pipeline does). */
  handle(event: InboundEvent): Promise<Reply[]>;
  /** Forgets a conversation (e.g. the user blocked the bot). */
  endConversation(conversationId: string): Promise<void>;
}

/** Helpers to build spans without ceremony. */
export const text = (value: string): Span => ({ kind: 'text', text: value });
export const bold = (value: string): Span => ({ kind: 'bold', text: value });
export const link = (label: string, url: string): Span => ({ kind: 'link', text: label, url });

/** Plain text of a reply (for logs-free tests, terminal output and length checks). */
export function replyPlainText(reply: Reply): string {
  return reply.paragraphs.map((p) => p.map((s) => s.text).join('')).join('\n');
}
