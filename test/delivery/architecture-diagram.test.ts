import * as fs from 'node:fs';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { TerraformStack, Testing } from 'cdktf';
import { flightEvents } from '../../examples/flights/flight-events';
import { buildFlightsStack, PLACEHOLDER_IMAGE } from '../../examples/flights/flights-stack';
import { ARCHITECTURE_FILE, README_FILE, architectureMarkdown, exampleStackJson, readmeWithDiagram, renderArchitecture } from '../../scripts/architecture-diagram';
import { AnalyticsPipeline, ServiceImage } from '../../src';
import { Json } from '../constructs/helpers';

const OPTIONS = { project: 'my-project', region: 'europe-west1' };

function edgesOf(diagram: string): string[] {
  return diagram.split('\n').filter((l) => /--|-\.-/.test(l)).map((l) => l.trim());
}

describe('architecture diagram', () => {
  const tf = exampleStackJson();
  const diagram = renderArchitecture(tf);

  it('is committed in docs/architecture.md exactly as the command renders it for the example', () => {
    // If this fails: run `npx tsx scripts/architecture-diagram.ts`, review the diff and commit docs/architecture.md.
    expect(fs.readFileSync(ARCHITECTURE_FILE, 'utf8')).toBe(architectureMarkdown(tf));
  });

  it('is embedded in the README exactly as the command renders it', () => {
    // If this fails: run `npm run diagram`, review the diff and commit README.md.
    const readme = fs.readFileSync(README_FILE, 'utf8');
    expect(readme).toBe(readmeWithDiagram(readme, tf));
    expect(readme).toContain(renderArchitecture(tf).trimEnd());
  });

  it('shows the path from producers through the topic and the subscription into the table, the view and the API', () => {
    expect(diagram).toMatch(/^flowchart LR\n/);
    expect(edgesOf(diagram)).toEqual(expect.arrayContaining([
      'producers -->|publish| topic_Flights_Ingest_Topic',
      'schema_Flights_Ingest_Schema -.->|validates JSON| topic_Flights_Ingest_Topic',
      'topic_Flights_Ingest_Topic --> sub_Flights_Subscription',
      'sub_Flights_Subscription -->|write| tbl_Flights_Table',
      'tbl_Flights_Table -->|exposed columns| tbl_Flights_Table_View',
      'tbl_Flights_Table_View -->|parameterized queries| run_Flights_Api_Service',
      'clients -->|HTTPS| run_Flights_Api_Service',
    ]));
  });

  it('shows the dead-letter path into its own table', () => {
    expect(diagram).toContain('topic_Flights_Ingest_DeadLetterTopic[("dead-letter topic<br/>flights-dead-letters")]');
    expect(edgesOf(diagram)).toEqual(expect.arrayContaining([
      'sub_Flights_Subscription -.->|after 5 failed attempts| topic_Flights_Ingest_DeadLetterTopic',
      'topic_Flights_Ingest_DeadLetterTopic --> sub_Flights_Subscription_DeadLetterSubscription',
      'sub_Flights_Subscription_DeadLetterSubscription -->|write| tbl_Flights_Table_DeadLetterTable',
    ]));
  });

  it('shows the image built and pushed by Terraform and deployed by digest', () => {
    expect(edgesOf(diagram)).toEqual(expect.arrayContaining([
      'build_Flights_Api_Image_Build --> push_Flights_Api_Image_Push',
      'push_Flights_Api_Image_Push -->|push| repo_Flights_Api_Image_Repository',
      'push_Flights_Api_Image_Push -->|image by digest| run_Flights_Api_Service',
    ]));
    const registry = renderArchitecture(JSON.parse(Testing.synth(buildFlightsStack(Testing.app(), { ...OPTIONS, image: PLACEHOLDER_IMAGE }))));
    expect(registry).not.toContain('subgraph image');
  });

  it('draws one edge per IAM grant of the synthesized stack, labelled with its role', () => {
    const grants = Object.entries(tf.resource).flatMap(([type, rs]) => Object.values(rs as Json)
      .filter((r: Json) => type.endsWith('_iam_member') || (type === 'google_bigquery_dataset_access' && !r.view))
      .map((r: Json) => String(r.role).replace(/^roles\//, '')));
    const iamEdges = edgesOf(diagram).filter((e) => /-\.->\|[\w.]+\|/.test(e) && !/validates|after|authorized/.test(e));
    expect(iamEdges.map((e) => /\|([\w.]+)\|/.exec(e)![1]).sort()).toEqual(grants.sort());
    expect(iamEdges).toEqual(expect.arrayContaining([
      'sa_Flights_Api_ServiceAccount -.->|bigquery.dataViewer| tbl_Flights_Table_View',
      'sa_Flights_Subscription_WriterServiceAccount -.->|bigquery.dataEditor| tbl_Flights_Table',
      'sa_Flights_Subscription_WriterServiceAccount -.->|bigquery.dataEditor| tbl_Flights_Table_DeadLetterTable',
      'sa_Flights_Api_ServiceAccount -.->|bigquery.jobUser| project',
      'agent_pubsub -.->|pubsub.publisher| topic_Flights_Ingest_DeadLetterTopic',
    ]));
    expect(edgesOf(diagram)).toContain('ds_Flights_Table_ViewDataset -.->|authorized dataset| ds_Flights_Table_Dataset');
  });

  it('shows public access when the API is public', () => {
    const app = Testing.app();
    const stack = buildFlightsStack(app, { ...OPTIONS, image: PLACEHOLDER_IMAGE });
    // grantInvoke refuses allUsers without allowPublicAccess: grant it the way any other code of a stack could.
    const service = stack.pipeline.api.service;
    new CloudRunV2ServiceIamMember(stack, 'Public', { name: service.name, location: service.location, role: 'roles/run.invoker', member: 'allUsers' });
    const publicDiagram = renderArchitecture(JSON.parse(Testing.synth(stack)));
    expect(publicDiagram).toContain('allUsers{{"anyone (allUsers)"}}');
    expect(edgesOf(publicDiagram)).toContain('allUsers -.->|run.invoker| run_Flights_Api_Service');
  });

  it('shows the monitoring the pipeline creates, and none when it is turned off', () => {
    expect(diagram).toMatch(/monitoring\["Cloud Monitoring<br\/>1 dashboard, \d+ alert policies, 3 SLOs"\]/);
    expect(edgesOf(diagram)).toEqual(expect.arrayContaining([
      'monitoring -.-> topic_Flights_Ingest_Topic', 'monitoring -.-> sub_Flights_Subscription', 'monitoring -.-> run_Flights_Api_Service',
    ]));
    const stack = new TerraformStack(Testing.app(), 'bare');
    new AnalyticsPipeline(stack, 'Flights', { name: 'flights', schema: flightEvents, image: ServiceImage.fromRegistry(PLACEHOLDER_IMAGE), enableMonitoring: false });
    expect(renderArchitecture(JSON.parse(Testing.synth(stack)))).not.toContain('monitoring[');
  });

  it('renders the same diagram twice (stable ids and order)', () => {
    expect(renderArchitecture(exampleStackJson())).toBe(diagram);
  });
});
