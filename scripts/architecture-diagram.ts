/**
 * Renders the architecture of a synthesized stack as a Mermaid flowchart, from the Terraform JSON alone: ingest,
 * storage, the dead-letter path, the API, its image, monitoring when present, and one edge per IAM grant.
 *
 *   npx tsx scripts/architecture-diagram.ts           writes docs/architecture.md and the README's diagram for the flights example
 *   npx tsx scripts/architecture-diagram.ts --check   exits 1 when either is not what it would write
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Testing } from 'cdktf';
import { buildFlightsStack } from '../examples/flights/flights-stack';

/** Synthesized Terraform JSON, read loosely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Resource {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly r: Json;
}

const REF = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/** The addresses (`type.name`) a value references, in order, without repeats. */
function referencesIn(value: unknown): string[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return [...new Set([...text.matchAll(REF)].map((m) => `${m[1]}.${m[2]}`))];
}

/** Node ids: the resource's construct path without cdktf's hash suffix, prefixed by a short type. */
const SHORT_TYPES: Record<string, string> = {
  google_pubsub_schema: 'schema',
  google_pubsub_topic: 'topic',
  google_pubsub_subscription: 'sub',
  google_bigquery_dataset: 'ds',
  google_bigquery_table: 'tbl',
  google_cloud_run_v2_service: 'run',
  google_service_account: 'sa',
  google_artifact_registry_repository: 'repo',
  docker_image: 'build',
  docker_registry_image: 'push',
};

