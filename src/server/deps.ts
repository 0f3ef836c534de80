// What the HTTP server needs from the assistant: a structural subset of `Assistant` (src/assistant.ts),
// so the server can be built and tested with any object of this shape.
import type { ChannelStates } from '../channels/states.ts';
import type { Config } from '../config/config.ts';
import type { ConversationEngine } from '../conversation/types.ts';
import type { DossierService } from '../dossier/types.ts';
import type { InboundPipeline } from '../inbound/pipeline.ts';
import type { Procedure } from '../knowledge/schema.ts';
import type { Logger } from '../log/logger.ts';
import type { Registry } from '../metrics/registry.ts';
import type { RetrievalPath, Retriever } from '../retrieval/types.ts';
import type { StoreHealthState } from '../store/health.ts';

export interface ServerAssistant {
  engine: ConversationEngine;
  retriever: Retriever;
  getProcedure(id: string): Procedure | undefined;
  dossiers: DossierService;
  /** Rebuilds the search index and swaps it in atomically. */
  reindex(): Promise<{ version: string; procedures: number }>;
  status(): { knowledgeVersion: string; procedures: number; retrievalPath: RetrievalPath };
  /**
   * Optional: whether the engine still has this conversation's session, and its current menu id (the web page
   * reconciles the transcript it kept across a reload against this).
   */
  conversationState?(conversationId: string): Promise<{ active: boolean; menuId?: string }>;
  /** Optional: cumulative engine outcome counts for /metrics (e.g. { answered: 12, abstained: 3 }). */
  engineOutcomes?(): Record<string, number>;
  /** Optional: the database's state (a fault makes /healthz answer 503 naming it). */
  stores?: { health(): Promise<StoreHealthState>; pollers?: { isLeader(): boolean } };
}

export interface ServerDeps {
  assistant: ServerAssistant;
  config: Config;
  logger: Logger;
  /** Folder with the web chat page; defaults to adapters/web next to src/. */
  webDir?: string;
  /** Per-IP cap on /api and /admin requests a minute; defaults to 4 × CHAT_RATE_PER_MINUTE, at least 120. */
  ipRatePerMinute?: number;
  /** The inbound pipeline shared with the chat channels; one over the assistant's engine by default. */
  inbound?: InboundPipeline;
  /** States of the configured chat channels, for /healthz and /metrics. */
  channelStates?: ChannelStates;
  /** The metrics registry shared with the pipeline and channels; a new one by default. */
  registry?: Registry;
}
