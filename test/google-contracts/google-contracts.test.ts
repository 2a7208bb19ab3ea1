import { Testing } from 'cdktf';
import { buildFlightsStack, PLACEHOLDER_IMAGE } from '../../examples/flights/flights-stack';
import { FieldDefinition, FieldMode, FieldType, FleetMonitoring, PipelineMonitoring, RecordSchema } from '../../src';
import { flights } from '../monitoring/helpers';
import { avroProblems } from './avro';
import { tableSchemaProblems } from './bigquery-table-schema';
import { loadGoogleProtos, messageProblems } from './proto-json';

const dashboards = loadGoogleProtos('google/monitoring/dashboard/v1/dashboard.proto');
const Dashboard = dashboards.lookupType('google.monitoring.dashboard.v1.Dashboard');

/** The object or array a string holds, if it holds one. */
function parseJsonDocument(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Every JSON document found in a string of the synthesized stack, with its Terraform address and attribute. */
function jsonStringsIn(tf: { resource?: Record<string, Record<string, unknown>> }): { type: string; where: string; json: unknown }[] {
  const found: { type: string; where: string; json: unknown }[] = [];
  const walk = (value: unknown, type: string, where: string): void => {
    if (typeof value === 'string') {
      const json = parseJsonDocument(value);
      if (json !== undefined) found.push({ type, where, json });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, type, `${where}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, type, `${where}.${k}`);
  };
  for (const [type, resources] of Object.entries(tf.resource ?? {})) {
    for (const [name, body] of Object.entries(resources)) walk(body, type, `${type}.${name}`);
  }
  return found;
}

/** The contract of each Terraform string attribute that holds JSON for a Google API, by `type.attribute` path. */
const CONTRACTS: { pattern: RegExp; problems: (json: unknown, where: string) => string[] }[] = [
  { pattern: /^google_monitoring_dashboard\.[^.]+\.dashboard_json$/, problems: (json, where) => messageProblems(Dashboard, json, where) },
  { pattern: /^google_bigquery_table\.[^.]+\.schema$/, problems: (json, where) => tableSchemaProblems(json, where) },
  { pattern: /^google_pubsub_schema\.[^.]+\.definition$/, problems: (json, where) => avroProblems(json, where) },
  // The service's own configuration (RecordSchema.toJson), read back by RecordSchema.fromJson: our contract, not Google's.
  {
    pattern: /^google_cloud_run_v2_service\.[^.]+\.template\.containers\[\d+\]\.env\[\d+\]\.value$/,
    problems: (json, where) => {
      try {
        RecordSchema.fromJson(JSON.stringify(json));
        return [];
      } catch (e) {
        return [`${where}: ${(e as Error).message}`];
      }
    },
  },
];

function problemsOfStack(synthesized: string): string[] {
  return jsonStringsIn(JSON.parse(synthesized)).flatMap(({ where, json }) => {
    const contract = CONTRACTS.find((c) => c.pattern.test(where));
    return contract ? contract.problems(json, where) : [`${where}: a JSON string with no contract to check it against`];
  });
}

describe('JSON written into Terraform strings follows Google\'s published contracts', () => {
  test('the flights example: dashboard, table schemas, Avro definition', () => {
    const synthesized = Testing.synth(buildFlightsStack(Testing.app(), { project: 'p', region: 'europe-west1', image: PLACEHOLDER_IMAGE }));
    const kinds = jsonStringsIn(JSON.parse(synthesized)).map((s) => s.type);
    expect(new Set(kinds)).toEqual(new Set(['google_monitoring_dashboard', 'google_bigquery_table', 'google_pubsub_schema', 'google_cloud_run_v2_service']));
    expect(problemsOfStack(synthesized)).toEqual([]);
  });

  test('a pipeline dashboard with every threshold line and a fleet dashboard with its SLO budget table', () => {
    const synthesized = Testing.synthScope((scope) => {
      new PipelineMonitoring(scope, 'Pipeline', flights);
      new FleetMonitoring(scope, 'Fleet', { fleetName: 'all', pipelineNames: ['flights', 'orders'], hostProjectId: 'acme-ops', topN: 5 });
      new FleetMonitoring(scope, 'Pattern', { fleetName: 'orders', pipelineNamePattern: 'orders-.*' });
    });
    expect(jsonStringsIn(JSON.parse(synthesized))).toHaveLength(3);
    expect(problemsOfStack(synthesized)).toEqual([]);
  });

  test('a record with a field of every type, in every mode, nested: its BigQuery schema and Avro definition', () => {
    const fields: FieldDefinition[] = Object.values(FieldType).flatMap((type) =>
      Object.values(FieldMode).map((mode): FieldDefinition => ({
        name: `${type.toLowerCase()}_${mode.toLowerCase()}`,
        type,
        mode,
        description: `A ${mode} ${type}.`,
        ...(type === FieldType.RECORD ? { fields: [{ name: 'inner', type: FieldType.STRING }, { name: 'nested', type: FieldType.RECORD, fields: [{ name: 'at', type: FieldType.TIMESTAMP }] }] } : {}),
      })),
    );
    const schema = new RecordSchema({ name: 'Everything', fields: [{ name: 'at', type: FieldType.TIMESTAMP, mode: FieldMode.REQUIRED }, ...fields], eventTimeField: 'at' });
    expect(tableSchemaProblems(JSON.parse(schema.toBigQuerySchemaJson(true)), 'schema')).toEqual([]);
    expect(tableSchemaProblems(RecordSchema.deadLetterBigQueryFields(), 'deadLetterSchema')).toEqual([]);
    expect(avroProblems(JSON.parse(schema.toAvroJson()), 'avro')).toEqual([]);
  });
});

describe('the contract checks refuse what the APIs refuse', () => {
  const widget = (threshold: object) => ({
    displayName: 'd',
    mosaicLayout: { columns: 48, tiles: [{ width: 4, height: 4, widget: { title: 't', xyChart: { dataSets: [{ timeSeriesQuery: { timeSeriesFilter: { filter: 'f', aggregation: { alignmentPeriod: '60s' } } } }], thresholds: [threshold] } } }] },
  });

  test('fails when a chart threshold has a color outside Threshold.Color (the BLUE lines the dashboard once drew)', () => {
    expect(messageProblems(Dashboard, widget({ value: 1, color: 'YELLOW' }))).toEqual([]);
    expect(messageProblems(Dashboard, widget({ value: 1, color: 'BLUE' }))).toEqual([
      expect.stringMatching(/thresholds\[0\]\.color: "BLUE" is not a value of enum google\.monitoring\.dashboard\.v1\.Threshold\.Color \(allowed: .*YELLOW, RED\)/),
    ]);
  });

  test('fails when a field is unknown, a oneof holds two members, a required field is missing or a duration is a number', () => {
    const problems = messageProblems(Dashboard, {
      mosaicLayout: { columns: 48, tiles: [{ widget: { title: 't', text: { content: 'x' }, blank: {} } }] },
      gridLayout: { columns: 2 },
      colour: 'red',
    });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Dashboard\.colour: .*has no field "colour"/),
      expect.stringMatching(/oneof layout takes one of its fields, got gridLayout and mosaicLayout/),
      expect.stringMatching(/oneof content takes one of its fields, got text and blank|got blank and text/),
      expect.stringMatching(/^Dashboard\.displayName: required/),
    ]));
    const aggregation = { alignmentPeriod: 60 };
    const chart = { displayName: 'd', mosaicLayout: { columns: 48, tiles: [{ widget: { xyChart: { dataSets: [{ timeSeriesQuery: { timeSeriesFilter: { filter: 'f', aggregation } } }] } } }] } };
    expect(messageProblems(Dashboard, chart)).toEqual([expect.stringMatching(/aggregation\.alignmentPeriod: expected a Duration such as "60s", got 60/)]);
  });

  test('fails when a BigQuery column has a type or mode BigQuery does not document, or a bad name', () => {
    expect(tableSchemaProblems([{ name: 'a', type: 'INT64', mode: 'NULLABLE' }], 's')).toEqual([]);
    expect(tableSchemaProblems([
      { name: 'a', type: 'INT', mode: 'NULLABLE' },
      { name: '1b', type: 'STRING', mode: 'OPTIONAL' },
      { name: 'c', type: 'RECORD' },
      { name: 'd', type: 'STRING', fields: [{ name: 'e', type: 'STRING' }] },
      { name: 'f', type: 'STRING', nullable: true },
    ], 's')).toEqual([
      expect.stringMatching(/s\[0\]\.type: "INT" is not a type BigQuery documents \(STRING, BYTES, INTEGER, INT64, .*RANGE\)/),
      expect.stringMatching(/s\[1\]\.mode: "OPTIONAL" is not a mode BigQuery documents \(NULLABLE, REQUIRED, REPEATED\)/),
      expect.stringMatching(/s\[1\]\.name: "1b" must start with a letter or underscore/),
      expect.stringMatching(/s\[2\]: a RECORD needs fields/),
      expect.stringMatching(/s\[3\]: only a RECORD has fields/),
      expect.stringMatching(/s\[4\]\.nullable: .*has no field "nullable"/),
    ]);
  });

  test('fails when an Avro definition does not parse or a logical type does not fit its type', () => {
    expect(avroProblems({ type: 'record', name: 'R', fields: [{ name: 'a', type: { type: 'long', logicalType: 'timestamp-micros' } }] }, 'a')).toEqual([]);
    expect(avroProblems({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'nope' }] }, 'a')).toEqual([expect.stringMatching(/^a: .*nope/)]);
    expect(avroProblems({ type: 'record', name: 'R', fields: [{ name: 'a', type: ['null', 'string'], default: 'x' }] }, 'a')).toEqual([expect.stringMatching(/^a: .*default/)]);
    expect(avroProblems({ type: 'record', name: 'R', fields: [{ name: 'a', type: { type: 'string', logicalType: 'date' } }] }, 'a')).toEqual([
      expect.stringMatching(/a\.fields\[0\]: logical type date annotates int, not "string"/),
    ]);
  });
});
