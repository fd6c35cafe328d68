import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticHandler } from './static.ts';

let dist: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'acme-web-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dist, 'assets', 'index-abc123.css'), 'body{}');
  await writeFile(join(dist, 'favicon.svg'), '<svg/>');
  await writeFile(join(dist, 'assets', 'index-abc123.js.map'), '{"sources":["secret.ts"]}');
  await writeFile(join(dist, '..', `${dist.split('/').at(-1)}-secret.txt`), 'outside');
  const serve = createStaticHandler(dist);
  server = createServer((req, res) => {
    void serve(req, res).then((served) => {
      if (!served) res.writeHead(404).end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dist, { recursive: true, force: true });
  await rm(`${dist}-secret.txt`, { force: true });
});

describe('static dashboard files', () => {
  it('serves hashed assets with their content type and an immutable cache header', async () => {
    const js = await fetch(`${base}/assets/index-abc123.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await fetch(`${base}/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers index.html, revalidated, for the root and for client-side routes', async () => {
    for (const path of ['/', '/products', '/imports/123?x=1', '/webhooks/']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('id="root"');
    }
  });

  it('sends a Content-Security-Policy that forbids framing, and never a source map', async () => {
    for (const path of ['/', '/products', '/assets/index-abc123.js']) {
      const res = await fetch(base + path);
      const policy = res.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect((await fetch(`${base}/assets/index-abc123.js.map`)).status).toBe(404);
  });

  it('serves other top-level files without the immutable header', async () => {
    const res = await fetch(`${base}/favicon.svg`);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('does not answer missing assets, API paths or other methods with HTML', async () => {
    expect((await fetch(`${base}/assets/missing-000.js`)).status).toBe(404);
    expect((await fetch(`${base}/api/unknown`)).status).toBe(404);
    expect((await fetch(`${base}/trpc/x`)).status).toBe(404);
    expect((await fetch(`${base}/products`, { method: 'POST' })).status).toBe(404);
  });

  it('never reads outside the build directory', async () => {
    const res = await fetch(`${base}/..%2F${dist.split('/').at(-1)}-secret.txt`);
    expect(await res.text()).not.toContain('outside');
  });

  it('answers nothing when no build exists', async () => {
    const serve = createStaticHandler(join(dist, 'nope'));
    const missing = createServer((req, res) => {
      void serve(req, res).then((served) => {
        if (!served) res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => missing.listen(0, '127.0.0.1', resolve));
    const port = (missing.address() as AddressInfo).port;
    expect((await fetch(`http://127.0.0.1:${port}/products`)).status).toBe(404);
    await new Promise((resolve) => missing.close(resolve));
  });
});
