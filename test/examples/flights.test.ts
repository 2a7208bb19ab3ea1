import 'cdktf/lib/testing/adapters/jest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Testing } from 'cdktf';
import { buildFlightsApp, buildFlightsStack, flightsOptionsFromEnv, FlightsStackOptions, PLACEHOLDER_IMAGE } from '../../examples/flights/main';

Testing.setupJest();

const OPTIONS: FlightsStackOptions = { project: 'my-project', region: 'europe-west1', image: PLACEHOLDER_IMAGE };

describe('flights example', () => {
  it('reads project, region, image and state bucket from the environment, with synth defaults', () => {
    expect(flightsOptionsFromEnv({})).toEqual({ ...OPTIONS, stateBucket: undefined });
    expect(flightsOptionsFromEnv({
      GOOGLE_CLOUD_PROJECT: 'acme', GOOGLE_CLOUD_REGION: 'us-central1', SERVICE_IMAGE: 'europe-docker.pkg.dev/acme/apis/flights@sha256:' + 'b'.repeat(64), TF_STATE_BUCKET: 'acme-tf',
    })).toEqual({ project: 'acme', region: 'us-central1', image: 'europe-docker.pkg.dev/acme/apis/flights@sha256:' + 'b'.repeat(64), stateBucket: 'acme-tf' });
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
});
