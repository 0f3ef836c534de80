// The retention period of answer feedback and the unanswered-question log: entries older than
// FEEDBACK_RETENTION_DAYS are deleted at start and then every few hours, so what one client can make the
// server store stays bounded in time. A store fault is logged and retried at the next round.
import type { Logger } from '../log/logger.ts';
import type { FeedbackStore } from './types.ts';

const DAY_MS = 86_400_000;
/** How often old entries are looked for after the first pass at start. */
export const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;

export interface RetentionOptions {
  days: number;
  logger: Logger;
  now?: () => number;
  everyMs?: number;
}

/** Prunes now and periodically; returns a stop function and the first pass (for tests and startup logs). */
export function startRetention(
  feedback: Pick<FeedbackStore, 'prune'>,
  options: RetentionOptions,
): { stop(): void; first: Promise<void> } {
  const now = options.now ?? Date.now;
  const pass = async () => {
    try {
      const removed = await feedback.prune(now() - options.days * DAY_MS);
      if (removed.feedback + removed.unanswered > 0) {
        options.logger.info(
          { ...removed, retentionDays: options.days },
          'old feedback and unanswered questions deleted',
        );
      }
    } catch (error) {
      options.logger.warn({ errName: (error as Error)?.name }, 'retention pass failed; retried at the next round');
    }
  };
  const first = pass();
  const timer = setInterval(() => void pass(), options.everyMs ?? PRUNE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), first };
}
