// Graceful shutdown: stop accepting work (HTTP and chat channels), let in-flight requests finish, then
// close the assistant (stores, indexes). Signal handlers run it once on SIGTERM/SIGINT.
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.ts';

export interface ShutdownParts {
  app: FastifyInstance;
  logger: Logger;
  /** Stops Telegram/Zalo channels (their own in-flight handlers). */
  stopChannels?: () => Promise<void>;
  /** Closes the assistant once nothing can call it any more. */
  closeAssistant: () => Promise<void>;
}

/** Returns an idempotent close(): every caller gets the same promise. */
export function createShutdown(parts: ShutdownParts): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const run = async () => {
    const { app, logger } = parts;
    logger.info('shutting down: no new requests, finishing the ones in flight');
    const results = await Promise.allSettled([app.close(), parts.stopChannels?.() ?? Promise.resolve()]);
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') {
        logger.error(
          { errName: (result.reason as Error)?.name, part: i === 0 ? 'http' : 'channels' },
          'shutdown step failed',
        );
      }
    }
    try {
      await parts.closeAssistant();
    } catch (error) {
      logger.error({ errName: (error as Error)?.name }, 'closing the assistant failed');
    }
    logger.info('shutdown complete');
  };
  return () => {
    closing ??= run();
    return closing;
  };
}

export interface SignalOptions {
  /** Exit anyway after this long (a stuck connection must not keep a stopped server alive). */
  forceAfterMs?: number;
  exit?: (code: number) => void;
}

/** Runs `close` on the first SIGTERM/SIGINT and exits; a second signal exits at once. Returns an uninstaller. */
export function handleSignals(close: () => Promise<void>, logger: Logger, options: SignalOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const forceAfterMs = options.forceAfterMs ?? 10_000;
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    received = true;
    logger.info({ signal }, 'signal received');
    const timer = setTimeout(() => {
      logger.error({ forceAfterMs }, 'shutdown took too long: exiting');
      exit(1);
    }, forceAfterMs);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      () => exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
