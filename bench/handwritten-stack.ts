// The example's resources written by hand with deep imports: the baseline the construct's synth time is
// compared with. bench/synth.mjs also rewrites these imports to the barrel for the second baseline.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetAccessA } from '@cdktf/provider-google/lib/bigquery-dataset-access';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { BigqueryTable } from '@cdktf/provider-google/lib/bigquery-table';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { MonitoringSlo } from '@cdktf/provider-google/lib/monitoring-slo';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { PubsubSchema } from '@cdktf/provider-google/lib/pubsub-schema';
import { PubsubSubscription } from '@cdktf/provider-google/lib/pubsub-subscription';
import { PubsubSubscriptionIamMember } from '@cdktf/provider-google/lib/pubsub-subscription-iam-member';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { PubsubTopicIamMember } from '@cdktf/provider-google/lib/pubsub-topic-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { App, LocalBackend, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';

const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
mkdirSync(dirname(resolve(outdir)), { recursive: true });
const app = new App({ outdir });
const stack = new TerraformStack(app, 'flights');
new GoogleProvider(stack, 'google', { project: 'my-project', region: 'europe-west1' });
new LocalBackend(stack, { path: 'terraform.flights.tfstate' });

const labels = { app: 'flights-example', pipeline: 'flights' };
const required = (name: string, type: string) => ({ name, type, mode: 'REQUIRED' });
const nullable = (name: string, type: string) => ({ name, type, mode: 'NULLABLE' });
const metadata = [nullable('subscription_name', 'STRING'), nullable('message_id', 'STRING'), nullable('publish_time', 'TIMESTAMP'), nullable('attributes', 'JSON')];
const columns = [
  required('event_id', 'STRING'), required('event_time', 'TIMESTAMP'), required('airline', 'STRING'),
  required('flight_number', 'STRING'), required('flight_date', 'DATE'), required('origin', 'STRING'),
  required('destination', 'STRING'), required('status', 'STRING'), required('scheduled_departure', 'TIMESTAMP'),
  nullable('actual_departure', 'TIMESTAMP'), required('scheduled_arrival', 'TIMESTAMP'), nullable('actual_arrival', 'TIMESTAMP'),
  nullable('passengers', 'INTEGER'), nullable('delay_minutes', 'INTEGER'), nullable('load_factor', 'FLOAT'),
  nullable('revenue_eur', 'NUMERIC'), required('international', 'BOOLEAN'),
  { name: 'aircraft', type: 'RECORD', mode: 'NULLABLE', fields: [required('registration', 'STRING'), nullable('model', 'STRING'), nullable('seats', 'INTEGER')] },
  { name: 'delay_reasons', type: 'STRING', mode: 'REPEATED' }, nullable('details', 'JSON'),
];
const avro = (name: string, type: unknown, nullableField = false) => (nullableField ? { name, type: ['null', type], default: null } : { name, type });
const micros = { type: 'long', logicalType: 'timestamp-micros' };
const avroSchema = {
  type: 'record', name: 'FlightEvent', namespace: 'com.example.flights',
  fields: [
    avro('event_id', 'string'), avro('event_time', micros), avro('airline', 'string'), avro('flight_number', 'string'),
    avro('flight_date', { type: 'int', logicalType: 'date' }), avro('origin', 'string'), avro('destination', 'string'),
    avro('status', 'string'), avro('scheduled_departure', micros), avro('actual_departure', micros, true),
    avro('scheduled_arrival', micros), avro('actual_arrival', micros, true), avro('passengers', 'long', true),
    avro('delay_minutes', 'long', true), avro('load_factor', 'double', true), avro('revenue_eur', 'string', true),
    avro('international', 'boolean'),
    avro('aircraft', { type: 'record', name: 'FlightEvent_aircraft', fields: [avro('registration', 'string'), avro('model', 'string', true), avro('seats', 'long', true)] }, true),
    { name: 'delay_reasons', type: { type: 'array', items: 'string' }, default: [] }, avro('details', 'string', true),
  ],
};

const project = new DataGoogleProject(stack, 'project');
const serviceAgent = `serviceAccount:service-${project.number}@gcp-sa-pubsub.iam.gserviceaccount.com`;

