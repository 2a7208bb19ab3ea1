import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flightEvents } from '../../examples/flights/flight-events';

/** The cloud artifact: one file under 2 MB that starts without node_modules and answers /healthz. */
describe('service bundle', () => {
  const root = join(__dirname, '..', '..');
  const outdir = mkdtempSync(join(tmpdir(), 'service-bundle-'));
  let buildLog = '';
  beforeAll(() => {
    buildLog = execFileSync(process.execPath, [join(root, 'scripts/build-service.mjs'), '--outdir', outdir], { cwd: root, stdio: 'pipe', timeout: 60_000 }).toString();
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('is one file under 2 MB with its Dockerfile beside it', () => {
    expect(statSync(join(outdir, 'server.js')).size).toBeLessThan(2 * 1024 * 1024);
    expect(readFileSync(join(outdir, 'Dockerfile'), 'utf8')).toBe(readFileSync(join(root, 'src/service/Dockerfile'), 'utf8'));
    expect(existsSync(join(outdir, 'node_modules'))).toBe(false);
  });

  test('runs on a supported Node.js LTS, distroless, pinned by digest, as a non-root user; bundled for that Node', () => {
    const dockerfile = readFileSync(join(outdir, 'Dockerfile'), 'utf8');
    const from = dockerfile.split('\n').filter((l) => /^FROM /.test(l));
    expect(from).toHaveLength(1);
    const base = /^FROM gcr\.io\/distroless\/nodejs(\d+)-debian(\d+)(:[\w.-]+)?@sha256:([0-9a-f]{64})$/.exec(from[0]);
    expect(base).not.toBeNull();
    const major = Number(base![1]);
    // LTS lines are the even majors; 20 reached its end of life in April 2026.
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    // The last USER is numeric and not root: Cloud Run and Kubernetes can check uid != 0 without /etc/passwd.
    const user = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]).pop();
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // Distroless has no shell: exec form, the image's entrypoint is node.
    expect(dockerfile).toMatch(/^CMD \["server\.js"\]$/m);
    expect(dockerfile).not.toMatch(/^(RUN|ENTRYPOINT) /m);
    expect(buildLog).toMatch(new RegExp(`target node${major}\\b`));
  });

  test("carries the API reference's files beside it, not inside it, and the image copies them", () => {
    expect(readdirSync(join(outdir, 'docs')).sort()).toEqual(['LICENSE', 'NOTICE', 'swagger-ui-bundle.js', 'swagger-ui.css']);
    // The renderer (1.7 MB) is not inside the bundle, whose budget stays 2 MB: only its start script is.
    expect(readFileSync(join(outdir, 'server.js'), 'utf8').includes('opblock-summary')).toBe(false);
    expect(readFileSync(join(outdir, 'Dockerfile'), 'utf8')).toMatch(/^COPY docs \.\/docs$/m);
  });

  test('starts with STORE=bigquery away from node_modules and answers /healthz', async () => {
    const child = spawn(process.execPath, [join(outdir, 'server.js')], {
      cwd: outdir,
      env: {
        PATH: process.env.PATH,
        STORE: 'bigquery',
        PORT: '0',
        GOOGLE_CLOUD_PROJECT: 'bundle-test-project',
        BIGQUERY_DATASET: 'analytics_api',
        BIGQUERY_VIEW: 'records_view',
        PIPELINE_SCHEMA: flightEvents.toJson(),
        // As on Cloud Run: K_SERVICE set, queries bounded so the drain fits in the 10 s before SIGKILL.
        K_SERVICE: 'flights-api',
        QUERY_TIMEOUT_MS: '9000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      const port = await new Promise<string>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on port (\d+)/.exec(output);
          if (match) resolve(match[1]);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`bundle exited with ${code}:\n${output}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      // The reference page and its renderer come from the files beside the bundle.
      expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
      expect(output).toContain('"shutdownGraceMs":9500');
      expect(output).not.toContain('"severity":"WARNING"');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('stops with a message naming the variable when the configuration is invalid', () => {
    let stdout = '';
    try {
      execFileSync(process.execPath, [join(outdir, 'server.js')], { cwd: outdir, env: { PATH: process.env.PATH, STORE: 'duckdb' }, stdio: 'pipe', timeout: 30_000 });
    } catch (e) {
      stdout = String((e as { stdout: Buffer }).stdout);
      expect((e as { status: number }).status).toBe(1);
    }
    expect(stdout).toMatch(/PIPELINE_SCHEMA is required/);
  });
});
