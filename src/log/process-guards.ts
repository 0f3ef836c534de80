// Process-wide safety net for the CLI server: a promise rejection that nothing handled is logged (without
// message texts) instead of ending the process, so one failing request or channel update cannot take
// the whole service down. Installed once by `npm start`; tests keep their runner's own handling.
import type { Logger } from './logger.ts';

let installed: ((reason: unknown) => void) | undefined;

export function installProcessGuards(logger: Logger): () => void {
  if (installed) process.off('unhandledRejection', installed);
  const onRejection = (reason: unknown) => {
    const error = reason instanceof Error ? reason : undefined;
    logger.error(
      { errName: error?.name ?? typeof reason, err: error?.message ?? String(reason).slice(0, 200) },
      'unhandledRejection: a failure nobody handled was logged and the service goes on',
    );
  };
  process.on('unhandledRejection', onRejection);
  installed = onRejection;
  return () => {
    process.off('unhandledRejection', onRejection);
    if (installed === onRejection) installed = undefined;
  };
}
