// The outbound send queue of a channel: one FIFO lane per chat, so the parts of a reply go out in order and a
// slow or throttled chat never holds another. Paces each chat (and groups, and the whole bot) with token
// buckets; waits out a platform "retry after" in that chat's lane only; retries transient failures with
// backoff; resends as plain text when the platform rejects the formatting; and when one part finally fails,
// logs it and still sends the remaining parts. A chat that blocked the bot drops its lane (and is reported).
import { setTimeout as delay } from 'node:timers/promises';
import { TokenBucket } from '../../src/limits/token-bucket.ts';
import { fingerprint, type Logger } from '../../src/log/logger.ts';
import type { Counter, Registry } from '../../src/metrics/registry.ts';

export interface SendPacing {
  /** Minimum gap between two messages to one chat once its short burst is used (Telegram: 1000). */
  perChatIntervalMs: number;
  /** Messages one chat may get at once before the gap applies (the parts of one reply). Default 1. */
  perChatBurst?: number;
  /** Messages a minute to one group chat (Telegram: 20); unset = no extra group cap. */
  perGroupPerMinute?: number;
  /** Messages a second across all chats (Telegram: about 30). */
  globalPerSecond: number;
}

/** How a platform's errors read: each channel supplies its own. */
export interface SendErrors {
  /** Milliseconds the platform asked us to wait (429 retry_after), or undefined. */
  retryAfterMs(error: unknown): number | undefined;
  /** Worth retrying as is: network failure, timeout, 5xx. */
  isTransient(error: unknown): boolean;
  /** The platform rejected the formatting ("can't parse entities"): resend as plain text. */
  isFormatting(error: unknown): boolean;
  /** The chat is gone for us (blocked, kicked, deleted): drop what is queued for it. */
  isUnreachable(error: unknown): boolean;
  /** One secret-free line for the log (tokens redacted). */
  describe(error: unknown): string;
}

export interface SendJob<T = unknown> {
  /** What the call is, for logs and metrics ("sendMessage"). */
  label: string;
  run(): Promise<T>;
  /** The same message without formatting, tried once when the platform rejects the formatting. */
  plain?(): Promise<T>;
  /** false for calls that are not chat messages (answering a button press): they skip the pacing. */
  paced?: boolean;
}

export type SendOutcome<T = unknown> =
  | { status: 'sent'; result: T }
  | { status: 'failed' | 'unreachable' | 'stopped'; result?: undefined };