/** Renders the stack's architecture as a Mermaid flowchart. */
export function renderArchitecture(tf: Json): string {
  const resources: Resource[] = Object.entries(tf.resource ?? {}).flatMap(([type, rs]) =>
    Object.entries(rs as Record<string, Json>).map(([name, r]) => ({ type, name, address: `${type}.${name}`, r })),
  ).sort((a, b) => a.address.localeCompare(b.address));
  const byAddress = new Map(resources.map((res) => [res.address, res]));
  const ofType = (type: string) => resources.filter((res) => res.type === type);
  const id = (res: Resource) => `${SHORT_TYPES[res.type] ?? res.type.replace(/^google_/, '')}_${res.name.replace(/_[0-9A-F]{8}$/, '')}`;

  /** A literal for a value: references to literal attributes are followed, anything unknown becomes `…`. */
  const literal = (value: unknown): string => String(value ?? '').replace(REF, (_, type, name, attr) => {
    const target = byAddress.get(`${type}.${name}`)?.r?.[attr];
    return typeof target === 'string' && !target.includes('${') ? target : '…';
  });
  const refTo = (value: unknown, type: string) => referencesIn(value).map((a) => byAddress.get(a)).find((res) => res?.type === type);

  const lines: string[] = ['flowchart LR'];
  const edges: string[] = [];
  const node = (nodeId: string, shape: [string, string], label: string) => `${nodeId}${shape[0]}"${label}"${shape[1]}`;

  const topics = ofType('google_pubsub_topic');
  const subscriptions = ofType('google_pubsub_subscription');
  const deadLetterTopics = new Set(subscriptions.map((s) => refTo(s.r.dead_letter_policy?.dead_letter_topic, 'google_pubsub_topic')?.address).filter(Boolean));

  // External actors.
  lines.push('  producers(["Producers"])', '  clients(["API clients"])');

  // Ingest.
  lines.push('  subgraph ingest["Ingest (Pub/Sub)"]');
  for (const schema of ofType('google_pubsub_schema')) lines.push(`    ${node(id(schema), ['{{', '}}'], `${schema.r.type ?? 'AVRO'} schema ${literal(schema.r.name)}`)}`);
  for (const topic of topics) {
    const kind = deadLetterTopics.has(topic.address) ? 'dead-letter topic' : 'topic';
    lines.push(`    ${node(id(topic), ['[(', ')]'], `${kind}<br/>${literal(topic.r.name)}`)}`);
  }
  for (const sub of subscriptions) lines.push(`    ${node(id(sub), ['([', '])'], `BigQuery subscription<br/>${literal(sub.r.name)}`)}`);
  lines.push('  end');

  // Storage: one subgraph per dataset.
  const tables = ofType('google_bigquery_table');
  for (const dataset of ofType('google_bigquery_dataset')) {
    lines.push(`  subgraph ${id(dataset)}["BigQuery dataset ${literal(dataset.r.dataset_id)}"]`);
    for (const table of tables.filter((t) => refTo(t.r.dataset_id, 'google_bigquery_dataset') === dataset)) {
      if (table.r.view) lines.push(`    ${node(id(table), ['[[', ']]'], `view ${literal(table.r.table_id)}`)}`);
      else {
        const partitioned = table.r.time_partitioning ? `<br/>partitioned by ${table.r.time_partitioning.field ?? 'ingestion time'}` : '';
        lines.push(`    ${node(id(table), ['[(', ')]'], `table ${literal(table.r.table_id)}${partitioned}`)}`);
      }
    }
    lines.push('  end');
  }
  const loose = tables.filter((t) => !refTo(t.r.dataset_id, 'google_bigquery_dataset'));
  for (const table of loose) lines.push(`  ${node(id(table), ['[(', ')]'], `${table.r.view ? 'view' : 'table'} ${literal(table.r.dataset_id)}.${literal(table.r.table_id)}`)}`);

  // The API and its image.
  const services = ofType('google_cloud_run_v2_service');
  const repositories = ofType('google_artifact_registry_repository');
  const builds = ofType('docker_image');
  const pushes = ofType('docker_registry_image');
  lines.push('  subgraph api["Query API (Cloud Run)"]');
  for (const service of services) lines.push(`    ${node(id(service), ['[', ']'], `Cloud Run service<br/>${literal(service.r.name)}`)}`);
  lines.push('  end');
  if (repositories.length + builds.length + pushes.length > 0) {
    lines.push('  subgraph image["Image (built by Terraform)"]');
    for (const build of builds) lines.push(`    ${node(id(build), ['[', ']'], 'docker build<br/>content-hash tag')}`);
    for (const push of pushes) lines.push(`    ${node(id(push), ['[', ']'], 'docker push')}`);
    for (const repo of repositories) lines.push(`    ${node(id(repo), ['[(', ')]'], `Artifact Registry<br/>${literal(repo.r.repository_id)}`)}`);
    lines.push('  end');
  }

  // Identities.
  const accounts = ofType('google_service_account');
  const members = new Map<string, string>();
  const memberNode = (member: unknown): string | undefined => {
    const account = refTo(member, 'google_service_account');
    if (account) return id(account);
    const text = String(member);
    if (!members.has(text)) {
      members.set(text, /@gcp-sa-pubsub\./.test(text) ? 'agent_pubsub' : /^all(Authenticated)?Users$/.test(text) ? text : `member_${members.size}`);
    }
    return members.get(text);
  };
  lines.push('  subgraph identities["Identities"]');
  for (const account of accounts) lines.push(`    ${node(id(account), ['{{', '}}'], `service account<br/>${literal(account.r.account_id)}`)}`);
  const identityLines = lines.length;

  // Data path.
  for (const topic of topics.filter((t) => !deadLetterTopics.has(t.address))) edges.push(`  producers -->|publish| ${id(topic)}`);
  for (const topic of topics) {
    const schema = refTo(topic.r.schema_settings?.schema, 'google_pubsub_schema');
    if (schema) edges.push(`  ${id(schema)} -.->|validates ${topic.r.schema_settings.encoding ?? ''}| ${id(topic)}`.replace(' |', '|'));
  }
  for (const sub of subscriptions) {
    const topic = refTo(sub.r.topic, 'google_pubsub_topic');
    if (topic) edges.push(`  ${id(topic)} --> ${id(sub)}`);
    const table = refTo(sub.r.bigquery_config?.table, 'google_bigquery_table');
    if (table) edges.push(`  ${id(sub)} -->|write| ${id(table)}`);
    const deadLetter = refTo(sub.r.dead_letter_policy?.dead_letter_topic, 'google_pubsub_topic');
    if (deadLetter) edges.push(`  ${id(sub)} -.->|after ${sub.r.dead_letter_policy.max_delivery_attempts ?? 5} failed attempts| ${id(deadLetter)}`);
    const writer = refTo(sub.r.bigquery_config?.service_account_email, 'google_service_account');
    if (writer) edges.push(`  ${id(sub)} -.-|writes as| ${id(writer)}`);
  }
  for (const view of tables.filter((t) => t.r.view)) {
    for (const source of referencesIn(view.r.view.query).map((a) => byAddress.get(a)).filter((res) => res?.type === 'google_bigquery_table' && res !== view)) {
      edges.push(`  ${id(source!)} -->|exposed columns| ${id(view)}`);
    }
  }
  for (const service of services) {
    const container = service.r.template?.containers?.[0] ?? {};
    const view = (container.env ?? []).map((e: Json) => refTo(e.value, 'google_bigquery_table')).find((t: Resource | undefined) => t?.r.view);
    if (view) edges.push(`  ${id(view)} -->|parameterized queries| ${id(service)}`);
    const push = refTo(container.image, 'docker_registry_image');
    if (push) edges.push(`  ${id(push)} -->|image by digest| ${id(service)}`);
    edges.push(`  clients -->|HTTPS| ${id(service)}`);
    const account = refTo(service.r.template?.service_account, 'google_service_account');
    if (account) edges.push(`  ${id(service)} -.-|runs as| ${id(account)}`);
  }
  for (const push of pushes) {
    const build = refTo(push.r.name, 'docker_image');
    if (build) edges.push(`  ${id(build)} --> ${id(push)}`);
    const repo = refTo(build?.r.name, 'google_artifact_registry_repository');
    if (repo) edges.push(`  ${id(push)} -->|push| ${id(repo)}`);
  }

  // Authorization: the view reads the source dataset on the API's behalf, as an authorized dataset or view.
  for (const dataset of ofType('google_bigquery_dataset')) {
    for (const entry of dataset.r.access ?? []) {
      const authorized = refTo(entry.dataset?.dataset?.dataset_id, 'google_bigquery_dataset');
      if (authorized) edges.push(`  ${id(authorized)} -.->|authorized dataset| ${id(dataset)}`);
    }
  }
  for (const access of ofType('google_bigquery_dataset_access').filter((a) => a.r.view)) {
    const view = refTo(access.r.view.table_id, 'google_bigquery_table');
    const dataset = refTo(access.r.dataset_id, 'google_bigquery_dataset');
    if (view && dataset) edges.push(`  ${id(view)} -.->|authorized view| ${id(dataset)}`);
  }

  // IAM: one edge per grant, from the member to what it is granted on.
  let projectNode = false;
  const grants = resources.filter((res) => /_iam_member$/.test(res.type) || (res.type === 'google_bigquery_dataset_access' && !res.r.view));
  for (const grant of grants) {
    const from = memberNode(grant.r.member ?? grant.r.user_by_email);
    const target = grant.type === 'google_project_iam_member'
      ? (projectNode = true, 'project')
      : [grant.r.topic, grant.r.subscription, grant.r.table_id, grant.r.dataset_id, grant.r.service_account_id, grant.type.startsWith('google_cloud_run') ? grant.r.name : undefined]
        .map((v) => referencesIn(v).map((a) => byAddress.get(a)).find(Boolean))
        .find(Boolean);
    const to = typeof target === 'string' ? target : target ? id(target) : undefined;
    if (from && to) edges.push(`  ${from} -.->|${String(grant.r.role).replace(/^roles\//, '')}| ${to}`);
  }
  const memberLines = [...new Map([...members].map(([text, key]) => [key, text])).entries()].map(([key, text]) => {
    const label = key === 'agent_pubsub' ? 'Pub/Sub service agent' : /^all(Authenticated)?Users$/.test(text) ? `anyone (${text})` : literal(text);
    return `    ${node(key, ['{{', '}}'], label)}`;
  });
  lines.splice(identityLines, 0, ...memberLines);
  lines.push('  end');
  if (projectNode) lines.push('  project[("project")]');

  // Monitoring, when the stack has any.
  const monitoring = resources.filter((res) => res.type.startsWith('google_monitoring_'));
  if (monitoring.length > 0) {
    const count = (type: string, word: string) => {
      const n = monitoring.filter((res) => res.type === type).length;
      return n > 0 ? [`${n} ${word}${n > 1 ? 's' : ''}`] : [];
    };
    const parts = [...count('google_monitoring_dashboard', 'dashboard'), ...count('google_monitoring_alert_policy', 'alert policy'), ...count('google_monitoring_slo', 'SLO')]
      .map((p) => p.replace('policys', 'policies'));
    lines.push(`  ${node('monitoring', ['[', ']'], `Cloud Monitoring<br/>${parts.join(', ')}`)}`);
    for (const watched of [...topics.filter((t) => !deadLetterTopics.has(t.address)), ...subscriptions, ...services]) edges.push(`  monitoring -.-> ${id(watched)}`);
  }

  return `${[...lines, ...edges].join('\n')}\n`;
}

