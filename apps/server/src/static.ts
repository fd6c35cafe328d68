import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The dashboard's build output inside this repository, used when WEB_DIST_DIR is not set. */
export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

/** Paths owned by the API: an unknown one answers 404 JSON, never the app's HTML. */
const API_PREFIXES = ['/api/', '/trpc/', '/ws', '/health/'];

/**
 * Scripts, styles, images and connections (HTTP and the WebSocket) only from this origin; no
 * plugins; never inside another site's frame (clickjacking). Styles may be inline: Solid sets
 * `style` attributes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite puts content-hashed files under assets/: their URL changes whenever their bytes do. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current hashes, so browsers must revalidate it every time. */
const REVALIDATE = 'no-cache';

async function fileAt(path: string): Promise<{ size: number; mtime: Date } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built single-page app for GET/HEAD requests: real files with their content type,
 * and index.html for any other path so the client-side router can handle it. Returns false when
 * it did not answer (other method, or no build present), so the caller can send its own 404.
 */
export function createStaticHandler(
  distDir: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const root = resolve(distDir);
  const indexPath = join(root, 'index.html');

  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return false; // malformed percent-encoding: let the caller answer 404
    }
    if (API_PREFIXES.some((prefix) => pathname.startsWith(prefix))) return false;
    // Source maps would publish the dashboard's source; the build makes none, and none is served.
    if (extname(pathname) === '.map') return false;
    const candidate = normalize(join(root, pathname));
    const inside = candidate === root || candidate.startsWith(root + sep);
    let path = inside ? candidate : indexPath;
    let info = await fileAt(path);
    if (!info) {
      // A missing file with an extension is a broken asset link, not a page: don't answer HTML.
      if (extname(pathname) !== '') return false;
      path = indexPath;
      info = await fileAt(path);
      if (!info) return false;
    }
    const isAsset = path.startsWith(join(root, 'assets') + sep);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': info.size,
      'last-modified': info.mtime.toUTCString(),
      'cache-control': isAsset ? IMMUTABLE : REVALIDATE,
      'x-content-type-options': 'nosniff',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-frame-options': 'DENY',
    });
    if (req.method === 'HEAD') {
      res.end();
      return true;
    }
    await new Promise<void>((resolveStream, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      res.on('close', () => {
        stream.destroy();
        resolveStream();
      });
      stream.pipe(res);
    });
    return true;
  };
}