const schema = new PubsubSchema(stack, 'schema', { name: 'flights-schema', type: 'AVRO', definition: JSON.stringify(avroSchema) });
const topic = new PubsubTopic(stack, 'topic', {
  name: 'flights-events', labels, messageRetentionDuration: '604800s',
  schemaSettings: { schema: schema.id, encoding: 'JSON' }, dependsOn: [schema],
});
const deadLetterTopic = new PubsubTopic(stack, 'dead-letter-topic', { name: 'flights-dead-letters', labels, messageRetentionDuration: '604800s' });

const dataset = new BigqueryDataset(stack, 'dataset', { datasetId: 'flights', location: 'EU', labels, deleteContentsOnDestroy: false, lifecycle: { ignoreChanges: ['access'] } });
const viewDataset = new BigqueryDataset(stack, 'view-dataset', { datasetId: 'flights_api', location: 'EU', labels, deleteContentsOnDestroy: false, lifecycle: { ignoreChanges: ['access'] } });
const table = new BigqueryTable(stack, 'table', {
  datasetId: dataset.datasetId, tableId: 'flights', labels, deletionProtection: true, requirePartitionFilter: true,
  timePartitioning: { type: 'DAY', field: 'event_time' }, clustering: ['airline', 'origin', 'destination', 'status'],
  schema: JSON.stringify([...columns, ...metadata]),
});
const deadLetterTable = new BigqueryTable(stack, 'dead-letter-table', {
  datasetId: dataset.datasetId, tableId: 'flights_dead_letters', labels, deletionProtection: true,
  timePartitioning: { type: 'DAY', field: 'publish_time' }, schema: JSON.stringify([nullable('data', 'BYTES'), ...metadata]),
});
const exposed = columns.map((c) => c.name).filter((n) => n !== 'revenue_eur' && n !== 'load_factor');
const view = new BigqueryTable(stack, 'view', {
  datasetId: viewDataset.datasetId, tableId: 'flights', labels, deletionProtection: false,
  view: { useLegacySql: false, query: `SELECT ${[...exposed, 'publish_time', 'message_id'].map((c) => `\`${c}\``).join(', ')} FROM \`${table.project}.${table.datasetId}.${table.tableId}\`` },
});
new BigqueryDatasetAccessA(stack, 'view-access', { datasetId: dataset.datasetId, view: { projectId: view.project, datasetId: view.datasetId, tableId: view.tableId } });

const writer = new ServiceAccount(stack, 'writer', { accountId: 'flights-bq-writer', displayName: 'flights writer' });
const writerGrant = new BigqueryDatasetAccessA(stack, 'writer-grant', { datasetId: dataset.datasetId, role: 'WRITER', userByEmail: writer.email });
const tokenGrant = new ServiceAccountIamMember(stack, 'token-grant', { serviceAccountId: writer.name, role: 'roles/iam.serviceAccountTokenCreator', member: serviceAgent });
const publisherGrant = new PubsubTopicIamMember(stack, 'dead-letter-publisher', { topic: deadLetterTopic.id, role: 'roles/pubsub.publisher', member: serviceAgent });
const subscription = new PubsubSubscription(stack, 'subscription', {
  name: 'flights-to-bigquery', topic: topic.id, labels, ackDeadlineSeconds: 60, expirationPolicy: { ttl: '' },
  retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
  deadLetterPolicy: { deadLetterTopic: deadLetterTopic.id, maxDeliveryAttempts: 5 },
  bigqueryConfig: { table: `${table.project}.${table.datasetId}.${table.tableId}`, useTopicSchema: true, writeMetadata: true, dropUnknownFields: false, serviceAccountEmail: writer.email },
  dependsOn: [writerGrant, tokenGrant, publisherGrant],
});
new PubsubSubscriptionIamMember(stack, 'dead-letter-subscriber', { subscription: subscription.name, role: 'roles/pubsub.subscriber', member: serviceAgent });
new PubsubSubscription(stack, 'dead-letter-subscription', {
  name: 'flights-dead-letters-to-bigquery', topic: deadLetterTopic.id, labels, ackDeadlineSeconds: 60, expirationPolicy: { ttl: '' },
  retryPolicy: { minimumBackoff: '10s', maximumBackoff: '600s' },
  bigqueryConfig: { table: `${deadLetterTable.project}.${deadLetterTable.datasetId}.${deadLetterTable.tableId}`, useTopicSchema: false, writeMetadata: true, serviceAccountEmail: writer.email },
  dependsOn: [writerGrant, tokenGrant],
});