/** docs/architecture.md: the diagram and how to read it. */
export function architectureMarkdown(tf: Json): string {
  const apis = Object.values(tf.resource?.google_project_service ?? {}).map((r: Json) => `\`${r.service}\``).sort();
  return [
    '# Architecture of the flights example',
    '',
    '<!-- Generated by `npx tsx scripts/architecture-diagram.ts` from the synthesized example stack. Do not edit:',
    '     test/delivery/architecture-diagram.test.ts fails when this file no longer matches the example. -->',
    '',
    'Rendered from the Terraform JSON that `examples/flights/main.ts` synthesizes (with the bundled service image),',
    'so it shows what is deployed, not what was meant. Solid arrows carry data; dotted arrows are configuration,',
    'identities and IAM grants, each labelled with its role, from the member to the resource it is granted on.',
    '',
    '```mermaid',
    renderArchitecture(tf).trimEnd(),
    '```',
    '',
    apis.length > 0 ? `The stack also enables ${apis.join(', ')} (\`google_project_service\`, never disabled on destroy).` : '',
    '',
  ].join('\n');
}

/** The flights example as deployed by default, its build context a placeholder (the diagram shows no hash). */
export function exampleStackJson(): Json {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'diagram-context-'));
  try {
    fs.writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\n');
    const stack = buildFlightsStack(Testing.app(), { project: 'my-project', region: 'europe-west1', serviceDirectory: context });
    return JSON.parse(Testing.synth(stack));
  } finally {
    fs.rmSync(context, { recursive: true, force: true });
  }
}

