import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Testing } from 'cdktf';
import { buildFlightsApp, buildFlightsStack, flightsOptionsFromEnv, FlightsStackOptions, PLACEHOLDER_IMAGE } from '../../examples/flights/flights-stack';

Testing.setupJest();

const OPTIONS: FlightsStackOptions = { project: 'my-project', region: 'europe-west1', image: PLACEHOLDER_IMAGE };
/** The default way in: the bundled service built by Terraform (a fixture bundle stands in for dist/service). */
const BUNDLED: FlightsStackOptions = { project: 'my-project', region: 'europe-west1', serviceDirectory: 'test/delivery/fixtures/service-bundle' };

describe('flights example', () => {
  it('reads project, region, image and state bucket from the environment, with synth defaults', () => {
    expect(flightsOptionsFromEnv({})).toEqual({
      project: 'my-project', region: 'europe-west1', image: undefined, stateBucket: undefined, revisionsFromCi: false, allowDestroy: false,
    });
    expect(flightsOptionsFromEnv({
      GOOGLE_CLOUD_PROJECT: 'acme', GOOGLE_CLOUD_REGION: 'us-central1', SERVICE_IMAGE: 'europe-docker.pkg.dev/acme/apis/flights@sha256:' + 'b'.repeat(64), TF_STATE_BUCKET: 'acme-tf',
      REVISIONS_FROM_CI: 'true', ALLOW_DESTROY: 'true',
    })).toEqual({
      project: 'acme', region: 'us-central1', image: 'europe-docker.pkg.dev/acme/apis/flights@sha256:' + 'b'.repeat(64), stateBucket: 'acme-tf',
      revisionsFromCi: true, allowDestroy: true,
    });
  });

  it('passes the synth validations', () => {
    const stack = buildFlightsStack(Testing.app(), OPTIONS);
    expect(() => Testing.synth(stack, true)).not.toThrow();
    expect(Testing.synth(stack)).toHaveProviderWithProperties(GoogleProvider, { project: 'my-project', region: 'europe-west1' });
  });

  it('keeps state locally at a relative path, or in GCS when a bucket is given', () => {
    const local = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), OPTIONS)));
    expect(local.terraform.backend).toEqual({ local: { path: 'terraform.flights.tfstate' } });
    const gcs = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), { ...OPTIONS, stateBucket: 'acme-tf' })));
    expect(gcs.terraform.backend).toEqual({ gcs: { bucket: 'acme-tf', prefix: 'cdktf/flights' } });
  });

  it('outputs the topic, tables, view, service URL and service accounts', () => {
    const tf = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), OPTIONS)));
    expect(Object.keys(tf.output).sort()).toEqual([
      'api_service_account', 'dead_letter_table', 'dead_letter_topic_id', 'service_url', 'table', 'topic_id', 'view', 'writer_service_account',
    ]);
    expect(tf.output.service_url.value).toMatch(/^\$\{google_cloud_run_v2_service\.\w+\.uri\}$/);
  });

  it('exposes every flight fact but not the commercial figures (revenue, load factor)', () => {
    const stack = buildFlightsStack(Testing.app(), OPTIONS);
    const exposed = stack.pipeline.table.exposedSchema.fieldNames;
    expect(exposed).toEqual(expect.arrayContaining(['event_id', 'event_time', 'flight_number', 'origin', 'destination', 'status']));
    expect(exposed).not.toContain('revenue_eur');
    expect(exposed).not.toContain('load_factor');
    expect(exposed).toEqual(expect.arrayContaining(['aircraft', 'delay_reasons', 'details']));
  });

  it('writes cdktf.out/stacks/flights/cdk.tf.json with plain node, creating the outdir', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flights-'));
    try {
      const outdir = path.join(dir, 'nested', 'cdktf.out');
      buildFlightsApp(OPTIONS, outdir).synth();
      const text = fs.readFileSync(path.join(outdir, 'stacks', 'flights', 'cdk.tf.json'), 'utf8');
      expect(text).not.toContain(dir);
      expect(JSON.parse(text).resource.google_cloud_run_v2_service).toBeDefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('synthesizes the same Terraform as the reviewed snapshot', () => {
    const text = Testing.synth(buildFlightsStack(Testing.app(), OPTIONS));
    expect(text).not.toMatch(/\/(home|work|tmp|Users)\//);
    expect(JSON.parse(text)).toMatchSnapshot();
  });

  it('builds the bundled service without SERVICE_IMAGE: same Terraform as the reviewed snapshot, no machine paths', () => {
    expect(() => Testing.synth(buildFlightsStack(Testing.app(), BUNDLED), true)).not.toThrow();
    const text = Testing.synth(buildFlightsStack(Testing.app(), BUNDLED));
    expect(text).not.toMatch(/\/(home|work|tmp|Users)\//);
    expect(text).not.toContain(process.cwd());
    const tf = JSON.parse(text);
    expect(Object.values(tf.resource.google_cloud_run_v2_service as object)[0].template.containers[0].image)
      .toMatch(/^europe-west1-docker\.pkg\.dev\/.*\/flights-api@\$\{docker_registry_image\.\w+\.sha256_digest\}$/);
    expect(tf).toMatchSnapshot();
  });

  it('lets CI own the revisions with REVISIONS_FROM_CI', () => {
    const tf = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), { ...OPTIONS, revisionsFromCi: true })));
    expect(Object.values(tf.resource.google_cloud_run_v2_service as object)[0].lifecycle.ignore_changes).toContain('template[0].containers[0].image');
  });

  it('lifts the deletion protection of the tables and the service with ALLOW_DESTROY, and only then', () => {
    const protectedTf = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), OPTIONS)));
    const open = JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), { ...OPTIONS, allowDestroy: true })));
    const protections = (tf: Record<string, Record<string, Record<string, Record<string, unknown>>>>) => [
      ...Object.values(tf.resource.google_bigquery_table).filter((t) => !t.view).map((t) => t.deletion_protection),
      ...Object.values(tf.resource.google_cloud_run_v2_service).map((s) => s.deletion_protection),
    ];
    expect(protections(protectedTf)).toEqual([true, true, true]);
    expect(protections(open)).toEqual([false, false, false]);
  });

  it('copies the build context next to cdk.tf.json, under the relative path the JSON names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flights-'));
    try {
      const outdir = path.join(dir, 'cdktf.out');
      buildFlightsApp(BUNDLED, outdir).synth();
      const stackDir = path.join(outdir, 'stacks', 'flights');
      const text = fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8');
      expect(text).not.toContain(dir);
      const context: string = Object.values(JSON.parse(text).resource.docker_image as object)[0].build.context;
      expect(context).toMatch(/^assets\/[\w]+\/[0-9a-f]{64}$/);
      expect(fs.readdirSync(path.join(stackDir, context)).sort()).toEqual(['Dockerfile', 'server.js']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
