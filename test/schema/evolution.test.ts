import { Field, FieldDefinition, FieldMode, FieldType, RecordSchema, RecordSchemaProps } from '../../src/schema';
import { classifySchemaChanges } from '../../src/schema/evolution/classify';
import { SchemaChangeKind, SchemaChangeVerdict, describeChange } from '../../src/schema/evolution/schema-change';

const REQUIRED = { mode: FieldMode.REQUIRED };
const REPEATED = { mode: FieldMode.REPEATED };
const BASE: RecordSchemaProps = {
  name: 'Order',
  namespace: 'com.example',
  fields: [
    Field.string('order_id', REQUIRED),
    Field.timestamp('ordered_at', REQUIRED),
    Field.string('country', REQUIRED),
    Field.int64('quantity'),
    Field.numeric('total', { description: 'Order total in EUR.' }),
    Field.string('items', REPEATED),
    Field.record('customer', [Field.string('id', REQUIRED), Field.string('tier')]),
    Field.record('lines', [Field.string('sku', REQUIRED), Field.int64('qty')], REPEATED),
  ],
  eventTimeField: 'ordered_at',
  keyField: 'order_id',
  clusteringFields: ['country'],
};
const base = new RecordSchema(BASE);

/** The base schema with its fields passed through `edit` (and record-level overrides). */
function evolve(edit: (fields: FieldDefinition[]) => FieldDefinition[], overrides: Partial<RecordSchemaProps> = {}): RecordSchema {
  return new RecordSchema({ ...BASE, fields: edit(BASE.fields.map((f) => ({ ...f }))), ...overrides });
}
const replace = (name: string, next: FieldDefinition | undefined) => (fields: FieldDefinition[]) =>
  fields.flatMap((f) => (f.name === name ? (next ? [next] : []) : [f]));
const nested = (name: string, edit: (fields: FieldDefinition[]) => FieldDefinition[]) => (fields: FieldDefinition[]) =>
  fields.map((f) => (f.name === name ? { ...f, fields: edit(f.fields ?? []) } : f));

const { COMPATIBLE, INCOMPATIBLE } = SchemaChangeVerdict;
const K = SchemaChangeKind;

