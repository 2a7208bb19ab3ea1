/**
 * Suffixes of the physical names derived from a pipeline's `name`. Changing one renames (replaces) live resources,
 * and monitoring filters and the fleet view match on them: treat them as API.
 */
export const NAME_SUFFIXES = {
  schema: '-schema',
  topic: '-events',
  deadLetterTopic: '-dead-letters',
  subscription: '-to-bigquery',
  deadLetterSubscription: '-dead-letters-to-bigquery',
  writerAccount: '-bq-writer',
  apiAccount: '-query',
  service: '-api',
} as const;

/** The physical name of one kind of resource of the pipeline `name`. */
export function physicalName(name: string, kind: keyof typeof NAME_SUFFIXES): string {
  return `${name}${NAME_SUFFIXES[kind]}`;
}
