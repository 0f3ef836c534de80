// docs/http-api.md lists exactly the API routes the server has: every route of the JSON API, health, metrics and
// admin is documented with its method, and every route the page documents exists.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { buildServer } from '../src/server/app.ts';
import { stubAssistant } from './helpers/assistant.ts';

/** "POST /api/chat" for every route fastify prints, HEAD left out (it follows GET). */
function routesOf(tree: string): string[] {
  const parents: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const segment = match[2] as string;
    const parent = parents[depth - 1] ?? '';
    const path =
      depth === 0
        ? segment
        : parent.endsWith('/') || segment.startsWith('/')
          ? parent + segment
          : `${parent}/${segment}`;
    parents[depth] = path;
    for (const method of (match[3] as string).split(', ')) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes;
}

describe('HTTP API documentation', () => {
  it('documents every API route the server has, and no route it lacks', async () => {
    const app = await buildServer({
      assistant: stubAssistant(),
      config: loadConfig({ LOG_LEVEL: 'silent', ADMIN_TOKEN: 'a'.repeat(40) }),
      logger: createLogger('silent'),
    });
    await app.ready();
    const served = routesOf(app.printRoutes({ commonPrefix: false })).filter((r) =>
      /^\w+ \/(api|admin|healthz|metrics)/.test(r),
    );
    await app.close();
    const page = readFileSync(resolve(import.meta.dirname, '../docs/http-api.md'), 'utf8');
    const documented = [...page.matchAll(/^\| `(GET|POST|PUT|DELETE) (\/[^`?\s]*)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(served.length).toBeGreaterThanOrEqual(7);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });
});