export interface SendQueueOptions {
  channel: string;
  pacing: SendPacing;
  errors: SendErrors;
  logger: Logger;
  /** Attempts per message, all causes together. Default 4. */
  maxAttempts?: number;
  /** A "retry after" longer than this gives the message up (logged). Default 60 s. */
  maxRetryAfterMs?: number;
  /** First backoff of a transient failure, doubled each time, capped at 8 s. Default 500 ms. */
  backoffMs?: number;
  /** Called once when a chat is found unreachable (end its conversation). */
  onUnreachable?: (chatKey: string) => void;
  registry?: Registry;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Pace {
  bucket: TokenBucket;
  groupBucket?: TokenBucket;
}

interface Lane extends Pace {
  jobs: Array<{ job: SendJob; group: boolean; resolve: (outcome: SendOutcome) => void }>;
  running: boolean;
}

const sendCounters = new WeakMap<Registry, Counter>();

function sendCounter(registry: Registry): Counter {
  let counter = sendCounters.get(registry);
  if (!counter) {
    counter = registry.counter('channel_sends_total', 'Outgoing chat messages by channel and outcome', [
      'channel',
      'outcome',
    ]);
    sendCounters.set(registry, counter);
  }
  return counter;
}

export class SendQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Each chat's pacing outlives its lane (a reply a moment after the last one still waits its turn). */
  private readonly paces = new Map<string, Pace>();
  private readonly global: TokenBucket;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly counter?: Counter;
  private readonly idle = new Set<() => void>();
  /** Cuts short the waits (pacing, retry-after, backoff) when the queue is stopped. */
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly options: SendQueueOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms, undefined, { signal: this.abort.signal }).catch(() => undefined));
    this.log = options.logger.child({ component: 'send-queue' });
    const perSecond = Math.max(1, options.pacing.globalPerSecond);
    this.global = new TokenBucket(Math.ceil(perSecond), 1000 / perSecond, this.now());
    this.counter = options.registry ? sendCounter(options.registry) : undefined;
  }

  /** Queues one call for `chatKey`; resolves when it was sent or given up (never rejects). */
  send<T>(
    chatKey: string,
    job: SendJob<T>,
    options: {
      group?: boolean /** Goes before what is waiting in this chat (a rate-limit notice). */;
      urgent?: boolean;
    } = {},
  ): Promise<SendOutcome<T>> {
    if (this.stopped) return Promise.resolve({ status: 'stopped' });
    const lane = this.lane(chatKey);
    return new Promise<SendOutcome<T>>((resolve) => {
      const entry = { job, group: options.group === true, resolve: resolve as (o: SendOutcome) => void };
      // The job at the head is the one being sent: an urgent one goes right behind it.
      if (options.urgent) lane.jobs.splice(lane.running ? 1 : 0, 0, entry);
      else lane.jobs.push(entry);
      if (!lane.running) void this.runLane(chatKey, lane);
    });
  }

  /** Calls queued and not yet finished, all chats together. */
  get pending(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.jobs.length;
    return count;
  }

  /** Resolves once every queued call has finished, or after `timeoutMs`. */
  async drain(timeoutMs = 10_000): Promise<void> {
    if (this.lanes.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => {
        const check = () => {
          if (this.lanes.size > 0) return;
          this.idle.delete(check);
          resolve();
        };
        this.idle.add(check);
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  /** Gives up everything still queued (after a drain, at shutdown). */
  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const lane of this.lanes.values()) {
      for (const entry of lane.jobs.splice(0)) entry.resolve({ status: 'stopped' });
    }
  }

  private lane(chatKey: string): Lane {
    let lane = this.lanes.get(chatKey);
    if (!lane) {
      lane = { jobs: [], running: false, ...this.paceOf(chatKey) };
      this.lanes.set(chatKey, lane);
    }
    return lane;
  }

  private paceOf(chatKey: string): Pace {
    let pace = this.paces.get(chatKey);
    if (!pace) {
      const now = this.now();
      if (this.paces.size >= 10_000) {
        for (const [key, old] of this.paces)
          if (old.bucket.isFull(now) && (old.groupBucket?.isFull(now) ?? true)) this.paces.delete(key);
      }
      const { pacing } = this.options;
      const perGroup = pacing.perGroupPerMinute;
      pace = {
        bucket: new TokenBucket(Math.max(1, pacing.perChatBurst ?? 1), pacing.perChatIntervalMs, now),
        ...(perGroup ? { groupBucket: new TokenBucket(Math.min(10, perGroup), 60_000 / perGroup, now) } : {}),
      };
      this.paces.set(chatKey, pace);
    }
    return pace;
  }

  private async runLane(chatKey: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.jobs.length > 0) {
        const entry = lane.jobs[0] as Lane['jobs'][number];
        const outcome = await this.attempt(chatKey, lane, entry.job, entry.group);
        lane.jobs.shift();
        entry.resolve(outcome);
        this.counter?.inc({ channel: this.options.channel, outcome: outcome.status });
        if (outcome.status === 'unreachable') {
          for (const rest of lane.jobs.splice(0)) rest.resolve({ status: 'unreachable' });
          this.options.onUnreachable?.(chatKey);
        }
      }
    } finally {
      lane.running = false;
      if (lane.jobs.length === 0) this.lanes.delete(chatKey);
      for (const check of [...this.idle]) check();
    }
  }

  /** Waits for this chat's (and the bot's) next free slot and books it. */
  private async pace(lane: Lane, group: boolean): Promise<void> {
    const now = this.now();
    const groupWait = group && lane.groupBucket ? lane.groupBucket.waitMs(now) : 0;
    const slot = now + Math.max(this.global.waitMs(now), lane.bucket.waitMs(now), groupWait);
    this.global.take(slot);
    lane.bucket.take(slot);
    if (group) lane.groupBucket?.take(slot);
    if (slot > now) await this.sleep(slot - now);
  }

  private async attempt(chatKey: string, lane: Lane, job: SendJob, group: boolean): Promise<SendOutcome> {
    const { errors } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 4;
    const maxRetryAfterMs = this.options.maxRetryAfterMs ?? 60_000;
    const chat = fingerprint(`${this.options.channel}:${chatKey}`);
    let run = job.run;
    let plainTried = false;
    let backoff = this.options.backoffMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return { status: 'stopped' };
      if (job.paced !== false) await this.pace(lane, group);
      if (this.stopped) return { status: 'stopped' };
      try {
        return { status: 'sent', result: await run() };
      } catch (error) {
        if (errors.isUnreachable(error)) {
          this.log.info({ chat, call: job.label }, 'chat unreachable (bot blocked or removed); dropping its queue');
          return { status: 'unreachable' };
        }
        if (errors.isFormatting(error) && job.plain && !plainTried) {
          plainTried = true;
          run = job.plain;
          this.log.warn({ chat, call: job.label }, 'formatting rejected; resending as plain text');
          attempt--;
          continue;
        }
        const retryAfter = errors.retryAfterMs(error);
        const transient = retryAfter === undefined && errors.isTransient(error);
        const givingUp =
          attempt >= maxAttempts ||
          (retryAfter === undefined && !transient) ||
          (retryAfter !== undefined && retryAfter > maxRetryAfterMs);
        if (givingUp) {
          this.log.warn({ chat, call: job.label, attempt, error: errors.describe(error) }, 'send failed; giving up');
          return { status: 'failed' };
        }
        const waitMs = retryAfter ?? backoff;
        if (retryAfter === undefined) backoff = Math.min(backoff * 2, 8_000);
        this.log.warn({ chat, call: job.label, attempt, waitMs }, 'send failed; retrying in this chat only');
        await this.sleep(waitMs);
      }
    }
  }
}
