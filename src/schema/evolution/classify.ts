import { FieldDefinition, FieldMode, FieldType } from '../field';
import type { RecordSchema } from '../record-schema';
import { SchemaChange, SchemaChangeKind, SchemaChangeVerdict } from './schema-change';

/** Type changes that keep every value: BigQuery can widen these columns with ALTER COLUMN SET DATA TYPE. */
const WIDENINGS: ReadonlyArray<readonly [FieldType, FieldType]> = [
  [FieldType.INT64, FieldType.FLOAT64],
  [FieldType.INT64, FieldType.NUMERIC],
  [FieldType.INT64, FieldType.BIGNUMERIC],
  [FieldType.NUMERIC, FieldType.BIGNUMERIC],
];

const REPLACES_TABLE =
  'Terraform replaces the table: with deletion protection on (the default) the apply fails and nothing changes; ' +
  'with it off, the table and every row in it are deleted and recreated empty, and the subscription dead-letters ' +
  'messages until the new table exists';
const NEW_FIELD_PATH = 'add a new NULLABLE field with the new definition, have producers fill both, mark the old one `deprecated: true`, and remove it in a later change';
const NEW_PIPELINE_PATH = 'create a second pipeline (a new `name`) with the new schema beside this one, move producers and readers to it, copy history with INSERT ... SELECT, then remove the old pipeline';

/**
 * Compares the locked record definition with the new one and classifies every difference by what Pub/Sub (Avro
 * schema resolution between revisions), BigQuery (column changes allowed in place, as google provider 6.50 applies
 * them) and the API contract accept. Pure: no I/O.
 */
export function classifySchemaChanges(previous: RecordSchema, next: RecordSchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const record = (kind: SchemaChangeKind, change: string, verdict: SchemaChangeVerdict, reason: string, supportedPath?: string, overrideCost?: string) =>
    changes.push({ kind, path: '(record)', verdict, change, reason, ...(supportedPath ? { supportedPath } : {}), ...(overrideCost ? { overrideCost } : {}) });

  const fullName = (s: RecordSchema) => (s.namespace ? `${s.namespace}.${s.name}` : s.name);
  if (fullName(previous) !== fullName(next)) {
    record(
      SchemaChangeKind.CHANGE_RECORD_NAME,
      `name ${fullName(previous)} -> ${fullName(next)}`,
      SchemaChangeVerdict.INCOMPATIBLE,
      'Avro resolves records by their full name: messages of earlier revisions no longer resolve against the new one, and nested record names change with it.',
      'keep the record name; the name only appears in the Avro schema',
      'producers encoding with the old name (BINARY encoding) are refused; JSON producers are unaffected',
    );
  }
  if (previous.eventTimeField !== next.eventTimeField) {
    record(
      SchemaChangeKind.CHANGE_EVENT_TIME_FIELD,
      `eventTimeField ${previous.eventTimeField} -> ${next.eventTimeField}`,
      SchemaChangeVerdict.INCOMPATIBLE,
      "BigQuery cannot change a table's partitioning column in place.",
      NEW_PIPELINE_PATH,
      REPLACES_TABLE,
    );
  }
  if (previous.keyField !== next.keyField) {
    record(
      SchemaChangeKind.CHANGE_KEY_FIELD,
      `keyField ${previous.keyField ?? '(none)'} -> ${next.keyField ?? '(none)'}`,
      SchemaChangeVerdict.INCOMPATIBLE,
      'GET /v1/records/{key} and the de-duplication of deliveries change meaning for every stored record: clients looking records up by the old key get other answers.',
      NEW_PIPELINE_PATH,
      'API clients that look records up by key get different records, and rows are de-duplicated differently from the next request on',
    );
  }
  if (previous.clusteringFields.join(',') !== next.clusteringFields.join(',')) {
    record(
      SchemaChangeKind.CHANGE_CLUSTERING,
      `clusteringFields [${previous.clusteringFields.join(', ')}] -> [${next.clusteringFields.join(', ')}]`,
      SchemaChangeVerdict.COMPATIBLE,
      'BigQuery changes clustering in place (data written from now on is clustered the new way); the API offers equality filters on the new clustering fields.',
    );
  }
  compareFields(previous.fields, next.fields, '', changes);
  return changes;
}

