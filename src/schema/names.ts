/** Avro names: a letter or `_`, then letters, digits or `_` (Avro 1.11 "Names"). BigQuery column names accept these too. */
export const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Avro namespaces: dot-separated Avro names. */
export const AVRO_NAMESPACE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** BigQuery's longest column name. */
export const MAX_COLUMN_NAME_LENGTH = 300;

/** BigQuery's longest column description. */
export const MAX_DESCRIPTION_LENGTH = 1024;

/** BigQuery allows at most 15 levels of nested RECORD columns. */
export const MAX_NESTING_DEPTH = 15;

/** Column-name prefixes BigQuery reserves (compared case-insensitively). */
export const RESERVED_COLUMN_PREFIXES = [
  '_TABLE_',
  '_FILE_',
  '_PARTITION',
  '_ROW_TIMESTAMP',
  '__ROOT__',
  '_COLIDENTIFIER',
  '_CHANGE_SEQUENCE_NUMBER',
  '_CHANGE_TYPE',
  '_CHANGE_TIMESTAMP',
];

/** Why `name` cannot be a column and Avro field name, or undefined when it can. */
export function columnNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty string';
  if (name.length > MAX_COLUMN_NAME_LENGTH) return `must be at most ${MAX_COLUMN_NAME_LENGTH} characters, got ${name.length}`;
  if (!AVRO_NAME.test(name)) return 'must start with a letter or _ and hold only letters, digits and _ (Avro and BigQuery naming rules)';
  const upper = name.toUpperCase();
  const prefix = RESERVED_COLUMN_PREFIXES.find((p) => upper.startsWith(p));
  if (prefix) return `must not start with ${prefix}, which BigQuery reserves`;
  return undefined;
}
