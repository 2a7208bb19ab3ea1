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

/**
 * Endings a pipeline name may not have, because another pipeline's derived names end with them: `orders-api`
 * would own the dataset `orders_api`, which is the view dataset of `orders`; `orders-dead-letters` would own the
 * subscription `orders-dead-letters-to-bigquery` of `orders`.
 */
export const RESERVED_NAME_ENDINGS = ['-api', '-dead-letters'];

/** BigQuery ids take `_` where pipeline names have `-`. */
export function bigQueryId(name: string): string {
  return name.replace(/-/g, '_');
}

/** Every physical name a pipeline owns, prefixed by its namespace, e.g. `topic:orders-events`. */
export function ownedPhysicalNames(name: string, datasetId: string = bigQueryId(name)): string[] {
  const base = bigQueryId(name);
  return [
    `schema:${physicalName(name, 'schema')}`,
    `topic:${physicalName(name, 'topic')}`,
    `topic:${physicalName(name, 'deadLetterTopic')}`,
    `subscription:${physicalName(name, 'subscription')}`,
    `subscription:${physicalName(name, 'deadLetterSubscription')}`,
    `service-account:${physicalName(name, 'writerAccount')}`,
    `service-account:${physicalName(name, 'apiAccount')}`,
    `cloud-run:${physicalName(name, 'service')}`,
    `dataset:${base}_api`,
    `table:${datasetId}.${base}`,
    `table:${datasetId}.${base}_dead_letters`,
    ...(datasetId === base ? [`dataset:${base}`] : []),
  ];
}