function compareFields(before: FieldDefinition[], after: FieldDefinition[], prefix: string, changes: SchemaChange[]): void {
  const afterByName = new Map(after.map((f) => [f.name, f]));
  const beforeByName = new Map(before.map((f) => [f.name, f]));
  const removed = before.filter((f) => !afterByName.has(f.name));
  const added = after.filter((f) => !beforeByName.has(f.name));
  const path = (name: string) => `${prefix}${name}`;
  const topLevel = prefix === '';

  // One field gone and one of the same shape come: report it as the rename it most likely is.
  const renames = new Map<string, FieldDefinition>();
  if (removed.length === 1 && added.length === 1 && sameShape(removed[0], added[0])) renames.set(removed[0].name, added[0]);

  for (const gone of removed) {
    const renamedTo = renames.get(gone.name);
    if (renamedTo) {
      changes.push({
        kind: SchemaChangeKind.RENAME_FIELD,
        path: path(gone.name),
        verdict: SchemaChangeVerdict.INCOMPATIBLE,
        change: `renamed to ${path(renamedTo.name)}`,
        reason:
          'Avro resolves fields by name, so producers of the old revision still send the old name; BigQuery cannot rename a column in place (google provider 6.50 replaces a table whose columns are dropped and added in one change); API clients lose the property.',
        supportedPath: `add ${path(renamedTo.name)} as a new NULLABLE field, fill it from producers (and backfill old rows with UPDATE if needed), deprecate ${path(gone.name)}, and remove it in a later change`,
        overrideCost: REPLACES_TABLE,
      });
      continue;
    }
    if (gone.deprecated && topLevel && added.length === 0) {
      changes.push({
        kind: SchemaChangeKind.REMOVE_FIELD,
        path: path(gone.name),
        verdict: SchemaChangeVerdict.COMPATIBLE,
        change: 'removed (it was deprecated)',
        reason:
          'The second step of a removal: the provider drops the column in place (ALTER TABLE DROP COLUMN, its data with it), the new schema revision no longer has it, and API responses no longer carry it. Producers must have stopped sending it: a message of an older revision that still carries it can no longer be written and is dead-lettered.',
      });
      continue;
    }
    changes.push({
      kind: SchemaChangeKind.REMOVE_FIELD,
      path: path(gone.name),
      verdict: SchemaChangeVerdict.INCOMPATIBLE,
      change: gone.deprecated ? 'removed together with other changes to its record' : 'removed',
      reason: gone.deprecated
        ? 'BigQuery (google provider 6.50) drops columns in place only when no column is added in the same change; nested columns cannot be dropped in place at all.'
        : 'API clients lose the property without warning, producers of earlier revisions still send it (their messages would be dead-lettered), and the column with its data would be dropped.',
      supportedPath: gone.deprecated
        ? 'remove it in a change of its own (top-level fields only); a nested field stays until the pipeline is replaced'
        : `mark ${path(gone.name)} \`deprecated: true\` first (kept in storage and Avro, flagged in OpenAPI), deploy, stop producers sending it, then remove it`,
      overrideCost: topLevel
        ? 'the column and every value in it are dropped; producers still sending the field are dead-lettered; API clients lose the property'
        : REPLACES_TABLE,
    });
  }

  for (const come of added) {
    if ([...renames.values()].includes(come)) continue;
    const mode = come.mode ?? FieldMode.NULLABLE;
    if (mode === FieldMode.REQUIRED) {
      changes.push({
        kind: SchemaChangeKind.ADD_FIELD,
        path: path(come.name),
        verdict: SchemaChangeVerdict.INCOMPATIBLE,
        change: `added as REQUIRED ${come.type}`,
        reason:
          'BigQuery cannot add a REQUIRED column to a table that has rows, and an Avro field without a default cannot read messages of earlier revisions, which producers keep publishing during the rollout.',
        supportedPath: `add ${path(come.name)} as NULLABLE (or REPEATED); the API then documents it as nullable`,
        overrideCost: 'the apply fails when BigQuery refuses the new REQUIRED column; nothing is written until the definition is changed back',
      });
      continue;
    }
    changes.push({
      kind: SchemaChangeKind.ADD_FIELD,
      path: path(come.name),
      verdict: SchemaChangeVerdict.COMPATIBLE,
      change: `added as ${mode} ${come.type}`,
      reason: `BigQuery adds ${mode} columns in place (existing rows read ${mode === FieldMode.REPEATED ? 'an empty list' : 'null'}); the Avro field has a default, so messages of earlier revisions still resolve; API responses gain an optional property. The table gets the column before the topic's schema accepts messages carrying it.`,
    });
  }

  const kept = after.filter((f) => beforeByName.has(f.name));
  const beforeOrder = before.filter((f) => afterByName.has(f.name)).map((f) => f.name);
  if (kept.map((f) => f.name).join(',') !== beforeOrder.join(',')) {
    changes.push({
      kind: SchemaChangeKind.REORDER_FIELDS,
      path: prefix === '' ? '(record)' : prefix.slice(0, -1),
      verdict: SchemaChangeVerdict.INCOMPATIBLE,
      change: `order ${beforeOrder.join(', ')} -> ${kept.map((f) => f.name).join(', ')}`,
      reason: 'BigQuery keeps columns in the order they were created and does not reorder them in place.',
      supportedPath: 'keep existing fields in their order and add new fields after them',
      overrideCost: REPLACES_TABLE,
    });
  }

  for (const now of kept) compareField(beforeByName.get(now.name)!, now, path(now.name), changes);
}

