// Counters of the inbound pipeline on /metrics: messages by channel and outcome (answered, failed, duplicate,
// rate_limited, invalid) and the time from arrival to the replies being handed to the channel.
import type { Registry } from '../metrics/registry.ts';

export type InboundOutcome = 'answered' | 'failed' | 'duplicate' | 'rate_limited' | 'invalid' | 'closed';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type InboundMetrics = ReturnType<typeof createInboundMetrics>;

export function createInboundMetrics(registry: Registry) {
  const messages = registry.counter('inbound_messages_total', 'Inbound chat messages by channel and outcome', [
    'channel',
    'outcome',
  ]);
  const latency = registry.histogram(
    'inbound_handle_seconds',
    'Time from arrival to the replies being handed to the channel (ordering wait and engine included)',
    LATENCY_BUCKETS,
    ['channel'],
  );
  return { messages, latency };
}
