import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { ApiError, ErrorCode } from '../http-error';

const gzip = promisify(gzipCallback);

/** What the reference page needs. */
export interface DocsRoutesDeps {
  /** Title of the page (the pipeline's name). */
  readonly title: string;
  /** Folders searched, in order, for the renderer's files (see DOCS_ASSET_FILES). */
  readonly assetDirectories: readonly string[];
}

/**
 * The renderer's files the page loads, served from the image (never a CDN): Swagger UI from `swagger-ui-dist`,
 * copied beside the service bundle by scripts/build-service.mjs with its license files.
 */
export const DOCS_ASSET_FILES: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  LICENSE: 'text/plain; charset=utf-8',
  NOTICE: 'text/plain; charset=utf-8',
};

/**
 * Only this origin's scripts, styles, images (and inline SVG data), and requests to it: no CDN, no inline script, no
 * framing. Swagger UI sets a few `style` attributes, which `style-src-attr 'unsafe-inline'` allows; no stylesheet
 * or script may come from anywhere but here.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The files the page cannot render without. */
const RENDERER_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'];

const PAGE_HEADERS = {
  'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Starts Swagger UI on this service's own document; a file, since the policy allows no inline script. */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // No badge from validator.swagger.io: the page makes no request outside this origin.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    displayRequestDuration: true,
  });
});
`;

/** `GET /docs`: an interactive reference of this API, rendered from `/openapi.json`, with "try it" on this origin. */
export const docsRoutes = ({ title, assetDirectories }: DocsRoutesDeps) => {
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const asset = (name: string) => {
    if (!cache.has(name)) cache.set(name, findAsset(assetDirectories, name));
    return cache.get(name)!;
  };
  // Compressed once and kept: the renderer is ~1.7 MB as text, ~0.5 MB gzipped.
  const gzipped = new Map<string, Promise<Buffer>>();
  const compressed = (name: string, bytes: Buffer) => {
    if (!gzipped.has(name)) gzipped.set(name, gzip(bytes));
    return gzipped.get(name)!;
  };
  return new Hono<AppEnv>()
    .get('/docs', async (c) => {
      // A page whose renderer is missing would be blank: say what is missing instead.
      const missing = [];
      for (const name of RENDERER_FILES) if (!(await asset(name))) missing.push(name);
      if (missing.length > 0) throw new ApiError(404, ErrorCode.NOT_FOUND, `the API reference is not in this build: ${missing.join(', ')} missing`);
      return c.html(page(title), 200, PAGE_HEADERS);
    })
    .get('/docs/', (c) => c.redirect('/docs', 301))
    .get('/docs/assets/init.js', (c) => c.body(INIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', ...cacheHeaders() }))
    .get('/docs/assets/:file', async (c) => {
      const name = c.req.param('file');
      const type = Object.hasOwn(DOCS_ASSET_FILES, name) ? DOCS_ASSET_FILES[name] : undefined;
      const bytes = type ? await asset(name) : undefined;
      if (!type || !bytes) throw new ApiError(404, ErrorCode.NOT_FOUND, `no docs asset ${JSON.stringify(name)}`);
      const headers = { 'Content-Type': type, Vary: 'Accept-Encoding', ...cacheHeaders() };
      if (!/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) return c.body(new Uint8Array(bytes), 200, headers);
      return c.body(new Uint8Array(await compressed(name, bytes)), 200, { ...headers, 'Content-Encoding': 'gzip' });
    });
};

function cacheHeaders(): Record<string, string> {
  // The files change only with the image: an hour in the browser keeps the page fast and a new revision visible.
  return { 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' };
}

async function findAsset(directories: readonly string[], name: string): Promise<Buffer | undefined> {
  for (const directory of directories) {
    try {
      return await readFile(join(directory, name));
    } catch {
      // not in this folder: try the next one
    }
  }
  return undefined;
}

function page(title: string): string {
  const escaped = title.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escaped} API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;
}
