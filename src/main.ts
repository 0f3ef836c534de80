// Entry point (`npm start`): reads configuration, builds the assistant, serves the web chat and APIs,
// starts the Telegram/Zalo channels whose settings are present, and shuts everything down gracefully.
// `start()` is exported so tests can run the real thing on an ephemeral port with a temporary DATA_DIR.
import { mkdirSync, realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import pretty from 'pino-pretty';
import { createAssistant } from './assistant.ts';
import { ChannelStates } from './channels/states.ts';
import { type Config, ConfigError, loadConfig } from './config/config.ts';
import type { ConversationEngine } from './conversation/types.ts';
import type { InboundPipeline } from './inbound/pipeline.ts';
import { createInboundPipeline } from './inbound/setup.ts';
import { KnowledgeError } from './knowledge/loader.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { installProcessGuards } from './log/process-guards.ts';
import { Registry } from './metrics/registry.ts';
import { buildServer } from './server/app.ts';
import { createShutdown, handleSignals } from './server/shutdown.ts';
import type { PollerElection } from './store/types.ts';

export interface StartOptions {
  /** Environment to read configuration from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Overrides PORT (0 = an ephemeral port). */
  port?: number;
  /** Overrides HOST. */
  host?: string;
  /** Overrides DATA_DIR. */
  dataDir?: string;
  logger?: Logger;
  /** Install SIGTERM/SIGINT handlers that close everything and exit (the CLI does). */
  handleSignals?: boolean;
}

export interface Started {
  /** Where the web chat is, e.g. http://127.0.0.1:3000 */
  url: string;
  app: FastifyInstance;
  config: Config;
  /** Channels that started, the web chat first. */
  channels: string[];
  /** Stops accepting requests, finishes the ones in flight, stops channels, closes the assistant. */
  close(): Promise<void>;
}

interface Channels {
  running: string[];
  stop(): Promise<void>;
}

export async function start(options: StartOptions = {}): Promise<Started> {
  const env = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env.PORT = String(options.port);
  if (options.host !== undefined) env.HOST = options.host;
  if (options.dataDir !== undefined) env.DATA_DIR = options.dataDir;
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL, terminalDestination());
  const removeGuards = options.handleSignals ? installProcessGuards(logger) : undefined;
  mkdirSync(config.dataDir, { recursive: true });

  const assistant = await createAssistant(config, logger, { indexInWorker: true });
  // One registry for /metrics, one pipeline and one channel-state table shared by the web route and every channel.
  const registry = new Registry();
  const channelStates = new ChannelStates();
  channelStates.registerMetrics(registry);
  const { seen, rateLimits: rate, conversationLock: lock } = assistant.stores;
  const inbound = createInboundPipeline({
    config,
    engine: assistant.engine,
    logger,
    registry,
    stores: { seen, rate, lock },
  });
  let app: FastifyInstance | undefined;
  let channels: Channels | undefined;
  try {
    app = await buildServer({ assistant, config, logger, inbound, channelStates, registry });
    // Channels register their webhook routes on `app`, so they start before listen().
    channels = await startChannels({
      config,
      inbound,
      channelStates,
      registry,
      engine: assistant.engine,
      logger,
      app,
      // Several instances on one database: polling channels run on the elected one only, and the Zalo OA
      // refresh token lives in the database. Alone: polling starts now, the token stays in a 0600 file.
      ...(assistant.stores.engine === 'postgres'
        ? { pollers: assistant.stores.pollers, stateStore: assistant.stores.state }
        : {}),
    });
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await channels?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await assistant.close().catch(() => undefined);
    throw error;
  }

  const close = createShutdown({
    app,
    logger,
    stopChannels: async () => {
      await channels.stop();
      await inbound.close();
    },
    closeAssistant: () => assistant.close(),
  });
  const uninstall = options.handleSignals ? handleSignals(close, logger) : undefined;
  const url = `http://${displayHost(config.HOST)}:${(app.server.address() as AddressInfo).port}`;
  const status = assistant.status();
  logger.info(
    {
      url,
      channels: ['web', ...channels.running],
      procedures: status.procedures,
      knowledgeVersion: status.knowledgeVersion,
      retrievalPath: status.retrievalPath,
    },
    'Trợ lý Dịch vụ công is running',
  );
  return {
    url,
    app,
    config,
    channels: ['web', ...channels.running],
    close: async () => {
      uninstall?.();
      await close();
      removeGuards?.();
    },
  };
}

/** Starts Telegram/Zalo when configured. A missing adapters module or a failing channel never stops the web chat. */
async function startChannels(options: {
  config: Config;
  inbound: InboundPipeline;
  channelStates: ChannelStates;
  registry: Registry;
  engine: ConversationEngine;
  logger: Logger;
  app: FastifyInstance;
  pollers?: PollerElection;
}): Promise<Channels> {
  const none: Channels = { running: [], stop: async () => undefined };
  const { logger } = options;
  try {
    const adapters = await import('../adapters/index.ts');
    const channels = await adapters.startChannels(options);
    logger.info({ channels: ['web', ...channels.running] }, 'channels running');
    return channels;
  } catch (error) {
    logger.error(
      { errName: (error as Error)?.name, err: (error as Error)?.message },
      'chat channels could not start; serving the web chat only',
    );
    logger.info({ channels: ['web'] }, 'channels running');
    return none;
  }
}

/**
 * On a terminal, log lines are printed readably (time, level, message, fields); piped to a file or a log
 * collector they stay one JSON object per line.
 */
function terminalDestination(): DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true });
}

/** A wildcard bind address is reachable as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** `npm start -- --demo` serves the made-up demo dossiers (every reply says so); nothing else changes. */
function cliEnv(argv: string[]): Record<string, string | undefined> {
  const unknown = argv.filter((a) => a !== '--demo');
  if (unknown.length > 0) process.stderr.write(`Bỏ qua tham số không biết: ${unknown.join(' ')} (chỉ có --demo)\n`);
  return argv.includes('--demo') ? { ...process.env, DOSSIER_PROVIDER: 'demo' } : process.env;
}

if (isEntryPoint()) {
  start({ handleSignals: true, env: cliEnv(process.argv.slice(2)) }).then(
    ({ url, channels }) => {
      if (process.stdout.isTTY)
        process.stdout.write(`\nTrợ lý Dịch vụ công: ${url}  (kênh: ${channels.join(', ')})\n\n`);
    },
    (error: unknown) => {
      if (error instanceof ConfigError || error instanceof KnowledgeError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        const e = error as NodeJS.ErrnoException;
        process.stderr.write(
          e?.code === 'EADDRINUSE'
            ? `Cổng đã có chương trình khác dùng (${e.message}). Đặt PORT khác rồi chạy lại.\n`
            : `Không khởi động được: ${e?.stack ?? String(error)}\n`,
        );
      }
      process.exitCode = 1;
    },
  );
}
