// Serves the web chat page (adapters/web: index.html, style.css, app.js, icon.svg) from memory.
// Asset URLs in the HTML get a content hash (`/app.js?v=<hash>`) so they can be cached for a year;
// the HTML itself is revalidated on every visit (ETag).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const ASSETS: Record<string, string> = {
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

const hashOf = (body: Buffer | string) => createHash('sha256').update(body).digest('hex').slice(0, 16);

/** Reads the page once; throws if a file is missing (a broken install should fail at startup). */
export function loadWebChat(dir: string): { html: Asset; assets: Map<string, Asset> } {
  const assets = new Map<string, Asset>();
  let html = readFileSync(join(dir, 'index.html'), 'utf8');
  for (const [name, type] of Object.entries(ASSETS)) {
    const body = readFileSync(join(dir, name));
    const asset = { body, type, hash: hashOf(body) };
    assets.set(name, asset);
    html = html.replaceAll(`"/${name}"`, `"/${name}?v=${asset.hash}"`);
  }
  const body = Buffer.from(html, 'utf8');
  return { html: { body, type: 'text/html; charset=utf-8', hash: hashOf(body) }, assets };
}

export function registerWebChatRoutes(app: FastifyInstance, dir: string): void {
  const { html, assets } = loadWebChat(dir);
  app.get('/', async (request, reply) => {
    const etag = `"${html.hash}"`;
    reply.header('ETag', etag).header('Cache-Control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(html.type).send(html.body);
  });
  for (const [name, asset] of assets) {
    const etag = `"${asset.hash}"`;
    app.get<{ Querystring: { v?: string } }>(`/${name}`, async (request, reply) => {
      const versioned = request.query.v === asset.hash;
      reply
        .header('ETag', etag)
        .header('Cache-Control', versioned ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type(asset.type).send(asset.body);
    });
  }
}
