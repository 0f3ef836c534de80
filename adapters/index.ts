// Starts the chat channels whose settings are present (Telegram, Zalo personal account, Zalo Official
// Account, Zalo Bot Platform), mounts their webhook routes on the fastify app (call before app.listen), and
// logs which run and which are off, and why. A channel that fails to start is logged, reported "stopped" (with
// the reason) in /healthz and skipped: it never throws and never takes down the others or the web chat.
// Secrets never reach the log. Every channel hands its messages to the one inbound pipeline (src/inbound).
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ChannelStates } from '../src/channels/states.ts';
import type { Config } from '../src/config/config.ts';
import type { Channel, ConversationEngine } from '../src/conversation/types.ts';
import { InboundPipeline } from '../src/inbound/pipeline.ts';
import type { Logger } from '../src/log/logger.ts';
import type { Registry } from '../src/metrics/registry.ts';
import { errorMessage } from './shared/error-message.ts';
import { withTimeout } from './shared/timeout.ts';
import { isPassingStartFailure, redactToken } from './telegram/errors.ts';
import { type CredentialsLookup, findZaloCredentials } from './zalo/credentials.ts';
import { isNetworkFailure } from './zalo/login-errors.ts';
import { isPassingZaloBotFailure } from './zalo-bot/api.ts';
import type { TokenState } from './zalo-oa/token.ts';

export interface StartChannelsOptions {
  config: Config;
  /** The inbound pipeline every channel hands its messages to (one over `engine` by default). */
  inbound?: InboundPipeline;
  /** Where channels report running / retrying / stopped (for /healthz and /metrics); a private one by default. */
  channelStates?: ChannelStates;
  /** The shared /metrics registry (send-queue counters). */
  registry?: Registry;
  /** The engine, for channels not yet moved onto the inbound pipeline. */
  engine: ConversationEngine;
  logger: Logger;
  app: FastifyInstance;
  /** Named state kept across restarts (the core's StateStore); a 0600 file in the data directory by default. */
  stateStore?: TokenState;
  /** A channel not started after this long is skipped (and stopped if it comes up later). Default 30 s. */
  startupTimeoutMs?: number;
  /** First wait before starting again a channel whose start failed for a passing reason (doubles, ≤ 5 min). Default 5 s. */
  startRetryMs?: number;
  /**
   * Chooses the one instance that runs the polling channels (the store bundle's `pollers`): `start` runs when
   * this instance leads, `stop` when it no longer does. Without it polling channels start at once.
   */
  pollers?: { run(start: () => Promise<void>, stop: () => Promise<void>): void };
}

export interface Channels {
  /** Channels that started, e.g. ['telegram', 'zalo_oa']. */
  running: string[];
  /** Stops every running channel, letting replies in progress finish. */
  stop(): Promise<void>;
}

interface Plan {
  channel: Extract<Channel, 'telegram' | 'zalo' | 'zalo_oa' | 'zalo_bot'>;
  /** Why the channel is off, or undefined when it should start. */
  off?: string;
  start(): Promise<{ stop(): Promise<void>; detail: Record<string, unknown> }>;
  /** Extra advice logged when starting fails. */
  onFailure?: string;
  /** Polls the platform (no webhook): runs on one instance only when several share a database. */
  polls?: boolean;
  /** A failed start worth trying again later (the platform or the network was down), not a bad setting. */
  retryable?: (error: unknown) => boolean;
}

/** The embedded-mode file (in the data directory, mode 0600) that keeps the OA's single-use refresh token. */
export const OA_STATE_FILE = 'zalo-oa-state.json';

function errorText(error: unknown): string {
  return redactToken(errorMessage(error));
}

