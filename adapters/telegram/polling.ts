// Long polling that survives the wild: a 409 Conflict (another instance or a webhook holds the bot), a
// network failure or a 5xx is retried with growing waits and reported "retrying"; a rejected token (401)
// stops the channel and says why. Updates of one batch are handed over in order; the handler returns at once
// (the work happens in the inbound pipeline), so a slow chat never holds the loop.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { ChannelRunState } from '../../src/channels/states.ts';
import type { Logger } from '../../src/log/logger.ts';
import { describeError, isConflict, isUnauthorized, retryAfterSeconds } from './errors.ts';

export interface PollingOptions {
  telegram: Telegram;
  allowedUpdates: readonly string[];
  handle(update: Update): Promise<void>;
  report(state: ChannelRunState, reason?: string): void;
  log: Logger;
  /** Waits after a failure: initialMs, doubled each time, capped at maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** Long-poll timeout asked of the Bot API, in seconds. */
  timeoutSeconds?: number;
}

export interface Polling {
  /** Settles when polling has ended (stopped, or the token was rejected). */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** Why polling is failing, in words an operator can act on (no token). */
export function pollingFailureReason(error: unknown): string {
  if (isConflict(error)) {
    return '409 Conflict: another instance is polling this bot token, or a webhook is set; retrying';
  }
  const { code, description } = describeError(error);
  return code === undefined ? `network failure: ${description}; retrying` : `${code} ${description}; retrying`;
}

export function startPolling(options: PollingOptions): Polling {
  const { telegram, log } = options;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const abort = new AbortController();
  let offset = 0;

  async function loop(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        updates = await telegram.callApi(
          'getUpdates',
          { timeout: options.timeoutSeconds ?? 50, offset, allowed_updates: [...options.allowedUpdates] as never },
          { signal: abort.signal as never },
        );
      } catch (error) {
        if (abort.signal.aborted) return;
        if (isUnauthorized(error)) {
          const reason = 'Telegram rejected the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN';
          log.error(describeError(error), `Telegram polling stopped: ${reason}`);
          options.report('stopped', reason);
          return;
        }
        const retryAfter = retryAfterSeconds(error);
        const waitMs =
          retryAfter !== undefined ? retryAfter * 1000 : Math.min(backoff.initialMs * 2 ** failures, backoff.maxMs);
        failures++;
        const reason = pollingFailureReason(error);
        options.report('retrying', reason);
        log.warn({ waitMs, attempt: failures, ...describeError(error) }, 'Telegram polling failed; retrying');
        await sleep(waitMs, undefined, { signal: abort.signal }).catch(() => undefined);
        continue;
      }
      if (failures > 0) log.info({ after: failures }, 'Telegram polling recovered');
      failures = 0;
      options.report('running');
      for (const update of updates) {
        offset = Math.max(offset, update.update_id + 1);
        await options.handle(update).catch((error: unknown) => {
          log.error({ updateId: update.update_id, ...describeError(error) }, 'Telegram update handler failed');
        });
      }
    }
  }

  const done = loop();
  return {
    done,
    async stop() {
      abort.abort();
      await done;
      // Confirm what was handed over, so a restart does not receive it again.
      if (offset > 0) {
        await Promise.race([
          telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 }).catch(() => undefined),
          sleep(2_000),
        ]);
      }
    },
  };
}
