import { DEAD_LETTER_DATA_COLUMN, BigQueryField, METADATA_COLUMNS } from './bigquery-field';
import { FieldDefinition, FieldMode, FieldType } from './field';
import { FIELD_TYPES } from './field-types';
import { RecordSchemaProps } from './record-schema-props';
import { schemaProblems } from './validate-schema';

/** Version of the JSON form `toJson` writes, so a newer service can refuse an older shape with a clear message. */
const JSON_FORM_VERSION = 1;

/**
 * A validated record definition. It generates the Avro schema of the Pub/Sub topic, the BigQuery columns of
 * the table, and the JSON form the query API reads at start-up; invalid definitions throw one error that lists
 * every broken rule.
 */
export class RecordSchema {
  /** Reads the JSON form written by `toJson()`, validating it again. */
  public static fromJson(json: string): RecordSchema {
    let parsed: { version?: unknown; schema?: RecordSchemaProps };
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new Error(`invalid RecordSchema JSON: ${(e as Error).message}`, { cause: e });
    }
    if (parsed?.version !== JSON_FORM_VERSION || typeof parsed.schema !== 'object') {
      throw new Error(`invalid RecordSchema JSON: expected { "version": ${JSON_FORM_VERSION}, "schema": {...} }, got version ${JSON.stringify(parsed?.version)}`);
    }
    return new RecordSchema(parsed.schema);
  }

  /** Columns of a dead-letter table: the raw payload plus the subscription metadata. */
  public static deadLetterBigQueryFields(): BigQueryField[] {
    return [DEAD_LETTER_DATA_COLUMN, ...METADATA_COLUMNS];
  }

  /** Record name. */
  public readonly name: string;
  /** Avro namespace, if any. */
  public readonly namespace?: string;
  /** Record description, if any. */
  public readonly description?: string;
  /** Fields in column order, with every mode made explicit. */
  public readonly fields: FieldDefinition[];
  /** The REQUIRED TIMESTAMP field that partitions the table. */
  public readonly eventTimeField: string;
  /** The field that identifies a record, if any. */
  public readonly keyField?: string;
  /** Fields the table is clustered on (possibly none). */
  public readonly clusteringFields: string[];

  public constructor(props: RecordSchemaProps) {
    const problems = schemaProblems(props);
    if (problems.length > 0) {
      throw new Error(`invalid RecordSchema ${JSON.stringify(props?.name)}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    this.name = props.name;
    this.namespace = props.namespace;
    this.description = props.description;
    this.fields = props.fields.map(withExplicitMode);
    this.eventTimeField = props.eventTimeField;
    this.keyField = props.keyField;
    this.clusteringFields = [...(props.clusteringFields ?? [])];
  }

  /** Names of the top-level fields, in column order. */
  public get fieldNames(): string[] {
    return this.fields.map((f) => f.name);
  }

  /** The top-level field with this name, if there is one. */
  public field(name: string): FieldDefinition | undefined {
    return this.fields.find((f) => f.name === name);
  }

  /**
   * A schema holding only the named top-level fields (in this schema's order): what a view exposes. The event
   * time and key fields are always kept (windows, lookups and de-duplication need them); clustering fields are
   * kept when listed.
   */
  public project(fieldNames: string[]): RecordSchema {
    const unknown = fieldNames.filter((n) => !this.field(n));
    if (unknown.length > 0) {
      throw new Error(`cannot expose ${unknown.join(', ')}: not fields of ${this.name} (fields: ${this.fieldNames.join(', ')})`);
    }
    const keep = new Set([...fieldNames, this.eventTimeField, ...(this.keyField ? [this.keyField] : [])]);
    return new RecordSchema({
      name: this.name,
      namespace: this.namespace,
      description: this.description,
      fields: this.fields.filter((f) => keep.has(f.name)),
      eventTimeField: this.eventTimeField,
      keyField: this.keyField && keep.has(this.keyField) ? this.keyField : undefined,
      clusteringFields: this.clusteringFields.filter((n) => keep.has(n)),
    });
  }

  /** The Avro record schema as an object (for `toAvroJson` and Avro libraries). */
  // jsii has no type for an arbitrary JSON document but `any`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  public toAvro(): any {
    return {
      type: 'record',
      name: this.name,
      ...(this.namespace ? { namespace: this.namespace } : {}),
      ...(this.description ? { doc: this.description } : {}),
      fields: this.fields.map((f) => avroField(f, [this.name])),
    };
  }

  /** The Avro schema text for `google_pubsub_schema.definition`. */
  public toAvroJson(): string {
    return JSON.stringify(this.toAvro());
  }

  /**
   * The BigQuery columns of the table.
   *
   * @param includeMetadata add the columns a subscription with `write_metadata` fills (subscription_name,
   *   message_id, publish_time, attributes)
   */
  public toBigQueryFields(includeMetadata?: boolean): BigQueryField[] {
    const columns = this.fields.map(bigQueryField);
    return includeMetadata ? [...columns, ...METADATA_COLUMNS] : columns;
  }

  /** The BigQuery schema text for `google_bigquery_table.schema`. */
  public toBigQuerySchemaJson(includeMetadata?: boolean): string {
    return JSON.stringify(this.toBigQueryFields(includeMetadata));
  }

  /** The JSON form the query API reads at start-up; `RecordSchema.fromJson` reads it back. */
  public toJson(): string {
    const schema: RecordSchemaProps = {
      name: this.name,
      namespace: this.namespace,
      description: this.description,
      fields: this.fields,
      eventTimeField: this.eventTimeField,
      keyField: this.keyField,
      clusteringFields: this.clusteringFields,
    };
    return JSON.stringify({ version: JSON_FORM_VERSION, schema });
  }
}

function withExplicitMode(field: FieldDefinition): FieldDefinition {
  return {
    name: field.name,
    type: field.type,
    mode: field.mode ?? FieldMode.NULLABLE,
    ...(field.description !== undefined ? { description: field.description } : {}),
    ...(field.deprecated ? { deprecated: true } : {}),
    ...(field.fields ? { fields: field.fields.map(withExplicitMode) } : {}),
  };
}

function avroType(field: FieldDefinition, path: string[]): unknown {
  if (field.type !== FieldType.RECORD) return FIELD_TYPES[field.type].avro;
  const nested = [...path, field.name];
  // Avro needs every named type to be unique within the schema: name nested records after their path.
  return {
    type: 'record',
    name: nested.join('_'),
    fields: (field.fields ?? []).map((f) => avroField(f, nested)),
  };
}

function avroField(field: FieldDefinition, path: string[]): Record<string, unknown> {
  const base = avroType(field, path);
  const doc = field.description ? { doc: field.description } : {};
  switch (field.mode ?? FieldMode.NULLABLE) {
    case FieldMode.REQUIRED:
      return { name: field.name, type: base, ...doc };
    case FieldMode.REPEATED:
      return { name: field.name, type: { type: 'array', items: base }, ...doc, default: [] };
    default:
      return { name: field.name, type: ['null', base], ...doc, default: null };
  }
}

function bigQueryField(field: FieldDefinition): BigQueryField {
  return {
    name: field.name,
    type: field.type === FieldType.RECORD ? 'RECORD' : FIELD_TYPES[field.type].bigQueryType,
    mode: field.mode ?? FieldMode.NULLABLE,
    ...(field.description ? { description: field.description } : {}),
    ...(field.fields ? { fields: field.fields.map(bigQueryField) } : {}),
  };
}