function compareField(before: FieldDefinition, after: FieldDefinition, path: string, changes: SchemaChange[]): void {
  const modeBefore = before.mode ?? FieldMode.NULLABLE;
  const modeAfter = after.mode ?? FieldMode.NULLABLE;
  if (before.type !== after.type) {
    const widening = WIDENINGS.some(([from, to]) => from === before.type && to === after.type);
    changes.push({
      kind: widening ? SchemaChangeKind.WIDEN_TYPE : SchemaChangeKind.CHANGE_TYPE,
      path,
      verdict: SchemaChangeVerdict.INCOMPATIBLE,
      change: `type ${before.type} -> ${after.type}`,
      reason: widening
        ? 'BigQuery could widen the column in place (ALTER COLUMN SET DATA TYPE), but google provider 6.50 plans a replacement of the table for any column type change, and producers of the earlier revision keep sending the old Avro type.'
        : 'BigQuery cannot change a column type in place, Avro cannot resolve the old type into the new one, and API clients get values of another type.',
      supportedPath: NEW_FIELD_PATH,
      overrideCost: REPLACES_TABLE,
    });
    return;
  }
  if (modeBefore !== modeAfter) {
    if (modeBefore === FieldMode.REPEATED || modeAfter === FieldMode.REPEATED) {
      changes.push({
        kind: SchemaChangeKind.CHANGE_REPEATED,
        path,
        verdict: SchemaChangeVerdict.INCOMPATIBLE,
        change: `mode ${modeBefore} -> ${modeAfter}`,
        reason: 'BigQuery cannot turn a column into an array or back in place, Avro cannot resolve an array against a single value, and API clients get another JSON shape.',
        supportedPath: NEW_FIELD_PATH,
        overrideCost: REPLACES_TABLE,
      });
    } else if (modeAfter === FieldMode.NULLABLE) {
      changes.push({
        kind: SchemaChangeKind.RELAX_MODE,
        path,
        verdict: SchemaChangeVerdict.COMPATIBLE,
        change: 'mode REQUIRED -> NULLABLE',
        reason:
          'BigQuery relaxes REQUIRED to NULLABLE in place; Avro resolves a value of the earlier revision into the new ["null", T] union; API responses may carry null for it from now on (OpenAPI says so).',
      });
    } else {
      changes.push({
        kind: SchemaChangeKind.TIGHTEN_MODE,
        path,
        verdict: SchemaChangeVerdict.INCOMPATIBLE,
        change: 'mode NULLABLE -> REQUIRED',
        reason: 'Existing rows hold nulls, so BigQuery cannot make the column REQUIRED, and producers of earlier revisions may still send null.',
        supportedPath: 'keep the field NULLABLE and validate presence in producers',
        overrideCost: REPLACES_TABLE,
      });
    }
  }
  if ((before.description ?? '') !== (after.description ?? '')) {
    changes.push({
      kind: SchemaChangeKind.CHANGE_DESCRIPTION,
      path,
      verdict: SchemaChangeVerdict.COMPATIBLE,
      change: 'description changed',
      reason: 'Descriptions change in place in BigQuery and OpenAPI; in the Avro `doc` they commit a new schema revision, which counts towards Pub/Sub\'s 20.',
    });
  }
  if (Boolean(before.deprecated) !== Boolean(after.deprecated)) {
    changes.push({
      kind: SchemaChangeKind.DEPRECATE_FIELD,
      path,
      verdict: SchemaChangeVerdict.COMPATIBLE,
      change: after.deprecated ? 'deprecated' : 'no longer deprecated',
      reason: after.deprecated
        ? 'The field stays in the table, the Avro schema and API responses; OpenAPI flags it `deprecated: true`, so clients learn it is going. Removing it later is then compatible.'
        : 'The field was kept everywhere while deprecated: nothing to undo but the OpenAPI flag.',
    });
  }
  if (before.type === FieldType.RECORD && after.type === FieldType.RECORD && modeBefore === modeAfter) {
    compareFields(before.fields ?? [], after.fields ?? [], `${path}.`, changes);
  }
}

function sameShape(a: FieldDefinition, b: FieldDefinition): boolean {
  return a.type === b.type && (a.mode ?? FieldMode.NULLABLE) === (b.mode ?? FieldMode.NULLABLE);
}