function telegramPlan({ config, inbound, channelStates, registry, logger, app }: Wired): Plan {
  return {
    channel: 'telegram',
    off: config.TELEGRAM_BOT_TOKEN ? undefined : 'TELEGRAM_BOT_TOKEN not set',
    polls: !config.TELEGRAM_WEBHOOK_URL,
    onFailure: 'check TELEGRAM_BOT_TOKEN (and TELEGRAM_API_ROOT / TELEGRAM_WEBHOOK_URL)',
    retryable: isPassingStartFailure,
    async start() {
      const { startTelegram } = await import('./telegram/bot.ts');
      const webhook =
        config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
          ? { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET, app }
          : undefined;
      const channel = await startTelegram({
        token: config.TELEGRAM_BOT_TOKEN as string,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhook,
        inbound,
        states: channelStates,
        ...(registry ? { registry } : {}),
        logger,
      });
      const detail: Record<string, unknown> = { mode: channel.mode, bot: `@${channel.username}` };
      if (webhook) detail.path = new URL(webhook.url).pathname;
      return { stop: () => channel.stop(), detail };
    },
  };
}

function zaloPlan({ config, inbound, channelStates, registry, logger }: Wired): Plan {
  let lookup: CredentialsLookup;
  try {
    lookup = findZaloCredentials(config);
  } catch (error) {
    lookup = { status: 'invalid', reason: errorText(error) };
  }
  return {
    channel: 'zalo',
    off:
      lookup.status === 'missing'
        ? `${lookup.reason}; run \`npm run zalo:login\` to enable it`
        : lookup.status === 'invalid'
          ? `invalid credentials: ${lookup.reason}`
          : undefined,
    onFailure: 'the Zalo session is probably expired or invalid: run `npm run zalo:login` again',
    // Zalo unreachable at boot: try again later; a refused session is not retried.
    retryable: isNetworkFailure,
    polls: true,
    async start() {
      if (lookup.status !== 'found') throw new Error('no credentials');
      const [{ startZalo }, { ZcaTransport }] = await Promise.all([
        import('./zalo/adapter.ts'),
        import('./zalo/transport.ts'),
      ]);
      if (lookup.warning) logger.warn({ channel: 'zalo', file: lookup.file }, lookup.warning);
      const channel = await startZalo({
        transport: new ZcaTransport(lookup.credentials),
        inbound,
        states: channelStates,
        ...(registry ? { registry } : {}),
        logger,
      });
      return { stop: () => channel.stop(), detail: { credentials: lookup.source } };
    },
  };
}

function zaloOaPlan({ config, inbound, channelStates, registry, logger, app, stateStore }: Wired): Plan {
  const missing = (['ZALO_OA_APP_ID', 'ZALO_OA_SECRET_KEY', 'ZALO_OA_ACCESS_TOKEN'] as const).filter(
    (key) => !config[key],
  );
  return {
    channel: 'zalo_oa',
    off: missing.length > 0 ? `${missing.join(', ')} not set` : undefined,
    onFailure: 'check ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY and ZALO_OA_ACCESS_TOKEN (or ZALO_OA_REFRESH_TOKEN)',
    async start() {
      const [{ startZaloOa }, { OaTokens }, { FileState }] = await Promise.all([
        import('./zalo-oa/webhook.ts'),
        import('./zalo-oa/token.ts'),
        import('./zalo-oa/file-state.ts'),
      ]);
      const tokens = await OaTokens.load({
        appId: config.ZALO_OA_APP_ID as string,
        appSecret: config.ZALO_OA_APP_SECRET,
        accessToken: config.ZALO_OA_ACCESS_TOKEN as string,
        refreshToken: config.ZALO_OA_REFRESH_TOKEN,
        oauthRoot: config.ZALO_OA_OAUTH_ROOT,
        state: stateStore ?? new FileState(join(config.dataDir, OA_STATE_FILE)),
        logger: logger.child({ channel: 'zalo_oa' }),
      });
      const channel = await startZaloOa({
        app,
        appId: config.ZALO_OA_APP_ID as string,
        secretKey: config.ZALO_OA_SECRET_KEY as string,
        accessToken: tokens,
        apiRoot: config.ZALO_OA_API_ROOT,
        replayWindowMs: config.ZALO_OA_REPLAY_WINDOW_SECONDS * 1000,
        inbound,
        states: channelStates,
        ...(registry ? { registry } : {}),
        logger,
      });
      return {
        stop: () => channel.stop(),
        detail: { path: channel.path, tokenRefresh: tokens.canRefresh ? 'on' : 'off' },
      };
    },
  };
}

