import * as fs from 'node:fs';
import * as path from 'node:path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, GcsBackend, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AnalyticsPipeline, BestPracticesAspect, ServiceImage } from '../../src';
import { flightApiFields, flightEvents } from './flight-events';

/**
 * Google's public Cloud Run sample ("hello"), pinned by the digest Google's Cloud Deploy tutorials use. It answers
 * 200 on every path, so the /healthz probes pass: `SERVICE_IMAGE=<this>` deploys the infrastructure without Docker.
 */
export const PLACEHOLDER_IMAGE =
  'us-docker.pkg.dev/cloudrun/container/hello@sha256:95ade4b17adcd07623b0a0c68359e344fe54e65d0cb01b989e24c39f2fcd296a';

/** What the flights stack is built from. */
export interface FlightsStackOptions {
  /** Google Cloud project. */
  readonly project: string;
  /** Region of the provider (Cloud Run). */
  readonly region: string;
  /**
   * Image of the query API, pinned by tag or digest (CI passes the digest it pushed).
   *
   * @default - the bundled service, built and pushed to Artifact Registry by Terraform
   */
  readonly image?: string;
  /**
   * Build context of the bundled service, when `image` is absent.
   *
   * @default - this package's dist/service, written by `npm run build:service`
   */
  readonly serviceDirectory?: string;
  /**
   * Whether a deploy tool owns the API's revisions (see `QueryApiOptions.manageRevisions`).
   *
   * @default false
   */
  readonly revisionsFromCi?: boolean;
  /**
   * Lifts the deletion protection of the tables and the service, the first step of `terraform destroy`.
   *
   * @default false
   */
  readonly allowDestroy?: boolean;
  /** GCS bucket for the Terraform state; a local state file when absent. */
  readonly stateBucket?: string;
}

/**
 * Options from the environment (`GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_REGION`, `SERVICE_IMAGE`, `TF_STATE_BUCKET`,
 * `REVISIONS_FROM_CI=true`, `ALLOW_DESTROY=true`), with synth defaults. Without `SERVICE_IMAGE` the bundled service is
 * built and pushed.
 */
export function flightsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): FlightsStackOptions {
  return {
    project: env.GOOGLE_CLOUD_PROJECT || 'my-project',
    region: env.GOOGLE_CLOUD_REGION || 'europe-west1',
    image: env.SERVICE_IMAGE || undefined,
    stateBucket: env.TF_STATE_BUCKET || undefined,
    revisionsFromCi: env.REVISIONS_FROM_CI === 'true',
    allowDestroy: env.ALLOW_DESTROY === 'true',
  };
}

/** The flights stack: the google provider, a backend, one pipeline for flight events and its outputs. */
export class FlightsStack extends TerraformStack {
  /** The flight-events pipeline. */
  public readonly pipeline: AnalyticsPipeline;

  public constructor(scope: Construct, id: string, options: FlightsStackOptions) {
    super(scope, id);
    new GoogleProvider(this, 'google', { project: options.project, region: options.region });
    if (options.stateBucket) {
      new GcsBackend(this, { bucket: options.stateBucket, prefix: `cdktf/${id}` });
    } else {
      // The default local backend writes an absolute path into cdk.tf.json; a relative one keeps it portable.
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    this.pipeline = new AnalyticsPipeline(this, 'Flights', {
      name: 'flights',
      schema: flightEvents,
      image: options.image
        ? ServiceImage.fromRegistry(options.image)
        : ServiceImage.fromBundledService({ serviceDirectory: options.serviceDirectory }),
      labels: { app: 'flights-example' },
      // Committed beside the example: synth refuses changes of flight-events.ts the deployed pipeline cannot take.
      schemaLock: { path: path.join(__dirname, 'schema-locks', 'flights.schema-lock.json') },
      table: {
        location: 'EU',
        exposedFields: flightApiFields,
        ...(options.allowDestroy ? { deletionProtection: false } : {}),
      },
      api: {
        region: options.region,
        ...(options.revisionsFromCi ? { manageRevisions: false } : {}),
        ...(options.allowDestroy ? { deletionProtection: false } : {}),
      },
    });

    const outputs: Record<string, [string, string]> = {
      topic_id: [this.pipeline.topicId, 'Pub/Sub topic producers publish flight events to.'],
      dead_letter_topic_id: [this.pipeline.deadLetterTopicId, 'Topic that receives messages the subscription could not write.'],
      table: [this.pipeline.tableReference, 'BigQuery table holding every flight event.'],
      dead_letter_table: [this.pipeline.deadLetterTableReference, 'BigQuery table holding dead letters.'],
      view: [this.pipeline.viewReference, 'BigQuery view the API reads.'],
      service_url: [this.pipeline.serviceUrl, 'HTTPS URL of the query API.'],
      api_service_account: [this.pipeline.apiServiceAccountEmail, 'Service account of the query API.'],
      writer_service_account: [this.pipeline.writerServiceAccountEmail, 'Service account the subscriptions write to BigQuery as.'],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) {
      new TerraformOutput(this, name, { value, description });
    }
  }
}

/** Builds the flights stack into `app`. */
export function buildFlightsStack(app: App, options: FlightsStackOptions = flightsOptionsFromEnv(), id = 'flights'): FlightsStack {
  return new FlightsStack(app, id, options);
}

/** Creates the app (outdir `cdktf.out`, or what the cdktf CLI asks for) with the flights stack. */
export function buildFlightsApp(options: FlightsStackOptions = flightsOptionsFromEnv(), outdir = process.env.CDKTF_OUTDIR || 'cdktf.out'): App {
  // App creates its outdir but not the outdir's parent.
  fs.mkdirSync(path.dirname(path.resolve(outdir)), { recursive: true });
  const app = new App({ outdir });
  buildFlightsStack(app, options);
  // Best-practice findings go to cdktf.out/stacks/flights/checks-report.json; an ERROR finding fails the synth.
  BestPracticesAspect.applyTo(app);
  return app;
}
