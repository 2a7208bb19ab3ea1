import { FieldDefinition, FieldMode, FieldType } from './field';
import { FIELD_TYPES, ScalarFieldType } from './field-types';
import { METADATA_COLUMNS } from './bigquery-field';
import { AVRO_NAME, AVRO_NAMESPACE, MAX_DESCRIPTION_LENGTH, MAX_NESTING_DEPTH, columnNameProblem } from './names';
import type { RecordSchemaProps } from './record-schema-props';

const SCALAR_TYPES = Object.values(FieldType).filter((t): t is ScalarFieldType => t !== FieldType.RECORD);
/** BigQuery can cluster on these column types only (never RECORD or repeated columns). */
const CLUSTERABLE = new Set<FieldType>(SCALAR_TYPES.filter((t) => FIELD_TYPES[t].clusterable));
/** Key values travel in a URL path, so keys are text or whole numbers. */
const KEYABLE = new Set<FieldType>(SCALAR_TYPES.filter((t) => FIELD_TYPES[t].keyable));
/** BigQuery allows at most four clustering columns. */
export const MAX_CLUSTERING_FIELDS = 4;

const TYPES = new Set(Object.values(FieldType));
const MODES = new Set(Object.values(FieldMode));

/** Every broken rule of a record definition, each naming the field, the value and what is allowed. */
export function schemaProblems(props: RecordSchemaProps): string[] {
  const problems: string[] = [];
  if (typeof props.name !== 'string' || !AVRO_NAME.test(props.name)) {
    problems.push(`name must be an Avro name (a letter or _, then letters, digits or _), got ${JSON.stringify(props.name)}`);
  }
  if (props.namespace !== undefined && !AVRO_NAMESPACE.test(props.namespace)) {
    problems.push(`namespace must be dot-separated Avro names, got ${JSON.stringify(props.namespace)}`);
  }
  if (!Array.isArray(props.fields) || props.fields.length === 0) {
    problems.push('fields must hold at least one field');
    return problems;
  }
  fieldProblems(props.fields, 'fields', 1, problems);
  const reserved = new Set(METADATA_COLUMNS.map((c) => c.name));
  for (const field of props.fields) {
    if (typeof field?.name === 'string' && reserved.has(field.name.toLowerCase())) {
      problems.push(`field ${field.name} collides with a metadata column the BigQuery subscription writes (${[...reserved].join(', ')})`);
    }
  }
  const top = new Map(props.fields.filter((f) => typeof f?.name === 'string').map((f) => [f.name, f]));

  const eventTime = top.get(props.eventTimeField);
  if (!eventTime) {
    problems.push(`eventTimeField ${JSON.stringify(props.eventTimeField)} must name a top-level field`);
  } else if (eventTime.type !== FieldType.TIMESTAMP || eventTime.mode !== FieldMode.REQUIRED) {
    problems.push(`eventTimeField ${eventTime.name} must be a REQUIRED TIMESTAMP (it partitions the table and bounds every query), got ${eventTime.mode ?? FieldMode.NULLABLE} ${eventTime.type}`);
  }

  if (props.keyField !== undefined) {
    const key = top.get(props.keyField);
    if (!key) problems.push(`keyField ${JSON.stringify(props.keyField)} must name a top-level field`);
    else if (!KEYABLE.has(key.type) || key.mode !== FieldMode.REQUIRED) {
      problems.push(`keyField ${key.name} must be a REQUIRED ${[...KEYABLE].join(' or ')}, got ${key.mode ?? FieldMode.NULLABLE} ${key.type}`);
    }
  }

  const clustering = props.clusteringFields ?? [];
  if (clustering.length > MAX_CLUSTERING_FIELDS) {
    problems.push(`clusteringFields may name at most ${MAX_CLUSTERING_FIELDS} fields (a BigQuery limit), got ${clustering.length}: ${clustering.join(', ')}`);
  }
  if (new Set(clustering).size !== clustering.length) {
    problems.push(`clusteringFields must not repeat a field, got ${clustering.join(', ')}`);
  }
  for (const name of clustering) {
    const field = top.get(name);
    if (!field) problems.push(`clusteringFields entry ${JSON.stringify(name)} must name a top-level field`);
    else if (!CLUSTERABLE.has(field.type) || field.mode === FieldMode.REPEATED) {
      problems.push(`clusteringFields entry ${name} must be a non-repeated ${[...CLUSTERABLE].join(', ')} field, got ${field.mode ?? FieldMode.NULLABLE} ${field.type}`);
    }
  }
  return problems;
}

function fieldProblems(fields: readonly FieldDefinition[], path: string, depth: number, problems: string[]): void {
  const seen = new Set<string>();
  fields.forEach((field, i) => {
    const where = `${path}[${i}]${typeof field?.name === 'string' ? ` (${field.name})` : ''}`;
    if (!field || typeof field !== 'object') {
      problems.push(`${where} must be a field definition object`);
      return;
    }
    const nameProblem = columnNameProblem(field.name);
    if (nameProblem) problems.push(`${where} name ${JSON.stringify(field.name)} ${nameProblem}`);
    else {
      // BigQuery column names are case-insensitive, so `Origin` and `origin` collide.
      const folded = field.name.toLowerCase();
      if (seen.has(folded)) problems.push(`${where} name ${field.name} is a duplicate (BigQuery compares names case-insensitively)`);
      seen.add(folded);
    }
    if (!TYPES.has(field.type)) problems.push(`${where} type must be one of ${[...TYPES].join(', ')}, got ${JSON.stringify(field.type)}`);
    if (field.mode !== undefined && !MODES.has(field.mode)) {
      problems.push(`${where} mode must be one of ${[...MODES].join(', ')}, got ${JSON.stringify(field.mode)}`);
    }
    if (field.description !== undefined && (typeof field.description !== 'string' || field.description.length > MAX_DESCRIPTION_LENGTH)) {
      problems.push(`${where} description must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters (a BigQuery limit)`);
    }
    if (field.type === FieldType.RECORD) {
      if (!Array.isArray(field.fields) || field.fields.length === 0) {
        problems.push(`${where} is a RECORD and needs at least one entry in fields`);
      } else if (depth >= MAX_NESTING_DEPTH) {
        problems.push(`${where} nests records deeper than BigQuery's ${MAX_NESTING_DEPTH} levels`);
      } else {
        fieldProblems(field.fields, `${where}.fields`, depth + 1, problems);
      }
    } else if (field.fields !== undefined) {
      problems.push(`${where} has fields but is a ${field.type}; only RECORD fields have sub-fields`);
    }
  });
}
