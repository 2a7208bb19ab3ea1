import type { DuckDBConnection } from '@duckdb/node-api';
import { FieldMode } from '../../schema/field';
import type { RecordSchema } from '../../schema/record-schema';
import { duckDbType, quoteIdent } from './duckdb-ddl';

/** The local table cannot take the schema in place (a type change, a REQUIRED field added to a table with rows...). */
export class LocalSchemaError extends Error {
  public constructor(problems: string[], tableName: string) {
    super(
      `the local table ${tableName} cannot take the schema in place:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Start with a new DUCKDB_PATH (or delete the file), or change the schema the compatible way (docs/schema-evolution.md).',
    );
    this.name = 'LocalSchemaError';
  }
}

/**
 * Evolves an existing records table to the schema as BigQuery would in place: adds NULLABLE and REPEATED fields as
 * new columns (old rows read null or an empty list), relaxes REQUIRED to NULLABLE, keeps columns the schema no
 * longer has; refuses everything else, naming each field. Resolves to the statements it ran.
 */
export async function evolveRecordsTable(connection: DuckDBConnection, schema: RecordSchema, tableName: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $table",
    { table: tableName },
  );
  const columns = new Map(reader.getRowObjects().map((r) => [String(r.column_name), { type: String(r.data_type), nullable: r.is_nullable === 'YES' }]));
  const statements: string[] = [];
  const problems: string[] = [];
  for (const field of schema.fields) {
    const column = columns.get(field.name);
    const type = duckDbType(field);
    if (!column) {
      if (field.mode === FieldMode.REQUIRED) problems.push(`${field.name}: added as REQUIRED; existing rows have no value for it (add it NULLABLE)`);
      else statements.push(`ALTER TABLE ${quoteIdent(tableName)} ADD COLUMN ${quoteIdent(field.name)} ${type}`);
      continue;
    }
    if (normalize(column.type) !== normalize(type)) {
      problems.push(`${field.name}: the table holds ${column.type}, the schema says ${type}`);
      continue;
    }
    if (!column.nullable && field.mode !== FieldMode.REQUIRED) statements.push(`ALTER TABLE ${quoteIdent(tableName)} ALTER COLUMN ${quoteIdent(field.name)} DROP NOT NULL`);
    if (column.nullable && field.mode === FieldMode.REQUIRED) problems.push(`${field.name}: NULLABLE in the table, REQUIRED in the schema; existing rows may hold nulls`);
  }
  if (problems.length > 0) throw new LocalSchemaError(problems, tableName);
  for (const sql of statements) await connection.run(sql);
  return statements;
}

/** Type text without quotes and spaces: information_schema quotes struct members only where needed. */
function normalize(type: string): string {
  return type.replace(/["\s]/g, '').toUpperCase();
}