const api = new ServiceAccount(stack, 'api', { accountId: 'flights-query', displayName: 'flights query API' });
const jobUser = new ProjectIamMember(stack, 'job-user', { project: view.project, role: 'roles/bigquery.jobUser', member: api.member });
const viewer = new BigqueryDatasetIamMember(stack, 'view-viewer', { datasetId: viewDataset.datasetId, role: 'roles/bigquery.dataViewer', member: api.member });
const env = {
  STORE: 'bigquery', GOOGLE_CLOUD_PROJECT: view.project, BIGQUERY_DATASET: viewDataset.datasetId, BIGQUERY_VIEW: view.tableId,
  BIGQUERY_LOCATION: 'EU', PIPELINE_NAME: 'flights', MAX_QUERY_WINDOW_DAYS: '31', MAX_BYTES_BILLED: '10737418240', QUERY_TIMEOUT_MS: '10000',
  PIPELINE_SCHEMA: JSON.stringify({ version: 1, schema: avroSchema }),
};
const probe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };
const service = new CloudRunV2Service(stack, 'service', {
  name: 'flights-api', location: 'europe-west1', labels, ingress: 'INGRESS_TRAFFIC_ALL', deletionProtection: true,
  template: {
    serviceAccount: api.email, timeout: '30s', maxInstanceRequestConcurrency: 80, scaling: { minInstanceCount: 0, maxInstanceCount: 10 },
    containers: [{
      image: process.env.SERVICE_IMAGE ?? 'us-docker.pkg.dev/cloudrun/container/hello@sha256:95ade4b17adcd07623b0a0c68359e344fe54e65d0cb01b989e24c39f2fcd296a',
      ports: { containerPort: 8080 }, resources: { limits: { cpu: '1', memory: '512Mi' }, cpuIdle: true, startupCpuBoost: true },
      env: Object.entries(env).map(([name, value]) => ({ name, value })),
      startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 15 }, livenessProbe: probe,
    }],
  },
  dependsOn: [jobUser, viewer],
});

