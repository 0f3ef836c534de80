// Reindex reaches every instance: after a reindex here, the new knowledge version is announced to the other
// instances on the same database (PostgreSQL NOTIFY); an instance that hears of a version it does not serve
// rebuilds its own index from the same knowledge files. One rebuild at a time; a failure is logged, never thrown.
import type { Logger } from '../log/logger.ts';
import type { StoreEvents } from './types.ts';

interface Reindexable {
  reindex(): Promise<{ version: string; procedures: number }>;
  status(): { knowledgeVersion: string };
}

export function followReindexes<A extends Reindexable>(assistant: A, events: StoreEvents, logger: Logger): A {
  const rebuild = assistant.reindex.bind(assistant);
  let busy = false;
  let wanted: string | undefined;

  const catchUp = async (): Promise<void> => {
    while (wanted && wanted !== assistant.status().knowledgeVersion) {
      const target = wanted;
      try {
        const result = await rebuild();
        logger.info({ knowledgeVersion: result.version, announced: target }, 'reindexed after another instance did');
        if (result.version !== target && wanted === target) wanted = undefined; // our files differ: do not loop
      } catch (error) {
        logger.error(
          { err: (error as Error).message, announced: target },
          'reindex announced by another instance failed',
        );
        if (wanted === target) wanted = undefined;
      }
    }
  };

  events.onReindex((version) => {
    wanted = version;
    if (busy) return;
    busy = true;
    void catchUp().finally(() => {
      busy = false;
    });
  });

  assistant.reindex = async () => {
    const result = await rebuild();
    events.publishReindex(result.version).catch((error: unknown) => {
      logger.warn({ err: (error as Error).message }, 'could not tell the other instances about the reindex');
    });
    return result;
  };
  return assistant;
}
