import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import puppeteer, { Browser } from 'puppeteer-core';

/**
 * The API reference in a real browser: `npm start`'s local pipeline, `/docs` in headless Chromium (Debian's
 * `chromium`, which .ci/run installs), "try it" on GET /v1/records, and not one request leaving the origin.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output', 'browser');
/** Where the screenshot goes; `npm run screenshot` copies it into docs/images for the README. */
export const SCREENSHOT = path.join(OUT, 'api-reference.png');

function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

const chromium = findChromium();
const skipReason = process.env.SKIP_BROWSER_TESTS;
if (!chromium && skipReason) {
  // .ci/run sets SKIP_BROWSER_TESTS only when it could not install chromium; say so loudly.
  console.warn(`SKIPPED the API reference browser test: no Chromium (${skipReason}). Install it: apt-get install -y chromium`);
}
const describeWithBrowser = chromium || !skipReason ? describe : describe.skip;

/** Starts `npm start`'s program on a free port; resolves with the /docs URL it prints. */
async function startLocalPipeline(): Promise<{ child: ChildProcess; docsUrl: string }> {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'examples', 'flights', 'local.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const docsUrl = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API reference:\s+(http:\/\/\S+\/docs)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { child, docsUrl };
}

describeWithBrowser('API reference in headless Chromium', () => {
  let browser: Browser;
  let local: Awaited<ReturnType<typeof startLocalPipeline>>;

  beforeAll(async () => {
    if (!chromium) throw new Error('no Chromium found: apt-get install -y chromium (or set CHROMIUM_PATH; SKIP_BROWSER_TESTS=<reason> skips)');
    [local, browser] = await Promise.all([
      startLocalPipeline(),
      // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
      puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    if (local) {
      const exited = new Promise((resolve) => local.child.once('exit', resolve));
      local.child.kill('SIGTERM');
      await exited;
    }
  });

  test('lists the operations, runs "try it" on GET /v1/records, and requests only its own origin', async () => {
    const origin = new URL(local.docsUrl).origin;
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));

    await page.goto(local.docsUrl, { waitUntil: 'networkidle0' });
    await page.waitForSelector('#operations-records-listRecords');
    const operations = await page.$$eval('.opblock', (blocks) => blocks.map((b) => b.id));
    expect(operations).toEqual(
      expect.arrayContaining(['operations-records-listRecords', 'operations-records-getRecord', 'operations-events-publishEvents', 'operations-operations-health']),
    );

    await page.click('#operations-records-listRecords .opblock-summary');
    await page.waitForSelector('#operations-records-listRecords .try-out__btn');
    await page.click('#operations-records-listRecords .try-out__btn');
    await page.click('#operations-records-listRecords .execute');
    const status = await page.waitForSelector('#operations-records-listRecords .live-responses-table tbody .response-col_status');
    expect(await status!.evaluate((el) => el.textContent?.trim())).toBe('200');
    const body = await page.$eval('#operations-records-listRecords .live-responses-table tbody .response-col_description pre.microlight', (el) => el.textContent ?? '');
    const records = JSON.parse(body).records as Array<Record<string, unknown>>;
    expect(records.length).toBeGreaterThan(0);
    expect(records[0]).toHaveProperty('event_id');

    const offOrigin = requested.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    expect(offOrigin).toEqual([]);
    expect(requested).toContain(`${origin}/openapi.json`);
    expect(requested.some((url) => url.startsWith(`${origin}/v1/records`))).toBe(true);
    expect(problems).toEqual([]);

    mkdirSync(OUT, { recursive: true });
    // The request "try it" sent and the records it got back.
    await page.$eval('#operations-records-listRecords .responses-wrapper', (el) => {
      el.scrollIntoView();
      el.ownerDocument.defaultView?.scrollBy(0, -60);
    });
    await page.screenshot({ path: SCREENSHOT });
  });
});
