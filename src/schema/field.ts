/** The type of a record field, named after its BigQuery column type. */
export enum FieldType {
  /** UTF-8 text. Avro `string`. */
  STRING = 'STRING',
  /** 64-bit signed integer. Avro `long`. */
  INT64 = 'INT64',
  /** IEEE 754 double. Avro `double`. */
  FLOAT64 = 'FLOAT64',
  /**
   * Exact decimal, 38 digits with 9 after the point. Avro `string` (BigQuery converts it on write), so
   * producers send `"123.45"`; a malformed number is dead-lettered by the subscription, not lost.
   */
  NUMERIC = 'NUMERIC',
  /** true or false. Avro `boolean`. */
  BOOLEAN = 'BOOLEAN',
  /** A point in time. Avro `long` with logical type `timestamp-micros` (microseconds since the epoch, UTC). */
  TIMESTAMP = 'TIMESTAMP',
  /** A calendar date. Avro `int` with logical type `date` (days since 1970-01-01). */
  DATE = 'DATE',
  /** Any JSON document, sent as a string. Avro `string`, BigQuery `JSON`. */
  JSON = 'JSON',
  /** A nested record with its own `fields`. Avro `record`, BigQuery `RECORD` (STRUCT). */
  RECORD = 'RECORD',
  /**
   * Raw bytes. Avro `bytes`: in Avro's JSON encoding one character per byte (U+0000 to U+00FF); the API returns
   * them base64-encoded, as BigQuery does.
   */
  BYTES = 'BYTES',
  /** A time of day, microsecond precision, no zone. Avro `long` with logical type `time-micros` (microseconds after midnight). */
  TIME = 'TIME',
  /**
   * A calendar date and time of day, no zone. Avro `string` (BigQuery converts it on write), so producers send
   * `"2024-05-01T10:00:00"`; a malformed value is dead-lettered by the subscription, not lost.
   */
  DATETIME = 'DATETIME',
  /**
   * Exact decimal, 76 digits with 38 after the point. Avro `string` (BigQuery converts it on write), so producers send
   * `"123.45"`; a malformed or out-of-range number is dead-lettered by the subscription, not lost.
   */
  BIGNUMERIC = 'BIGNUMERIC',
}

/** Whether a field must be present, may be null, or holds a list. */
export enum FieldMode {
  /** Always present and never null. */
  REQUIRED = 'REQUIRED',
  /** May be null or absent. Avro union `["null", T]` with default `null`. */
  NULLABLE = 'NULLABLE',
  /** A list of values (never null; empty when absent). Avro `array`. */
  REPEATED = 'REPEATED',
}

/** One field of a record. */
export interface FieldDefinition {
  /**
   * Column and Avro field name: a letter or `_`, then letters, digits or `_`, at most 300 characters.
   */
  readonly name: string;

  /** The field's type. */
  readonly type: FieldType;

  /**
   * Whether the field is required, nullable or repeated.
   *
   * @default FieldMode.NULLABLE
   */
  readonly mode?: FieldMode;

  /**
   * What the field means; copied into the Avro `doc`, the BigQuery column description and the OpenAPI document.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Marks the field as on its way out: it stays in the table, the Avro schema and the API's responses, and the
   * OpenAPI document flags it `deprecated: true`. Deprecating first is what makes removing a field a compatible
   * change later (see docs/schema-evolution.md).
   *
   * @default false
   */
  readonly deprecated?: boolean;

  /**
   * The fields of a nested record. Required when `type` is `RECORD`, refused otherwise.
   *
   * @default - none
   */
  readonly fields?: FieldDefinition[];
}

/** Options shared by the `Field` factory methods. */
export interface FieldOptions {
  /**
   * Whether the field is required, nullable or repeated.
   *
   * @default FieldMode.NULLABLE
   */
  readonly mode?: FieldMode;

  /**
   * What the field means.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Marks the field as on its way out: it stays in the table, the Avro schema and the API's responses, and the
   * OpenAPI document flags it `deprecated: true`. Deprecating first is what makes removing a field a compatible
   * change later (see docs/schema-evolution.md).
   *
   * @default false
   */
  readonly deprecated?: boolean;
}

/** Short factory methods for `FieldDefinition`s: `Field.string('origin', { mode: FieldMode.REQUIRED })`. */
export class Field {
  /** A `STRING` field. */
  public static string(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.STRING, ...options };
  }

  /** An `INT64` field. */
  public static int64(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.INT64, ...options };
  }

  /** A `FLOAT64` field. */
  public static float64(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.FLOAT64, ...options };
  }

  /** A `NUMERIC` field. */
  public static numeric(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.NUMERIC, ...options };
  }

  /** A `BOOLEAN` field. */
  public static boolean(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.BOOLEAN, ...options };
  }

  /** A `TIMESTAMP` field. */
  public static timestamp(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.TIMESTAMP, ...options };
  }

  /** A `DATE` field. */
  public static date(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.DATE, ...options };
  }

  /** A `JSON` field. */
  public static json(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.JSON, ...options };
  }

  /** A `BYTES` field. */
  public static bytes(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.BYTES, ...options };
  }

  /** A `TIME` field. */
  public static time(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.TIME, ...options };
  }

  /** A `DATETIME` field. */
  public static datetime(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.DATETIME, ...options };
  }

  /** A `BIGNUMERIC` field. */
  public static bigNumeric(name: string, options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.BIGNUMERIC, ...options };
  }

  /** A nested `RECORD` field with its own fields. */
  public static record(name: string, fields: FieldDefinition[], options: FieldOptions = {}): FieldDefinition {
    return { name, type: FieldType.RECORD, fields, ...options };
  }
}