function zaloBotPlan({ config, inbound, channelStates, registry, logger, app }: Wired): Plan {
  return {
    channel: 'zalo_bot',
    off: config.ZALO_BOT_TOKEN ? undefined : 'ZALO_BOT_TOKEN not set',
    polls: !config.ZALO_BOT_WEBHOOK_URL,
    onFailure: 'check ZALO_BOT_TOKEN (and ZALO_BOT_API_ROOT / ZALO_BOT_WEBHOOK_URL)',
    retryable: isPassingZaloBotFailure,
    async start() {
      const { startZaloBot } = await import('./zalo-bot/channel.ts');
      const token = config.ZALO_BOT_TOKEN as string;
      const webhook =
        config.ZALO_BOT_WEBHOOK_URL && config.ZALO_BOT_WEBHOOK_SECRET
          ? { url: config.ZALO_BOT_WEBHOOK_URL, secret: config.ZALO_BOT_WEBHOOK_SECRET, app }
          : undefined;
      const channel = await startZaloBot({
        token,
        apiRoot: config.ZALO_BOT_API_ROOT,
        webhook,
        inbound,
        states: channelStates,
        ...(registry ? { registry } : {}),
        logger,
      });
      const detail: Record<string, unknown> = { mode: channel.mode, bot: channel.name };
      if (channel.path) detail.path = channel.path;
      return { stop: () => channel.stop(), detail };
    },
  };
}

/** Starts a channel, giving up after `ms` so a hanging login never delays the web chat. */
async function startWithin(plan: Plan, ms: number): ReturnType<Plan['start']> {
  const starting = plan.start();
  try {
    return await withTimeout(starting, ms, `not started after ${ms} ms`);
  } catch (error) {
    // If it comes up after all, shut it down: it is not in the running list.
    starting.then((late) => late.stop()).catch(() => undefined);
    throw error;
  }
}

/**
 * Starts again, with growing waits (reported "retrying"), a channel whose start failed for a passing reason
 * (Telegram unreachable at boot); a failure that is not passing stops it for good ("stopped", with why).
 */
function retryStart(plan: Plan, options: Wired, log: Logger, first: unknown): { stop(): Promise<void> } {
  const initialMs = options.startRetryMs ?? 5_000;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let up: { stop(): Promise<void> } | undefined;
  let stopped = false;
  const schedule = (error: unknown) => {
    const waitMs = Math.min(initialMs * 2 ** attempt++, 300_000);
    const reason = `failed to start: ${errorText(error)}; trying again in ${Math.ceil(waitMs / 1000)} s`;
    options.channelStates.report(plan.channel, 'retrying', reason);
    log.warn({ channel: plan.channel, error: errorText(error), waitMs }, `${plan.channel}: failed to start; retrying`);
    timer = setTimeout(() => void again(), waitMs);
    timer.unref();
  };
  const again = async () => {
    try {
      const started = await startWithin(plan, options.startupTimeoutMs ?? 30_000);
      if (stopped) return void (await started.stop().catch(() => undefined));
      up = started;
      log.info({ channel: plan.channel, ...started.detail }, `${plan.channel}: running`);
      if (options.channelStates.get(plan.channel)?.state !== 'running')
        options.channelStates.report(plan.channel, 'running');
    } catch (error) {
      if (stopped) return;
      if (plan.retryable?.(error)) return schedule(error);
      options.channelStates.report(plan.channel, 'stopped', `failed to start: ${errorText(error)}`);
      log.error(
        { channel: plan.channel, error: errorText(error), advice: plan.onFailure },
        `${plan.channel}: failed to start`,
      );
    }
  };
  schedule(first);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await up?.stop();
    },
  };
}

