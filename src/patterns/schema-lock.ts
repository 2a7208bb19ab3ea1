import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RecordSchema } from '../schema/record-schema';
import { classifySchemaChanges } from '../schema/evolution/classify';
import { SchemaChange, SchemaChangeVerdict, describeChange } from '../schema/evolution/schema-change';

/** How synth guards the record definition against changes the deployed pipeline cannot take. */
export interface SchemaLockOptions {
  /**
   * Whether synth compares the schema with the lock file, refuses incompatible changes and writes the file.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The lock file. Commit it with the code: it holds the record definition the committed code deploys.
   *
   * @default - `schema-locks/<name>.schema-lock.json` beside the app's output directory (the project directory
   *   when the output is the usual `cdktf.out`)
   */
  readonly path?: string;

  /**
   * Field paths (`status`, `aircraft.seats`, or `(record)` for record-level changes) whose incompatible change is
   * accepted anyway. Each refusal says what accepting it costs; remove the entry once the change is deployed.
   *
   * @default - none: every incompatible change fails synth
   */
  readonly acceptIncompatibleChanges?: string[];
}

/** Pub/Sub keeps at most this many revisions of one schema; committing one more fails the apply. */
const MAX_SCHEMA_REVISIONS = 20;
/** From this many revisions on, synth warns. */
const SCHEMA_REVISIONS_WARNING = 15;
const LOCKFILE_VERSION = 1;

/** The lock file's content. */
interface SchemaLockFile {
  readonly lockfileVersion: number;
  readonly pipeline: string;
  /** Revisions of the Pub/Sub schema the committed definitions have created (at most 20 are kept by Pub/Sub). */
  readonly schemaRevisions: number;
  /** SHA-256 of the Avro definition, to count revisions: any change of it (even a description) commits one. */
  readonly avroSha256: string;
  /** The record definition, as `RecordSchema.toJson()` writes it. */
  readonly record: unknown;
}

/** What comparing the schema with its lock found. */
export interface SchemaLockCheck {
  /** Changes against the lock, compatible or not. */
  readonly changes: SchemaChange[];
  /** Why synth must fail: one entry per refused change, or a lock file that cannot be read. */
  readonly errors: string[];
  readonly warnings: string[];
  /** The lock file's content after this synth (written when there are no errors). */
  readonly lock?: string;
}

/**
 * Compares `schema` with the lock file of `pipeline` and says what changed; refuses incompatible changes not
 * accepted by name and a 21st schema revision (only when the pipeline creates the Pub/Sub schema: an existing topic's
 * schema and its revisions are its owner's); and, when nothing is refused, writes the lock with the new definition.
 */
export function checkSchemaLock(pipeline: string, schema: RecordSchema, path: string, accepted: readonly string[] = [], ownsPubSubSchema = true): SchemaLockCheck {
  const avroSha256 = createHash('sha256').update(schema.toAvroJson()).digest('hex');
  const record = JSON.parse(schema.toJson()) as unknown;
  if (!existsSync(path)) {
    return write(path, { lockfileVersion: LOCKFILE_VERSION, pipeline, schemaRevisions: 1, avroSha256, record }, [], []);
  }
  let locked: SchemaLockFile;
  let previous: RecordSchema;
  try {
    locked = JSON.parse(readFileSync(path, 'utf8')) as SchemaLockFile;
    if (locked.lockfileVersion !== LOCKFILE_VERSION) throw new Error(`lockfileVersion ${JSON.stringify(locked.lockfileVersion)} is not ${LOCKFILE_VERSION}`);
    previous = RecordSchema.fromJson(JSON.stringify(locked.record));
  } catch (e) {
    return { changes: [], warnings: [], errors: [`schema lock ${path} cannot be read: ${(e as Error).message}. Restore it from version control (it holds the deployed definition), or delete it to start a new history.`] };
  }

  const changes = classifySchemaChanges(previous, schema);
  const errors: string[] = [];
  const warnings: string[] = [];
  const acceptedSet = new Set(accepted);
  for (const change of changes) {
    if (change.verdict !== SchemaChangeVerdict.INCOMPATIBLE) continue;
    if (acceptedSet.has(change.path)) warnings.push(`accepted incompatible schema change ${change.path}: ${change.change}; it costs: ${change.overrideCost}`);
    else errors.push(`incompatible schema change of pipeline ${pipeline} (lock ${path}): ${describeChange(change)}`);
  }
  const unused = accepted.filter((p) => !changes.some((c) => c.verdict === SchemaChangeVerdict.INCOMPATIBLE && c.path === p));
  if (unused.length > 0) warnings.push(`schemaLock.acceptIncompatibleChanges names ${unused.join(', ')}, which changed compatibly or not at all: remove it`);

  const committed = Number.isSafeInteger(locked.schemaRevisions) && locked.schemaRevisions > 0 ? locked.schemaRevisions : 1;
  const revisions = locked.avroSha256 === avroSha256 ? committed : committed + 1;
  if (ownsPubSubSchema && revisions > MAX_SCHEMA_REVISIONS) {
    errors.push(
      `the Pub/Sub schema of pipeline ${pipeline} already holds ${committed} revisions, and Pub/Sub keeps at most ${MAX_SCHEMA_REVISIONS}: this change would commit one more and fail at apply. ` +
        'Delete revisions no producer publishes with any more (gcloud pubsub schemas list-revisions <name>-schema; gcloud pubsub schemas delete-revision <name>-schema@<revision id>), ' +
        `then set "schemaRevisions" in ${path} to the number left and synth again.`,
    );
  } else if (ownsPubSubSchema && revisions >= SCHEMA_REVISIONS_WARNING && revisions !== committed) {
    warnings.push(`the Pub/Sub schema of pipeline ${pipeline} will hold ${revisions} of at most ${MAX_SCHEMA_REVISIONS} revisions: plan to delete old ones (see docs/schema-evolution.md)`);
  }
  if (errors.length > 0) return { changes, errors, warnings };
  return write(path, { lockfileVersion: LOCKFILE_VERSION, pipeline, schemaRevisions: revisions, avroSha256, record }, changes, warnings);
}

function write(path: string, lock: SchemaLockFile, changes: SchemaChange[], warnings: string[]): SchemaLockCheck {
  const text = `${JSON.stringify(lock, null, 2)}\n`;
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return { changes, errors: [], warnings, lock: text };
}