/** [case, next schema, expected changes as `path kind verdict`, what the first change's message must say]. */
const MATRIX: Array<[string, () => RecordSchema, string[], RegExp]> = [
  ['add a nullable field', () => evolve((f) => [...f, Field.string('coupon')]), ['coupon ADD_FIELD COMPATIBLE'], /added as NULLABLE STRING \(ADD_FIELD\): BigQuery adds NULLABLE columns in place \(existing rows read null\).*The table gets the column before the topic's schema accepts/],
  ['add a repeated field', () => evolve((f) => [...f, Field.string('tags', REPEATED)]), ['tags ADD_FIELD COMPATIBLE'], /existing rows read an empty list/],
  ['add a required field', () => evolve((f) => [...f, Field.string('channel', REQUIRED)]), ['channel ADD_FIELD INCOMPATIBLE'], /BigQuery cannot add a REQUIRED column.*Supported path: add channel as NULLABLE.*Override: add "channel" to schemaLock\.acceptIncompatibleChanges; it costs: the apply fails/],
  ['remove a field', () => evolve(replace('total', undefined)), ['total REMOVE_FIELD INCOMPATIBLE'], /removed \(REMOVE_FIELD\): API clients lose the property.*Supported path: mark total `deprecated: true` first.*it costs: the column and every value in it are dropped/],
  ['rename a field', () => evolve(replace('total', Field.numeric('total_eur'))), ['total RENAME_FIELD INCOMPATIBLE'], /renamed to total_eur.*Supported path: add total_eur as a new NULLABLE field.*deprecate total.*it costs: Terraform replaces the table: with deletion protection on \(the default\) the apply fails/],
  ['change a type', () => evolve(replace('quantity', Field.string('quantity'))), ['quantity CHANGE_TYPE INCOMPATIBLE'], /type INT64 -> STRING \(CHANGE_TYPE\): BigQuery cannot change a column type in place.*Supported path: add a new NULLABLE field/],
  ['widen a type', () => evolve(replace('quantity', Field.float64('quantity'))), ['quantity WIDEN_TYPE INCOMPATIBLE'], /type INT64 -> FLOAT64 \(WIDEN_TYPE\): BigQuery could widen the column in place \(ALTER COLUMN SET DATA TYPE\), but google provider 6\.50 plans a replacement/],
  ['widen NUMERIC to BIGNUMERIC', () => evolve(replace('total', Field.bigNumeric('total', { description: 'Order total in EUR.' }))), ['total WIDEN_TYPE INCOMPATIBLE'], /type NUMERIC -> BIGNUMERIC \(WIDEN_TYPE\)/],
  ['relax REQUIRED to NULLABLE', () => evolve(replace('country', Field.string('country'))), ['country RELAX_MODE COMPATIBLE'], /mode REQUIRED -> NULLABLE.*BigQuery relaxes REQUIRED to NULLABLE in place.*may carry null/],
  ['tighten NULLABLE to REQUIRED', () => evolve(replace('quantity', Field.int64('quantity', REQUIRED))), ['quantity TIGHTEN_MODE INCOMPATIBLE'], /Existing rows hold nulls/],
  ['make a field repeated', () => evolve(replace('quantity', Field.int64('quantity', REPEATED))), ['quantity CHANGE_REPEATED INCOMPATIBLE'], /mode NULLABLE -> REPEATED.*cannot turn a column into an array/],
  ['make a repeated field single', () => evolve(replace('items', Field.string('items'))), ['items CHANGE_REPEATED INCOMPATIBLE'], /mode REPEATED -> NULLABLE/],
  ['add a nullable field to a nested record', () => evolve(nested('customer', (f) => [...f, Field.string('email')])), ['customer.email ADD_FIELD COMPATIBLE'], /added as NULLABLE STRING/],
  ['add a required field to a nested record', () => evolve(nested('customer', (f) => [...f, Field.string('email', REQUIRED)])), ['customer.email ADD_FIELD INCOMPATIBLE'], /Override: add "customer\.email"/],
  ['remove a field of a nested record', () => evolve(nested('customer', (f) => f.filter((x) => x.name !== 'tier'))), ['customer.tier REMOVE_FIELD INCOMPATIBLE'], /it costs: Terraform replaces the table/],
  ['change a type in a nested record', () => evolve(nested('customer', (f) => f.map((x) => (x.name === 'tier' ? { ...x, type: FieldType.INT64 } : x)))), ['customer.tier CHANGE_TYPE INCOMPATIBLE'], /type STRING -> INT64/],
  ['add a field to a repeated record', () => evolve(nested('lines', (f) => [...f, Field.numeric('price')])), ['lines.price ADD_FIELD COMPATIBLE'], /added as NULLABLE NUMERIC/],
  ['remove a field of a repeated record', () => evolve(nested('lines', (f) => f.filter((x) => x.name !== 'qty'))), ['lines.qty REMOVE_FIELD INCOMPATIBLE'], /removed/],
  ['reorder fields', () => evolve((f) => [f[0], f[1], f[2], f[4], f[3], ...f.slice(5)]), ['(record) REORDER_FIELDS INCOMPATIBLE'], /order .* -> .*quantity.*Supported path: keep existing fields in their order/],
  ['deprecate a field', () => evolve(replace('total', Field.numeric('total', { description: 'Order total in EUR.', deprecated: true }))), ['total DEPRECATE_FIELD COMPATIBLE'], /stays in the table, the Avro schema and API responses; OpenAPI flags it `deprecated: true`/],
  ['change a description', () => evolve(replace('total', Field.numeric('total', { description: 'Gross total.' }))), ['total CHANGE_DESCRIPTION COMPATIBLE'], /commit a new schema revision, which counts towards Pub\/Sub's 20/],
  ['change the clustering', () => evolve((f) => f, { clusteringFields: ['country', 'quantity'] }), ['(record) CHANGE_CLUSTERING COMPATIBLE'], /changes clustering in place/],
  ['change the key field', () => evolve((f) => f, { keyField: undefined }), ['(record) CHANGE_KEY_FIELD INCOMPATIBLE'], /Supported path: create a second pipeline/],
  ['change the event-time field', () => evolve((f) => [...f, Field.timestamp('paid_at', REQUIRED)], { eventTimeField: 'paid_at' }), ['(record) CHANGE_EVENT_TIME_FIELD INCOMPATIBLE', 'paid_at ADD_FIELD INCOMPATIBLE'], /cannot change a table's partitioning column in place/],
  ['rename the record', () => evolve((f) => f, { name: 'Purchase' }), ['(record) CHANGE_RECORD_NAME INCOMPATIBLE'], /Avro resolves records by their full name/],
];

describe('schema change classification', () => {
  test.each(MATRIX)('%s', (_name, next, expected, message) => {
    const changes = classifySchemaChanges(base, next());
    expect(changes.map((c) => `${c.path} ${c.kind} ${c.verdict}`)).toEqual(expected);
    expect(describeChange(changes[0])).toMatch(message);
    for (const change of changes.filter((c) => c.verdict === INCOMPATIBLE)) {
      expect(change.supportedPath).toBeDefined();
      expect(change.overrideCost).toBeDefined();
    }
  });

  test('no change, no finding', () => {
    expect(classifySchemaChanges(base, new RecordSchema(BASE))).toEqual([]);
  });

  test('removing a field deprecated in the lock is the compatible second step', () => {
    const deprecated = evolve(replace('total', Field.numeric('total', { description: 'Order total in EUR.', deprecated: true })));
    const [change] = classifySchemaChanges(deprecated, evolve(replace('total', undefined)));
    expect(change).toMatchObject({ path: 'total', kind: K.REMOVE_FIELD, verdict: COMPATIBLE });
    expect(describeChange(change)).toMatch(/provider drops the column in place.*Producers must have stopped sending it/);
  });

  test('fails when a deprecated field is removed together with an added field', () => {
    const deprecated = evolve(replace('total', Field.numeric('total', { description: 'Order total in EUR.', deprecated: true })));
    const changes = classifySchemaChanges(deprecated, evolve((f) => [...replace('total', undefined)(f), Field.string('note', { mode: FieldMode.NULLABLE })]));
    expect(changes.map((c) => `${c.path} ${c.kind} ${c.verdict}`)).toEqual(['total REMOVE_FIELD INCOMPATIBLE', 'note ADD_FIELD COMPATIBLE']);
    expect(changes[0].reason).toMatch(/drops columns in place only when no column is added in the same change/);
  });
});
