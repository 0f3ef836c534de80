// A tiny terminal progress bar for maintainer scripts, written to stderr.
// On a terminal it redraws one line in place; elsewhere (CI, pipes, files) it stays quiet until done()
// and then prints a single final line, so logs keep the outcome without the noise.

export interface Progress {
  /** Advances by n (default 1). */
  tick(n?: number): void;
  /** Prints the final line; later calls do nothing. */
  done(): void;
}

/** The part of a stream the bar needs; process.stderr fits. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;
const REDRAW_EVERY_MS = 80;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function createProgress(label: string, total: number, stream: ProgressStream = process.stderr): Progress {
  const started = Date.now();
  const interactive = Boolean(stream.isTTY);
  let current = 0;
  let lastDraw = 0;
  let finished = false;

  const line = (): string => {
    const ratio = total > 0 ? Math.min(current / total, 1) : 1;
    const filled = Math.round(ratio * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
    return `${label} ${bar} ${percent} ${current}/${total} ${seconds(Date.now() - started)}`;
  };

  const draw = (): void => {
    const text = line();
    const width = stream.columns ?? 0;
    stream.write(`\r${width > 0 ? text.slice(0, width - 1) : text}\x1b[K`);
  };

  return {
    tick(n = 1) {
      if (finished) return;
      current += n;
      if (!interactive) return;
      const now = Date.now();
      if (now - lastDraw >= REDRAW_EVERY_MS || current >= total) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      if (finished) return;
      finished = true;
      if (interactive) {
        draw();
        stream.write('\n');
      } else {
        stream.write(`${line()}\n`);
      }
    },
  };
}
