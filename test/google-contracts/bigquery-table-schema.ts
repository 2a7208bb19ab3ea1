import { loadGoogleProtos, messageProblems } from './proto-json';

/** BigQuery API v2's `TableFieldSchema`, from Google's published proto. */
const TableFieldSchema = loadGoogleProtos('google/cloud/bigquery/v2/table_schema.proto').lookupType('google.cloud.bigquery.v2.TableFieldSchema');

/**
 * The values a string field's proto comment documents: `type` lists them as bullets (`* INTEGER (or INT64)`), `mode`
 * in a sentence (`Possible values include NULLABLE, REQUIRED and REPEATED`). The API types both as plain strings.
 */
function documentedValues(fieldName: string): string[] {
  const comment = TableFieldSchema.fields[fieldName].comment ?? '';
  const list = comment.split(/Possible values include:?/)[1];
  if (list === undefined) throw new Error(`TableFieldSchema.${fieldName}'s comment no longer lists its values`);
  return [...new Set(list.split(/\n\s*\n(?!\s*\*)/)[0].match(/\b[A-Z][A-Z0-9_]+\b/g) ?? [])];
}

const TYPES = documentedValues('type');
const MODES = documentedValues('mode');
// "The name must contain only letters (a-z, A-Z), numbers (0-9), or underscores (_), and must start with a letter or
// underscore. The maximum length is 300 characters." (TableFieldSchema.name)
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;

/** Why `json` is not a BigQuery table schema (a list of `TableFieldSchema`), strictly; empty when it is one. */
export function tableSchemaProblems(json: unknown, where: string): string[] {
  if (!Array.isArray(json)) return [`${where}: expected an array of TableFieldSchema, got ${JSON.stringify(json)}`];
  return json.flatMap((field, i) => fieldProblems(field, `${where}[${i}]`));
}

function fieldProblems(field: { [key: string]: unknown }, where: string): string[] {
  const problems = messageProblems(TableFieldSchema, field, where);
  const { name, type, mode, fields } = field;
  if (typeof type === 'string' && !TYPES.includes(type)) problems.push(`${where}.type: ${JSON.stringify(type)} is not a type BigQuery documents (${TYPES.join(', ')})`);
  if (typeof mode === 'string' && !MODES.includes(mode)) problems.push(`${where}.mode: ${JSON.stringify(mode)} is not a mode BigQuery documents (${MODES.join(', ')})`);
  if (typeof name === 'string' && !NAME.test(name)) {
    problems.push(`${where}.name: ${JSON.stringify(name)} must start with a letter or underscore, then letters, digits or underscores, at most 300`);
  }
  const nested = type === 'RECORD' || type === 'STRUCT';
  if (nested && (!Array.isArray(fields) || fields.length === 0)) problems.push(`${where}: a RECORD needs fields`);
  if (!nested && fields !== undefined) problems.push(`${where}: only a RECORD has fields, got type ${JSON.stringify(type)}`);
  if (nested && Array.isArray(fields)) problems.push(...fields.flatMap((f, i) => fieldProblems(f, `${where}.fields[${i}]`)));
  return problems;
}
