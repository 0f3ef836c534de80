// The metrics the HTTP server exports on /metrics: requests by route and status, chat latency,
// requests refused at the edge (rate limits, invalid bodies), shortened chat messages, engine outcomes when the assistant counts them,
// and the process's resident memory.
import { Registry } from './registry.ts';

export interface ServerMetricsOptions {
  /** Registry to add to (shared with the inbound pipeline and the channels); a new one by default. */
  registry?: Registry;
  /** Cumulative engine outcome counts (answered, abstained, …) when the assistant keeps them. */
  engineOutcomes?: () => Record<string, number>;
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;

/** Chat latency buckets in seconds: lexical answers take milliseconds, dense ones up to a second or two. */
const CHAT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createServerMetrics(options: ServerMetricsOptions = {}) {
  const registry = options.registry ?? new Registry();
  const httpRequests = registry.counter('http_requests_total', 'HTTP requests by route pattern, method and status', [
    'route',
    'method',
    'status',
  ]);
  const chatLatency = registry.histogram(
    'chat_latency_seconds',
    'Time to answer POST /api/chat, engine included',
    CHAT_LATENCY_BUCKETS,
    ['outcome'],
  );
  const rejected = registry.counter('rejected_requests_total', 'Requests refused at the edge, by route and reason', [
    'route',
    'reason',
  ]);
  const chatShortened = registry.counter('chat_shortened_total', 'Chat messages cut to the maximum length');
  const connectionsClosed = registry.counter(
    'http_connections_closed_total',
    'Connections the server closed itself: idle at the connection cap, or no request sent in time',
    ['reason'],
  );
  registry.gauge('process_resident_memory_bytes', 'Resident set size of the process in bytes', [], (gauge) =>
    gauge.set({}, process.memoryUsage.rss()),
  );
  const { engineOutcomes } = options;
  if (engineOutcomes) {
    registry.gauge(
      'assistant_engine_outcomes',
      'Conversation outcomes counted by the engine since start, by outcome',
      ['outcome'],
      (gauge) => {
        for (const [outcome, count] of Object.entries(engineOutcomes())) gauge.set({ outcome }, count);
      },
    );
  }
  return { registry, httpRequests, chatLatency, rejected, chatShortened, connectionsClosed };
}
