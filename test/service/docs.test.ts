import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { flightEvents } from '../../examples/flights/flight-events';
import { DOCS_ASSET_FILES, DOCS_CONTENT_SECURITY_POLICY } from '../../src/service/routes/docs';
import { errorOf, harness, stubStore } from './app-harness';

const SWAGGER_UI = join(__dirname, '..', '..', 'node_modules', 'swagger-ui-dist');

describe('GET /docs', () => {
  const { app } = harness({ store: stubStore(), schema: flightEvents, docsAssetDirectories: [SWAGGER_UI] });

  test('serves the reference page under a strict Content-Security-Policy, loading only this origin', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CONTENT_SECURITY_POLICY);
    expect(DOCS_CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(DOCS_CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*(unsafe|https?:|\*)/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<title>test-pipeline API reference</title>');
    // Every URL the page names is a path on this origin, and no script is inline.
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['data:,', '/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']);
    expect(html).not.toMatch(/<script>[^<]/);
  });

  test("serves the renderer's files, and the start script points at this service's own document", async () => {
    for (const [name, type] of Object.entries(DOCS_ASSET_FILES)) {
      const res = await app.request(`/docs/assets/${name}`);
      expect([name, res.status, res.headers.get('content-type')]).toEqual([name, 200, type]);
    }
    const bundle = await (await app.request('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle).toContain('SwaggerUIBundle');
    // Browsers ask for gzip: the same bytes, compressed.
    const zipped = await app.request('/docs/assets/swagger-ui-bundle.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    const zippedBytes = Buffer.from(await zipped.arrayBuffer());
    expect(zippedBytes.length).toBeLessThan(bundle.length / 2);
    expect(gunzipSync(zippedBytes).toString('utf8')).toBe(bundle);
    const init = await (await app.request('/docs/assets/init.js')).text();
    expect(init).toMatch(/url: '\/openapi\.json'/);
    expect(init).toMatch(/validatorUrl: null/);
  });

  test('fails when a file is not one of the renderer files: 404, nothing else is read from disk', async () => {
    for (const path of ['/docs/assets/package.json', '/docs/assets/..%2F..%2Fpackage.json', '/docs/assets/index.html', '/docs/assets/constructor']) {
      const res = await app.request(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect((await errorOf(res)).code).toBe('NOT_FOUND');
    }
  });

  test('fails when the files are missing from the image: a 404 naming them, not a blank page', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'docs-'));
    try {
      const { app: bare } = harness({ store: stubStore(), schema: flightEvents, docsAssetDirectories: [empty] });
      const res = await bare.request('/docs');
      expect(res.status).toBe(404);
      expect((await errorOf(res)).message).toMatch(/swagger-ui-bundle\.js/);
      writeFileSync(join(empty, 'swagger-ui-bundle.js'), 'window.SwaggerUIBundle = 1;');
      // A later folder is searched when the first lacks a file.
      const { app: layered } = harness({ store: stubStore(), schema: flightEvents, docsAssetDirectories: [empty, SWAGGER_UI] });
      expect(await (await layered.request('/docs/assets/swagger-ui-bundle.js')).text()).toBe('window.SwaggerUIBundle = 1;');
      expect((await layered.request('/docs/assets/swagger-ui.css')).status).toBe(200);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('is off when no asset folder is given: 404 like any unknown path', async () => {
    const { app: off } = harness({ store: stubStore(), schema: flightEvents });
    expect((await off.request('/docs')).status).toBe(404);
    expect((await off.request('/docs/assets/init.js')).status).toBe(404);
  });
});
