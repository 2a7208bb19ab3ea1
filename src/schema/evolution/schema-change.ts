/** What changed between the locked record definition and the new one. */
export enum SchemaChangeKind {
  /** A field that was not there before. */
  ADD_FIELD = 'ADD_FIELD',
  /** A field that is gone. */
  REMOVE_FIELD = 'REMOVE_FIELD',
  /** One field removed and one of the same type added in the same record: most likely a rename. */
  RENAME_FIELD = 'RENAME_FIELD',
  /** The type changed to one that holds every value of the old type (INT64 to NUMERIC or BIGNUMERIC, NUMERIC to BIGNUMERIC; INT64 to FLOAT64). */
  WIDEN_TYPE = 'WIDEN_TYPE',
  /** Any other type change. */
  CHANGE_TYPE = 'CHANGE_TYPE',
  /** REQUIRED became NULLABLE. */
  RELAX_MODE = 'RELAX_MODE',
  /** NULLABLE became REQUIRED. */
  TIGHTEN_MODE = 'TIGHTEN_MODE',
  /** A field became REPEATED, or stopped being REPEATED. */
  CHANGE_REPEATED = 'CHANGE_REPEATED',
  /** Existing fields changed their order. */
  REORDER_FIELDS = 'REORDER_FIELDS',
  /** A field was marked deprecated, or no longer is. */
  DEPRECATE_FIELD = 'DEPRECATE_FIELD',
  /** A description changed. */
  CHANGE_DESCRIPTION = 'CHANGE_DESCRIPTION',
  /** The event-time (partitioning) field changed. */
  CHANGE_EVENT_TIME_FIELD = 'CHANGE_EVENT_TIME_FIELD',
  /** The key field changed. */
  CHANGE_KEY_FIELD = 'CHANGE_KEY_FIELD',
  /** The clustering fields changed. */
  CHANGE_CLUSTERING = 'CHANGE_CLUSTERING',
  /** The record's name or namespace changed. */
  CHANGE_RECORD_NAME = 'CHANGE_RECORD_NAME',
}

/** Whether a change rolls out by itself. */
export enum SchemaChangeVerdict {
  /** Pub/Sub, BigQuery and API clients all accept it in place; it rolls out in one apply. */
  COMPATIBLE = 'COMPATIBLE',
  /** Refused at synth unless its field is named in `acceptIncompatibleChanges`. */
  INCOMPATIBLE = 'INCOMPATIBLE',
}

/** One classified change. */
export interface SchemaChange {
  /** What kind of change. */
  readonly kind: SchemaChangeKind;
  /** Dotted path of the field (`aircraft.seats`), or `(record)` for record-level changes. */
  readonly path: string;
  /** Whether it rolls out by itself. */
  readonly verdict: SchemaChangeVerdict;
  /** What changed, e.g. `type INT64 -> STRING`. */
  readonly change: string;
  /** Why it is accepted or refused, by Pub/Sub (Avro), BigQuery and the API contract. */
  readonly reason: string;
  /**
   * How to get there without breaking anything.
   *
   * @default - nothing to do
   */
  readonly supportedPath?: string;
  /**
   * What forcing it through `acceptIncompatibleChanges` costs (data, downtime).
   *
   * @default - no cost
   */
  readonly overrideCost?: string;
}

/** The text of one change for an error or a report. */
export function describeChange(change: SchemaChange): string {
  const parts = [`${change.path}: ${change.change} (${change.kind}): ${change.reason}`];
  if (change.supportedPath) parts.push(`Supported path: ${change.supportedPath}`);
  if (change.overrideCost) parts.push(`Override: add "${change.path}" to schemaLock.acceptIncompatibleChanges; it costs: ${change.overrideCost}`);
  return parts.join(' ');
}
