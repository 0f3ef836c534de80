// Sends the parts of a multi-part reply in order. A part that fails with a transient error (network,
// timeout, flood control, server error) is retried with exponential backoff; a part that still fails is
// logged and skipped, and the remaining parts still go out: a reply is never cut off silently.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from '../../src/log/logger.ts';
import { errorMessage } from './error-message.ts';

export interface SendPartsOptions {
  /** Attempts per part, the first included. Default 4. */
  attempts?: number;
  /** First retry delay, doubled each time. Default 500 ms. */
  backoffMs?: number;
  /** Whether another attempt can help; default: every error. */
  isTransient?: (error: unknown) => boolean;
  /** Called once for a failure retrying cannot fix (a refused token): the remaining parts are not sent. */
  isFatal?: (error: unknown) => boolean;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Resolves with how many parts were sent; never rejects. */
export async function sendParts<P>(
  parts: P[],
  send: (part: P, index: number) => Promise<void>,
  options: SendPartsOptions,
): Promise<number> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const backoffMs = options.backoffMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  let sent = 0;
  for (const [index, part] of parts.entries()) {
    for (let attempt = 1; ; attempt++) {
      try {
        await send(part, index);
        sent++;
        break;
      } catch (error) {
        if (options.isFatal?.(error)) {
          options.log.error({ part: index + 1, of: parts.length, error: errorMessage(error) }, 'reply not sent');
          return sent;
        }
        const transient = options.isTransient?.(error) ?? true;
        if (!transient || attempt >= attempts) {
          options.log.warn(
            { part: index + 1, of: parts.length, attempts: attempt, error: errorMessage(error) },
            'a reply part could not be sent; sending the rest',
          );
          break;
        }
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }
  return sent;
}