export const ARCHITECTURE_FILE = path.join(__dirname, '..', 'docs', 'architecture.md');
export const README_FILE = path.join(__dirname, '..', 'README.md');

const README_BEGIN = '<!-- architecture:begin (generated by scripts/architecture-diagram.ts) -->';
const README_END = '<!-- architecture:end -->';

/** The README with the diagram between its architecture markers replaced by the one rendered for `tf`. */
export function readmeWithDiagram(readme: string, tf: Json): string {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  if (begin < 0 || end < begin) throw new Error(`README.md needs the markers ${README_BEGIN} and ${README_END}`);
  const diagram = ['```mermaid', renderArchitecture(tf).trimEnd(), '```'].join('\n');
  return `${readme.slice(0, begin + README_BEGIN.length)}\n${diagram}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const { check = false } = parseArgs({ args: process.argv.slice(2), options: { check: { type: 'boolean' } }, strict: true }).values;
  const tf = exampleStackJson();
  const wanted: Array<[string, string]> = [
    [ARCHITECTURE_FILE, architectureMarkdown(tf)],
    [README_FILE, readmeWithDiagram(fs.readFileSync(README_FILE, 'utf8'), tf)],
  ];
  for (const [file, content] of wanted) {
    const name = path.relative(process.cwd(), file);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (check) {
      if (current !== content) {
        process.stderr.write(`${name} is stale: run \`npm run diagram\` and commit it.\n`);
        process.exitCode = 1;
      }
    } else if (current !== content) {
      fs.writeFileSync(file, content);
      process.stdout.write(`wrote ${name}\n`);
    }
  }
}