/**
 * A polling channel runs only while this instance is the elected poller: started when it becomes the leader,
 * stopped when it stops being one; meanwhile it is on 'standby'.
 */
function electedChannel(plan: Plan, options: Wired, log: Logger): { channel: Plan['channel']; stop(): Promise<void> } {
  let running: { stop(): Promise<void> } | undefined;
  options.channelStates.report(plan.channel, 'standby', 'another instance polls');
  const stop = async () => {
    const current = running;
    running = undefined;
    await current?.stop();
  };
  options.pollers?.run(
    async () => {
      try {
        const { stop: stopChannel, detail } = await startWithin(plan, options.startupTimeoutMs ?? 30_000);
        running = { stop: stopChannel };
        log.info({ channel: plan.channel, ...detail }, `${plan.channel}: running (this instance polls)`);
        options.channelStates.report(plan.channel, 'running');
      } catch (error) {
        if (plan.retryable?.(error)) {
          running = retryStart(plan, options, log, error);
          return;
        }
        options.channelStates.report(plan.channel, 'stopped', `failed to start: ${errorText(error)}`);
        log.error(
          { channel: plan.channel, error: errorText(error), advice: plan.onFailure },
          `${plan.channel}: failed to start`,
        );
      }
    },
    async () => {
      await stop();
      options.channelStates.report(plan.channel, 'standby', 'another instance polls');
      log.info({ channel: plan.channel }, `${plan.channel}: standby (another instance polls)`);
    },
  );
  return { channel: plan.channel, stop };
}

/** The options with the pipeline and the state table filled in. */
type Wired = StartChannelsOptions & Required<Pick<StartChannelsOptions, 'inbound' | 'channelStates'>>;

export async function startChannels(given: StartChannelsOptions): Promise<Channels> {
  const options: Wired = {
    ...given,
    inbound: given.inbound ?? new InboundPipeline({ engine: given.engine, logger: given.logger }),
    channelStates: given.channelStates ?? new ChannelStates(),
  };
  const log = options.logger.child({ component: 'channels' });
  const plans = [telegramPlan(options), zaloPlan(options), zaloOaPlan(options), zaloBotPlan(options)];
  const started = await Promise.all(
    plans.map(async (plan) => {
      if (plan.off !== undefined) {
        log.info({ channel: plan.channel, reason: plan.off }, `${plan.channel}: off`);
        return undefined;
      }
      if (plan.polls && options.pollers) return electedChannel(plan, options, log);
      try {
        const { stop, detail } = await startWithin(plan, options.startupTimeoutMs ?? 30_000);
        log.info({ channel: plan.channel, ...detail }, `${plan.channel}: running`);
        if (!options.channelStates.get(plan.channel)) options.channelStates.report(plan.channel, 'running');
        return { channel: plan.channel, stop };
      } catch (error) {
        if (plan.retryable?.(error)) {
          return { channel: plan.channel, later: true, ...retryStart(plan, options, log, error) };
        }
        options.channelStates.report(plan.channel, 'stopped', `failed to start: ${errorText(error)}`);
        log.error(
          { channel: plan.channel, error: errorText(error), advice: plan.onFailure },
          `${plan.channel}: failed to start; skipped`,
        );
        return undefined;
      }
    }),
  );
  const running = started.filter((entry) => entry !== undefined);
  return {
    // Channels still trying to start are stopped with the others but not listed as running.
    running: running.filter((entry) => !('later' in entry)).map((entry) => entry.channel),
    async stop() {
      const results = await Promise.allSettled(running.map((entry) => entry.stop()));
      results.forEach((result, index) => {
        if (result.status === 'rejected') {
          log.warn({ channel: running[index]?.channel, error: errorText(result.reason) }, 'channel stop failed');
        }
      });
    },
  };
}
