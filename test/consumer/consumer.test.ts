import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Proves `npm install` into another CDKTF project works: pack the built package, install the tarball into a
// fresh project outside the repository (peers from the local npm cache), synth a stack with two pipelines.
const root = join(__dirname, '..', '..');
const peers = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<string, string>;

const consumerApp = `
const { App, TerraformStack } = require('cdktf');
const { GoogleProvider } = require('@cdktf/provider-google/lib/provider');
const { AnalyticsPipeline, Field, FieldMode, RecordSchema, ServiceImage } = require('cdktf-gcp-analytics-pipeline');

const app = new App({ outdir: 'cdktf.out' });
const stack = new TerraformStack(app, 'consumer');
new GoogleProvider(stack, 'google', { project: 'consumer-project', region: 'europe-west1' });
const schema = new RecordSchema({
  name: 'Order',
  fields: [
    Field.string('order_id', { mode: FieldMode.REQUIRED }),
    Field.timestamp('ordered_at', { mode: FieldMode.REQUIRED }),
    Field.string('country'),
  ],
  eventTimeField: 'ordered_at',
  keyField: 'order_id',
  clusteringFields: ['country'],
});
const image = ServiceImage.fromRegistry('europe-docker.pkg.dev/consumer-project/apis/query-api:1.0.0');
new AnalyticsPipeline(stack, 'Orders', { name: 'orders', schema, image });
new AnalyticsPipeline(stack, 'Returns', { name: 'returns', schema, image });
app.synth();
`;

/**
 * Bound on each child process. execFileSync blocks the worker's event loop, so jest's own timeout cannot fire: an
 * `npm install` that hangs (seen once, stuck after its cache hits) would hold CI until its job limit.
 */
const CHILD_TIMEOUT_MS = 120_000;

describe('a consumer CDKTF project', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(join(root, 'lib', 'index.js'))) throw new Error('lib/ is missing: run `npm run build` before this test');
    dir = mkdtempSync(join(tmpdir(), 'consumer-'));
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: root, stdio: 'pipe', timeout: CHILD_TIMEOUT_MS });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({
      name: 'consumer', private: true,
      dependencies: {
        'cdktf': peers.cdktf,
        'constructs': peers.constructs,
        '@cdktf/provider-google': peers['@cdktf/provider-google'],
        'cdktf-gcp-analytics-pipeline': `file:./${tarball}`,
      },
    }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'pipe', timeout: CHILD_TIMEOUT_MS });
    writeFileSync(join(dir, 'main.js'), consumerApp);
    execFileSync(process.execPath, ['main.js'], { cwd: dir, stdio: 'pipe', timeout: CHILD_TIMEOUT_MS });
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('synthesizes two pipelines side by side without name collisions', () => {
    const synthesized = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8'));
    const topics = Object.values(synthesized.resource.google_pubsub_topic) as Array<{ name: string }>;
    const names = topics.map((t) => t.name);
    expect(names.length).toBeGreaterThanOrEqual(4); // two pipelines, each with a topic and a dead-letter topic
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([expect.stringContaining('orders'), expect.stringContaining('returns')]));
    const services = Object.values(synthesized.resource.google_cloud_run_v2_service) as Array<{ name: string }>;
    expect(services.map((s) => s.name).sort()).toEqual([expect.stringContaining('orders'), expect.stringContaining('returns')]);
    const subscriptions = Object.values(synthesized.resource.google_pubsub_subscription) as Array<{ bigquery_config?: unknown }>;
    expect(subscriptions.filter((s) => s.bigquery_config)).toHaveLength(4);
  });

  test('the installed package ships compiled code, the jsii manifest and the service bundle with its Dockerfile, not the sources', () => {
    const installed = join(dir, 'node_modules', 'cdktf-gcp-analytics-pipeline');
    expect(existsSync(join(installed, 'lib', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'lib', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, '.jsii'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'service', 'server.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'service', 'Dockerfile'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'test'))).toBe(false);
  });
});