// Monitoring: two services, three SLOs, an alert per signal and severity, two burn-rate alerts per SLO, a dashboard.
const serviceFilter = `resource.type="cloud_run_revision" AND resource.label.service_name="${service.name}" AND resource.label.location="${service.location}"`;
const subscriptionFilter = `resource.type="pubsub_subscription" AND resource.label.subscription_id="${subscription.name}"`;
const userLabels = labels;
const apiService = new MonitoringCustomService(stack, 'api-service', { serviceId: 'flights-query-api', displayName: 'flights query API', userLabels });
const ingestService = new MonitoringCustomService(stack, 'ingest-service', { serviceId: 'flights-ingest-path', displayName: 'flights ingest path', userLabels });
const requests = `metric.type="run.googleapis.com/request_count" AND ${serviceFilter}`;
const slos = [
  new MonitoringSlo(stack, 'availability', {
    service: apiService.serviceId, sloId: 'availability', goal: 0.995, rollingPeriodDays: 28, userLabels,
    requestBasedSli: { goodTotalRatio: { goodServiceFilter: `${requests} AND metric.label.response_code_class!="5xx"`, totalServiceFilter: requests } },
  }),
  new MonitoringSlo(stack, 'latency', {
    service: apiService.serviceId, sloId: 'latency', goal: 0.95, rollingPeriodDays: 28, userLabels,
    requestBasedSli: { distributionCut: { distributionFilter: `metric.type="run.googleapis.com/request_latencies" AND ${serviceFilter}`, range: { max: 2000 } } },
  }),
  new MonitoringSlo(stack, 'freshness', {
    service: ingestService.serviceId, sloId: 'freshness', goal: 0.99, rollingPeriodDays: 28, userLabels,
    windowsBasedSli: { windowPeriod: '60s', metricMeanInRange: { timeSeries: `metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND ${subscriptionFilter}`, range: { max: 300 } } },
  }),
];
const aggregation = (aligner: string, reducer: string) => [{ alignmentPeriod: '60s', perSeriesAligner: aligner, crossSeriesReducer: reducer }];
const signals: Array<[string, string, string, string, [number, number]]> = [
  ['backlog-age', `metric.type="pubsub.googleapis.com/subscription/oldest_unacked_message_age" AND ${subscriptionFilter}`, 'ALIGN_MAX', 'REDUCE_MAX', [600, 1800]],
  ['dead-letters', `metric.type="pubsub.googleapis.com/subscription/dead_letter_message_count" AND ${subscriptionFilter}`, 'ALIGN_SUM', 'REDUCE_SUM', [0, 100]],
  ['subscription-state', `metric.type="pubsub.googleapis.com/subscription/export_push_subscription_details" AND ${subscriptionFilter}`, 'ALIGN_MAX', 'REDUCE_MAX', [0, 0]],
  ['api-errors', `${requests} AND metric.label.response_code_class="5xx"`, 'ALIGN_RATE', 'REDUCE_SUM', [0.02, 0.1]],
  ['api-latency', `metric.type="run.googleapis.com/request_latencies" AND ${serviceFilter}`, 'ALIGN_PERCENTILE_95', 'REDUCE_MAX', [2000, 5000]],
];
for (const [signal, filter, aligner, reducer, thresholds] of signals) {
  thresholds.forEach((thresholdValue, i) => {
    const severity = i === 0 ? 'WARNING' : 'CRITICAL';
    new MonitoringAlertPolicy(stack, `${signal}-${severity}`, {
      displayName: `[${severity}] flights: ${signal}`, combiner: 'OR', severity, userLabels: { ...labels, signal, severity: severity.toLowerCase() },
      alertStrategy: { autoClose: '1800s' }, documentation: { content: `What ${signal} means and the first steps.`, mimeType: 'text/markdown' },
      conditions: [{ displayName: signal, conditionThreshold: { filter, comparison: 'COMPARISON_GT', thresholdValue, duration: '300s', aggregations: aggregation(aligner, reducer), trigger: { count: 1 } } }],
    });
  });
}
for (const slo of slos) {
  for (const [speed, threshold, lookback] of [['fast', 14.4, '3600s'], ['slow', 6, '21600s']] as const) {
    new MonitoringAlertPolicy(stack, `${slo.node.id}-burn-${speed}`, {
      displayName: `flights ${slo.node.id} burn ${speed}`, combiner: 'AND', userLabels, alertStrategy: { autoClose: '1800s' },
      conditions: [{ displayName: `burn rate over ${lookback}`, conditionThreshold: { filter: `select_slo_burn_rate("${slo.name}", "${lookback}")`, comparison: 'COMPARISON_GT', thresholdValue: threshold, duration: '0s' } }],
    });
  }
}
const chart = (title: string, filter: string) => ({ title, xyChart: { dataSets: [{ timeSeriesQuery: { timeSeriesFilter: { filter, aggregation: { alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_MAX' } } } }] } });
new MonitoringDashboard(stack, 'dashboard', {
  dashboardJson: JSON.stringify({
    displayName: 'flights pipeline',
    mosaicLayout: { columns: 48, tiles: signals.map(([signal, filter], i) => ({ xPos: (i % 2) * 24, yPos: Math.floor(i / 2) * 16, width: 24, height: 16, widget: chart(signal, filter) })) },
  }),
});

// Every resource waits for the APIs it uses.
const apis = ['pubsub', 'bigquery', 'run', 'monitoring', 'iam', 'cloudresourcemanager'].map(
  (api) => new ProjectService(stack, `api-${api}`, { service: `${api}.googleapis.com`, disableOnDestroy: false, disableDependentServices: false }),
);
for (const resource of stack.node.findAll()) {
  if (resource instanceof TerraformResource && !(resource instanceof ProjectService)) resource.dependsOn = [...(resource.dependsOn ?? []), ...apis.map((a) => `${a.terraformResourceType}.${a.friendlyUniqueId}`)];
}

const outputs: Record<string, string> = {
  topic_id: topic.id, dead_letter_topic_id: deadLetterTopic.id, table: `${table.project}.${table.datasetId}.${table.tableId}`,
  dead_letter_table: `${deadLetterTable.project}.${deadLetterTable.datasetId}.${deadLetterTable.tableId}`,
  view: `${view.project}.${view.datasetId}.${view.tableId}`, service_url: service.uri, api_service_account: api.email, writer_service_account: writer.email,
};
for (const [name, value] of Object.entries(outputs)) new TerraformOutput(stack, `output-${name}`, { value });
app.synth();
