// Temporary folders for one test file: `make()` creates one under the system temp folder, `removeAll()`
// (registered by the test file in afterEach or afterAll) deletes every folder made so far.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDirs {
  make(prefix?: string): string;
  removeAll(): void;
}

export function tempDirs(defaultPrefix: string): TempDirs {
  const made: string[] = [];
  return {
    make(prefix = defaultPrefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
