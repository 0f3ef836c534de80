// Builds the inbound pipeline from configuration: per-user limits (CHAT_RATE_PER_MINUTE, CHAT_RATE_BURST),
// its counters on the shared metrics registry, and the shared-state stores (in-process ones by default).
import type { Config } from '../config/config.ts';
import type { ConversationEngine } from '../conversation/types.ts';
import type { Logger } from '../log/logger.ts';
import type { Registry } from '../metrics/registry.ts';
import { createInboundMetrics } from './metrics.ts';
import { InboundPipeline, type InboundStores } from './pipeline.ts';

export interface InboundSetup {
  config: Pick<Config, 'CHAT_RATE_PER_MINUTE' | 'CHAT_RATE_BURST'>;
  engine: ConversationEngine;
  logger: Logger;
  registry?: Registry;
  stores?: Partial<InboundStores>;
}

export function createInboundPipeline({ config, engine, logger, registry, stores }: InboundSetup): InboundPipeline {
  return new InboundPipeline({
    engine,
    logger,
    ...(stores ? { stores } : {}),
    limits: { perMinute: config.CHAT_RATE_PER_MINUTE, burst: config.CHAT_RATE_BURST },
    ...(registry ? { metrics: createInboundMetrics(registry) } : {}),
  });
}
