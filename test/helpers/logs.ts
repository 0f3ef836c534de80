// The project's logger (with its redaction) writing into memory, so a test can check what an operator would
// read in the log, and that message texts, dossier codes and secrets are not in it.
import { createLogger, type Logger } from '../../src/log/logger.ts';

export interface CapturedLogs {
  logger: Logger;
  /** The lines logged so far, as written (one JSON object each). */
  lines(): string[];
  /** Everything logged so far, as one text. */
  text(): string;
  /** Each line logged so far, parsed. */
  records(): Record<string, unknown>[];
  clear(): void;
}

export function captureLogs(level = 'debug'): CapturedLogs {
  const lines: string[] = [];
  return {
    logger: createLogger(level, { write: (line: string) => void lines.push(line) }),
    lines: () => [...lines],
    text: () => lines.join(''),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => {
      lines.length = 0;
    },
  };
}
