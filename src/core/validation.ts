import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { RESERVED_NAME_ENDINGS } from './physical-names';

/** Lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen. */
export const PIPELINE_NAME_PATTERN = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The longest pipeline name. The tightest derived name is the subscription's service account id
 * `<name>-bq-writer`, which must fit in 30 characters (service account ids are 6 to 30 characters).
 */
export const MAX_PIPELINE_NAME_LENGTH = 20;

/** GCP label keys: a lowercase letter, then lowercase letters, digits, `_` or `-`, at most 63 characters. */
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** GCP label values: lowercase letters, digits, `_` or `-`, at most 63 characters (may be empty). */
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
/** GCP resources take at most 64 labels. */
const MAX_LABELS = 64;

/** Why `name` cannot name a pipeline, if it cannot. */
export function nameProblems(name: string, prop = 'name'): string[] {
  if (Token.isUnresolved(name)) return [`${prop} must be a literal string (it builds physical names at synth time), got a token`];
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_PIPELINE_NAME_LENGTH || !PIPELINE_NAME_PATTERN.test(name)) {
    return [`${prop} must be 1 to ${MAX_PIPELINE_NAME_LENGTH} lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen, got ${JSON.stringify(name)}`];
  }
  // Pub/Sub refuses topic and subscription names that start with "goog".
  if (name.startsWith('goog')) return [`${prop} must not start with "goog" (Pub/Sub reserves it), got ${JSON.stringify(name)}`];
  const ending = RESERVED_NAME_ENDINGS.find((e) => name.endsWith(e));
  if (ending) {
    const other = name.slice(0, -ending.length);
    return [`${prop} must not end with "${ending}": its resources would collide with those of a pipeline named "${other}", got ${JSON.stringify(name)}`];
  }
  return [];
}

/** Why these labels cannot go on GCP resources, if they cannot. */
export function labelProblems(labels: { [key: string]: string } | undefined, prop = 'labels'): string[] {
  if (labels === undefined || Token.isUnresolved(labels)) return [];
  const problems: string[] = [];
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS - 1) problems.push(`${prop} may hold at most ${MAX_LABELS - 1} labels (GCP allows ${MAX_LABELS}, one is pipeline), got ${entries.length}`);
  for (const [key, value] of entries) {
    if (!Token.isUnresolved(key) && !LABEL_KEY.test(key)) {
      problems.push(`${prop} key ${JSON.stringify(key)} must be a lowercase letter then up to 62 lowercase letters, digits, _ or -`);
    }
    if (!Token.isUnresolved(value) && (typeof value !== 'string' || !LABEL_VALUE.test(value))) {
      problems.push(`${prop}.${key} value ${JSON.stringify(value)} must be up to 63 lowercase letters, digits, _ or -`);
    }
  }
  return problems;
}

/** Adds a problem when `value` is set, resolved, and not an integer between `min` and `max`. */
export function checkIntegerRange(problems: string[], prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${prop} must be an integer between ${min} and ${max}, got ${value}`);
  }
}

/** Throws one error listing every problem, or does nothing when there is none. */
export function throwIfProblems(kind: string, scope: Construct, problems: string[]): void {
  if (problems.length === 0) return;
  throw new Error(`invalid ${kind} props at ${scope.node.path}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** Prefixes each problem of a nested options struct with the prop that holds it (`api.maxQueryWindowDays ...`). */
export function nested(prop: string, problems: string[]): string[] {
  return problems.map((p) => `${prop}.${p}`);
}

/** The labels every resource of a pipeline carries: the user's labels plus `pipeline=<name>` (which wins). */
export function pipelineLabels(name: string, labels?: { [key: string]: string }): { [key: string]: string } {
  return { ...(labels ?? {}), pipeline: name };
}

