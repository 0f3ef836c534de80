// What `npm run zalo:login` prints when the network fails: the host, the reason and what to check, built from
// the real errors Node's fetch raises (a refused connection, an unknown host), not a bare "fetch failed".
import { describe, expect, it } from 'vitest';
import { explainLoginFailure } from '../adapters/zalo/login-errors.ts';
import { listenLocally } from './helpers/local-server.ts';

async function fetchError(url: string): Promise<unknown> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    return error;
  }
  throw new Error(`${url} answered`);
}

describe('explaining a failed Zalo login', () => {
  it('names the refused host and says what to check', async () => {
    const server = await listenLocally();
    const { url } = server;
    await server.close(); // nothing listens there any more
    const text = explainLoginFailure(await fetchError(`${url}/api/login/getLoginInfo`));
    expect(text).not.toBe('fetch failed');
    expect(text).toContain('127.0.0.1');
    expect(text).toMatch(/từ chối kết nối \(ECONNREFUSED\)/);
    expect(text).toMatch(/HTTPS_PROXY/);
    expect(text).toMatch(/npm run zalo:login/);
  });

  it('explains a host that does not resolve as a DNS problem', async () => {
    const text = explainLoginFailure(await fetchError('https://id.zalo.invalid/'));
    expect(text).toMatch(/DNS/);
    expect(text).toMatch(/id\.zalo\.invalid|các máy chủ Zalo/);
  });

  it('passes other failures through with their message', () => {
    expect(explainLoginFailure(new Error('Đăng nhập thất bại'))).toBe('Không đăng nhập được Zalo: Đăng nhập thất bại');
  });
});
