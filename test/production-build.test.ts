// The production build: `npm run build` compiles to dist/, the compiled server starts with plain node (no tsx),
// and every package the compiled code imports is a production dependency, so `npm ci --omit=dev` can run it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDirs } from './helpers/temp-dirs.ts';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const dirs = tempDirs('prod-build-');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  dirs.removeAll();
});

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** The package a bare specifier names: "pino", "@huggingface/transformers", "telegraf/filters" -> "telegraf". */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
  return builtinModules.includes(name) ? undefined : name;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

describe('production build', () => {
  it('compiles, imports only production dependencies, and serves the web chat with plain node', async () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'pipe',
    });
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const imported = new Set<string>();
    for (const file of jsFiles(dist)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)) {
        const name = packageOf(match[1] as string);
        if (name) imported.add(name);
      }
    }
    expect(imported.size).toBeGreaterThan(3);
    expect([...imported].filter((name) => !(name in manifest.dependencies))).toEqual([]);

    const port = await freePort();
    server = spawn(process.execPath, [join(dist, 'src/main.js')], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dirs.make(), LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    let health: Response | undefined;
    for (let i = 0; i < 150 && !health; i++) {
      health = await fetch(`${url}/healthz`).catch(() => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 200));
    }
    expect(health?.status).toBe(200);
    expect((await fetch(`${url}/`)).status).toBe(200);
    const chat = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'prod-build', text: 'làm giấy khai sinh cho con' }),
    });
    expect(chat.status).toBe(200);
    expect(JSON.stringify(await chat.json())).toMatch(/khai sinh/i);
  }, 240_000);
});
