// The on-disk home of the dense index: <DATA_DIR>/index (live), built beside it in <DATA_DIR>/index.tmp-<pid>
// and swapped in by renames (live -> index.old-<pid>, new -> live, old removed). A crash at any point leaves
// either the new or the old folder, which `recoverIndexFolder` puts back in place. A lock file keeps two
// builders from swapping at once.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const LIVE_DIR = 'index';
const TMP_PREFIX = 'index.tmp-';
const OLD_PREFIX = 'index.old-';
const LOCK_FILE = 'index.lock';

export const MANIFEST_FILE = 'manifest.json';
export const HNSW_FILE = 'dense.hnsw';

export function liveIndexDir(dataDir: string): string {
  return join(dataDir, LIVE_DIR);
}

export class IndexBusyError extends Error {
  constructor(readonly pid: number) {
    super(`another index build is running (pid ${pid})`);
    this.name = 'IndexBusyError';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, LOCK_FILE), 'utf8').trim());
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `build` while holding <DATA_DIR>/index.lock; a lock left by a dead process is taken over. */
export async function withIndexLock<T>(dataDir: string, build: () => Promise<T>): Promise<T> {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = lockHolder(dataDir);
      if (holder !== undefined) throw new IndexBusyError(holder);
      rmSync(file, { force: true });
    }
  }
  try {
    return await build();
  } finally {
    rmSync(file, { force: true });
  }
}

/** Fresh, empty folder for this process to build in. */
export function prepareBuildDir(dataDir: string): string {
  const dir = join(dataDir, `${TMP_PREFIX}${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Makes `builtDir` the live index folder; the previous live folder is removed afterwards. */
export function swapIntoPlace(dataDir: string, builtDir: string): void {
  const live = liveIndexDir(dataDir);
  const old = join(dataDir, `${OLD_PREFIX}${process.pid}`);
  rmSync(old, { recursive: true, force: true });
  const hadLive = existsSync(live);
  if (hadLive) renameSync(live, old);
  try {
    renameSync(builtDir, live);
  } catch (error) {
    if (hadLive) renameSync(old, live);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/**
 * Repairs what an interrupted build or swap left behind: restores the previous live folder if the swap stopped
 * half-way, and removes leftover build and backup folders of processes that are gone. Does nothing while another
 * process holds the lock. Returns a description of each repair.
 */
export function recoverIndexFolder(dataDir: string): string[] {
  if (!existsSync(dataDir)) return [];
  const holder = lockHolder(dataDir);
  if (holder !== undefined && holder !== process.pid) return [];
  const repairs: string[] = [];
  const live = liveIndexDir(dataDir);
  const entries = readdirSync(dataDir);
  const olds = entries
    .filter((name) => name.startsWith(OLD_PREFIX))
    .map((name) => join(dataDir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  const newestOld = olds[0];
  if (!existsSync(live) && newestOld) {
    renameSync(newestOld, live);
    repairs.push(`restored the previous index from ${newestOld} (a swap was interrupted)`);
  }
  for (const old of olds) {
    if (!existsSync(old)) continue;
    rmSync(old, { recursive: true, force: true });
    repairs.push(`removed leftover ${old}`);
  }
  for (const name of entries.filter((n) => n.startsWith(TMP_PREFIX))) {
    const pid = Number(name.slice(TMP_PREFIX.length));
    if (pid === process.pid || isAlive(pid)) continue;
    rmSync(join(dataDir, name), { recursive: true, force: true });
    repairs.push(`removed unfinished build ${join(dataDir, name)}`);
  }
  return repairs;
}
