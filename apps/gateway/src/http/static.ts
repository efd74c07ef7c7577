// The web client (apps/web, built by Vite into apps/web/dist) served from
// memory: the page, its WebSocket and its API calls share one origin.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import type { RouteModule } from './routes';
import { errorAnswer, MIN_COMPRESSED_BYTES, pickEncoding, writeAnswer } from './respond';

export const WEB_DIST_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
export const MAX_STATIC_BYTES = 20 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json', '.json': 'application/json',
};

export interface StaticFile {
  body: Buffer; type: string; immutable: boolean;
  /** The body compressed once at start-up (text files worth it only): sent to a client that accepts the encoding. */
  br?: Buffer; gzip?: Buffer;
}

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.map', '.json']);

function compressed(body: Buffer, ext: string): Pick<StaticFile, 'br' | 'gzip'> {
  if (!COMPRESSIBLE.has(ext) || body.length < MIN_COMPRESSED_BYTES) return {};
  const br = brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } });
  const gzip = gzipSync(body, { level: zlib.Z_BEST_COMPRESSION });
  return { ...(br.length < body.length ? { br } : {}), ...(gzip.length < body.length ? { gzip } : {}) };
}

export function loadStaticFiles(dir = WEB_DIST_DIR): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) { walk(path); continue; }
      const body = readFileSync(path);
      total += body.length;
      if (total > MAX_STATIC_BYTES) throw new Error(`${dir} holds more than ${MAX_STATIC_BYTES} bytes: not a web build`);
      const url = `/${relative(dir, path).split('\\').join('/')}`;
      // Vite puts content hashes in asset names: those can be cached forever.
      files.set(url, { body, type: TYPES[extname(path)] ?? 'application/octet-stream', immutable: url.startsWith('/assets/'), ...compressed(body, extname(path)) });
    }
  };
  walk(dir);
  return files;
}

export function staticRoutes(files = loadStaticFiles()): RouteModule {
  return (app, deps) => {
    if (files.size === 0) {
      deps.logger.warn({ dir: WEB_DIST_DIR }, 'no web build found: run `npm run build -w @inplay/web` to serve the page');
      return;
    }
    const serve = (url: string) => (res: HttpResponse, req: HttpRequest): void => {
      const file = files.get(url);
      // The API's error body, as every other refusal of the gateway (docs/api/openapi.yaml).
      if (!file) { writeAnswer(res, errorAnswer(404, 'NOT_FOUND', `no file ${url}`)); return; }
      const encoding = pickEncoding(req.getHeader('accept-encoding'), file);
      res.cork(() => {
        res.writeHeader('content-type', file.type);
        res.writeHeader('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        res.writeHeader('x-content-type-options', 'nosniff');
        if (file.br || file.gzip) res.writeHeader('vary', 'accept-encoding');
        if (encoding) res.writeHeader('content-encoding', encoding);
        res.end(encoding ? file[encoding] : file.body);
      });
    };
    app.get('/', serve('/index.html'));
    app.get('/index.html', serve('/index.html'));
    app.get('/assets/*', (res, req) => serve(req.getUrl())(res, req));
  };
}
