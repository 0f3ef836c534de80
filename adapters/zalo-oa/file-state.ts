// Small named values kept across restarts in one JSON file of the data directory, readable by the owner
// only (0600), written atomically: the embedded-mode home of the Zalo OA refresh token when no shared
// state store is given.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenState } from './token.ts';

export class FileState implements TokenState {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async read(): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  async get(name: string): Promise<string | undefined> {
    const value = (await this.read())[name];
    return typeof value === 'string' ? value : undefined;
  }

  set(name: string, value: string): Promise<void> {
    const write = async () => {
      await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      const values = { ...(await this.read()), [name]: value };
      const temporary = `${this.file}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.file);
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}
